"""The report stage's files: every stage's outputs gathered into one context
(JSON), rendered to HTML, printed to PDF and laid out as a workbook, so the three
can never disagree."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .. import tables as t
from ..layout import AFTER_POOLING, Layout
from ..rob import load_tool
from .authored import render_sections
from .context import Tables, build_context, inputs_digest


def report_context(inputs: dict, config: dict, output: str) -> None:
    layout = Layout(config)
    tables = Tables(
        prisma=t.read_json(inputs["prisma"]),
        prisma_svg=Path(inputs["prisma_svg"]).read_text(encoding="utf-8"),
        agreement=t.read_json(inputs["agreement"]),
        prioritisation=t.read_json(inputs["prioritisation"]),
        status=t.read_csv(inputs["status"], t.STATUS_COLUMNS),
        studies=t.read_csv(inputs["studies"]),
        publications=t.read_csv(inputs["publications"], t.PUBLICATION_COLUMNS),
        evidence=t.read_csv(inputs["evidence"]),
        matrix=t.read_csv(inputs["matrix"]),
        arms=t.read_csv(inputs["arms"]),
        rob=t.read_csv(inputs["rob"]),
        rob_missing=list(t.read_csv(inputs["rob_gaps"])["study_id"]),
        soe=t.read_csv(inputs["soe"]),
        analyses=t.read_csv(inputs["analyses"]),
        estimates=t.read_csv(inputs["estimates"]),
        changes=t.read_csv(inputs["changes"]),
        changes_summary=t.read_json(inputs["changes_summary"]),
        forest={f.stem: f.read_text(encoding="utf-8") for f in sorted(Path(inputs["forest"]).glob("*.svg"))},
        funnel={f.stem: f.read_text(encoding="utf-8") for f in sorted(Path(inputs["funnel"]).glob("*.svg"))},
        after_plots={f.stem: f.read_text(encoding="utf-8") for f in sorted(Path(inputs["after"]).glob("*.svg"))},
        figures={Path(f).stem: Path(f).read_text(encoding="utf-8") for f in inputs["figures"]},
        match_rules=t.read_csv(inputs["dedup_records"])["match_rule"].value_counts().to_dict(),
        awaiting=t.read_csv(inputs["awaiting"], t.AWAITING_COLUMNS),
        after_pooling={name: t.read_csv(inputs[f"after_{name}"]) for name in AFTER_POOLING},
        strategies=[
            {"batch": search["batch"], "database": export["database"], "text": path.read_text(encoding="utf-8")}
            for search, export in layout.exports()
            if export.get("strategy")
            and (path := Path(layout.export_file(search["batch"], export["strategy"]))).is_file()
        ],
        authored=render_sections(
            layout.resource("report"),
            [kq["id"] for kq in config["key_questions"]],
            config["vocabulary"].get("glossary", {}),
        ),
    )
    if layout.diagnostic():
        folder = Path(inputs["accuracy_figures"])
        tables = replace(
            tables,
            accuracy={
                "analyses": t.read_csv(inputs["accuracy_analyses"]),
                "studies": t.read_csv(inputs["accuracy_studies"]),
                "comparisons": t.read_csv(inputs["accuracy_comparisons"]),
                "certainty": t.read_csv(inputs["accuracy_certainty"]),
                "figures": {
                    f.name.removesuffix(".svg"): f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.svg"))
                },
            },
        )
    if "rob_agreement" in inputs:
        from ..reviewers import open_differences

        tables = replace(
            tables,
            rob_agreement={
                "rows": t.read_csv(inputs["rob_agreement"]).to_dict("records"),
                "open": open_differences(inputs["rob_disagreements"]),
            },
        )
    if "extraction_agreement" in inputs:
        from ..reviewers import open_rows
        from ..schemas import setting

        still = open_rows(inputs["extraction_disagreements"])
        tables = replace(
            tables,
            extraction_agreement={
                "rows": t.read_csv(inputs["extraction_agreement"]).to_dict("records"),
                "open": len(still),
                "open_studies": sorted({row["study_id"] for row in still}),
                "tolerance": setting(config, "studies.extraction_tolerance"),
            },
        )
    digest = inputs_digest(t.read_json(inputs["provenance"]))
    t.write_json(build_context(config, tables, load_tool(layout.rob_tool()), digest), output)


def report_html(context: str, output: str) -> None:
    from .render import render_html

    Path(output).write_text(render_html(t.read_json(context)), encoding="utf-8")


def report_pdf(html: str, output: str) -> None:
    from .render import render_pdf

    Path(output).write_bytes(render_pdf(Path(html).read_text(encoding="utf-8")))


def report_workbook(context: str, output: str) -> None:
    from .workbook import write_workbook

    write_workbook(t.read_json(context), output)


def run_context(inputs: dict, outputs: dict, params: dict) -> None:
    report_context(inputs, dict(params["config"]), outputs["context"])


def run_html(inputs: dict, outputs: dict, params: dict) -> None:
    report_html(inputs["context"], outputs["html"])


def run_pdf(inputs: dict, outputs: dict, params: dict) -> None:
    report_pdf(inputs["html"], outputs["pdf"])


def run_workbook(inputs: dict, outputs: dict, params: dict) -> None:
    report_workbook(inputs["context"], outputs["workbook"])
