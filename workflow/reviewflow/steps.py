"""One function per workflow step: read the step's files, call the pure
functions, write the step's files. Snakemake scripts and the CLI call these,
so the workflow and the command line cannot drift apart."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd

from . import tables as t
from .dedup import deduplicate_explained
from .dedup.decisions import checked_decisions, write_clusters_workbook, write_review_queue
from .ingest import load
from .report.context import build_context, inputs_digest
from .prisma import prisma_counts, prisma_svg
from .provenance import provenance
from .report.render import render_html, render_pdf
from .report.workbook import write_workbook
from .rob import load_tool, sheet_schema
from .rob.assessments import rob_table, write_template
from .rob.figures import summary_bars, traffic_light
from .rob.soe import soe_table
from .screening import STAGES, agreement, disagreements, needs_decision, resolve_decisions, screening_status
from .sheets import empty_sheet, read_sheet
from .studies import SheetFiles, build_studies
from .worksheets import worksheet_rows, write_worksheet

log = logging.getLogger(__name__)


def ingest_export(path: str, output: str, rejected_out: str, *, database: str, search: str, format: str | None = None, on_error: str = "stop") -> None:
    records, rejected = load(path, source=database, search=search, format=format, on_error=on_error)
    t.write_csv(records, output, t.RECORD_COLUMNS)
    t.write_csv(rejected, rejected_out, t.REJECTED_COLUMNS)


def deduplicate_records(inputs: list[str], decisions: str | None, *, conference_abstracts: str, stamp: str, outputs: dict[str, str]) -> None:
    """Inputs come in config order (batches, then exports), which fixes citation ids."""
    records = pd.concat([t.read_csv(p, t.RECORD_COLUMNS) for p in inputs], ignore_index=True)
    chosen = checked_decisions(read_sheet(decisions, "dedup_decisions"), set(records["record_id"]), decisions) if decisions else []
    result = deduplicate_explained(records, decisions=chosen, conference_abstracts=conference_abstracts)
    log.info("%d records -> %d citations (%d duplicates); %d pairs for people to decide",
             len(records), len(result.citations), len(records) - len(result.citations), len(result.queue))  # fmt: skip
    t.write_csv(result.records, outputs["records"], t.DEDUPED_RECORD_COLUMNS)
    t.write_csv(result.citations, outputs["citations"], t.CITATION_COLUMNS)
    write_clusters_workbook(result.merges, result.apart, outputs["clusters"], date.fromisoformat(stamp))
    write_review_queue(result.queue, outputs["queue"], date.fromisoformat(stamp))


def gather_rejected(inputs: list[str], output: str) -> None:
    rejected = pd.concat([t.read_csv(p, t.REJECTED_COLUMNS) for p in inputs], ignore_index=True)
    t.write_csv(rejected, output, t.REJECTED_COLUMNS)
    if len(rejected):
        log.warning("%d records set aside as unreadable; see %s", len(rejected), output)


def screen(citations: str, decisions: str, *, reasons: list[str], searches: list[dict], outputs: dict[str, str]) -> None:
    """Status of every citation, what is left to screen, and how reviewers agreed."""
    citation_frame = t.read_csv(citations, t.CITATION_COLUMNS)
    resolved = resolve_decisions(read_sheet(decisions, "screening"), citation_frame, reasons, decisions)
    status = screening_status(citation_frame, resolved)
    stamp = date.fromisoformat(searches[-1]["date_searched"])
    for stage in STAGES:
        rows = worksheet_rows(citation_frame, status.loc[needs_decision(status, stage), "citation_id"], stage)
        write_worksheet(rows, stage, reasons, outputs[f"to_screen_{stage}"], stamp)
        log.info("%s: %d citations to screen", stage, len(rows))
    open_votes = disagreements(resolved)
    votes = [c for c in resolved.columns if c.startswith("vote_")]
    disagreement_rows = [
        [r["citation_id"], r["stage"], "", "", "", "", "; ".join(f"{v[5:]}: {r[v]}" for v in votes if r[v])]
        + worksheet_rows(citation_frame, pd.Series([r["citation_id"]]), r["stage"])[0][7:]
        for r in open_votes.to_dict("records")
    ]  # fmt: skip
    write_worksheet(disagreement_rows, "full_text", reasons, outputs["disagreements"], stamp, title="to resolve")
    t.write_csv(status, outputs["status"], t.STATUS_COLUMNS)
    t.write_json({"agreement": agreement(resolved), "open_disagreements": len(open_votes)}, outputs["agreement"])
    log.info("screening: %s", status["status"].value_counts().sort_index().to_dict())


def prisma(records: str, rejected: str, citations: str, status: str, studies_csv: str, publications: str, *, searches: list[dict], counts_out: str, svg_out: str) -> None:
    counts = prisma_counts(
        t.read_csv(records, t.DEDUPED_RECORD_COLUMNS),
        t.read_csv(rejected, t.REJECTED_COLUMNS),
        t.read_csv(citations, t.CITATION_COLUMNS),
        t.read_csv(status, t.STATUS_COLUMNS),
        t.read_csv(studies_csv, t.STUDY_COLUMNS),
        t.read_csv(publications, t.PUBLICATION_COLUMNS),
        searches,
    )
    t.write_json(counts, counts_out)
    Path(svg_out).write_text(prisma_svg(counts), encoding="utf-8")


def studies(sheets: dict[str, str], citations: str, status: str, *, key_questions: list[dict], outputs: dict[str, str]) -> None:
    """sheets: registry, publications, arms, outcomes and (optional) kq_overrides paths."""
    overrides = sheets.get("kq_overrides")
    built = build_studies(
        read_sheet(sheets["registry"], "studies"),
        read_sheet(sheets["publications"], "publications"),
        read_sheet(sheets["arms"], "arms"),
        read_sheet(sheets["outcomes"], "outcomes"),
        read_sheet(overrides, "kq_overrides") if overrides else empty_sheet("kq_overrides"),
        t.read_csv(citations, t.CITATION_COLUMNS),
        t.read_csv(status, t.STATUS_COLUMNS),
        key_questions,
        SheetFiles(sheets["registry"], sheets["publications"], sheets["arms"], sheets["outcomes"], overrides or "kq_overrides"),
    )
    for name, frame in built.items():
        t.write_csv(frame, outputs[name], list(frame.columns))
    log.info("%d studies, %d comparisons, %d evidence rows", len(built["studies"]), len(built["comparisons"]), len(built["evidence_rows"]))


def risk_of_bias(assessments: str, studies_csv: str, evidence_csv: str, soe_sheet: str, *, tool_name: str, palette: str,
                 kq_ids: list[str], stamp: str, outputs: dict[str, str]) -> None:  # fmt: skip
    """Assessments checked against the tool, the gaps and a workbook for them, the
    strength of evidence, and the figures per key question."""

    tool = load_tool(tool_name)
    studies = t.read_csv(studies_csv, t.STUDY_COLUMNS)
    evidence = t.read_csv(evidence_csv, t.EVIDENCE_COLUMNS)
    table, missing = rob_table(read_sheet(assessments, sheet_schema(tool)), studies, tool, assessments)
    t.write_csv(table, outputs["table"], list(table.columns))
    t.write_csv(pd.DataFrame({"study_id": missing}), outputs["gaps"], ["study_id"])
    write_template(tool, studies, missing, outputs["template"], date.fromisoformat(stamp))
    soe = soe_table(read_sheet(soe_sheet, "soe"), evidence, studies, table, tool, kq_ids, soe_sheet)
    t.write_csv(soe, outputs["soe"], list(soe.columns))
    if missing:
        log.warning("included studies without an assessment: %s", ", ".join(missing))
    disagreeing = table[table["agrees"] == "false"]
    if len(disagreeing):
        log.warning("stated overall differs from the tool's rule for: %s", ", ".join(disagreeing["study_id"]))
    sizes = studies.set_index("study_id")["n_randomised"]
    first = table.drop_duplicates("study_id").set_index("study_id")
    for kq in kq_ids:
        ids = sorted(set(evidence.loc[evidence["kq"] == kq, "study_id"]))
        rows = [
            {"label": first.at[s, "label"], "domains": [first.at[s, d["id"]] for d in tool.domains], "overall": first.at[s, "overall"]}
            if s in first.index else
            {"label": studies.set_index("study_id").at[s, "label"], "domains": [""] * len(tool.domains), "overall": ""}
            for s in ids
        ]  # fmt: skip
        weights = [float(sizes.get(s) or 0) for s in ids]
        Path(outputs[f"traffic_light_{kq}"]).write_text(traffic_light(rows, tool, palette, f"{kq}: risk of bias of each study ({tool.name})"), encoding="utf-8")
        Path(outputs[f"summary_{kq}"]).write_text(summary_bars(rows, tool, palette, None, f"{kq}: share of studies at each judgement"), encoding="utf-8")
        weighted = summary_bars(rows, tool, palette, weights if any(weights) else None, f"{kq}: share of participants at each judgement")
        Path(outputs[f"summary_weighted_{kq}"]).write_text(weighted, encoding="utf-8")


def report_context(*, config: dict, prisma: str, prisma_svg_file: str, agreement: str, soe: str, figures: list[str], status: str, studies_csv: str, publications: str, evidence: str, arms: str, matrix: str, rob: str, rob_gaps: str, raw_inputs: list[str], output: str) -> None:
    context = build_context(
        config=config,
        prisma=t.read_json(prisma),
        prisma_svg=Path(prisma_svg_file).read_text(encoding="utf-8"),
        agreement=t.read_json(agreement),
        status=t.read_csv(status, t.STATUS_COLUMNS),
        studies=t.read_csv(studies_csv, t.STUDY_COLUMNS),
        publications=t.read_csv(publications, t.PUBLICATION_COLUMNS),
        evidence=t.read_csv(evidence, t.EVIDENCE_COLUMNS),
        arms=t.read_csv(arms, t.ARM_COLUMNS),
        matrix=t.read_csv(matrix),
        rob=t.read_csv(rob),
        soe=t.read_csv(soe),
        figures={Path(f).stem: Path(f).read_text(encoding="utf-8") for f in figures},
        rob_missing=list(t.read_csv(rob_gaps)["study_id"]),
        digest=inputs_digest(raw_inputs, config),
    )
    t.write_json(context, output)


def report_html(context: str, output: str) -> None:
    Path(output).write_text(render_html(t.read_json(context)), encoding="utf-8")


def report_pdf(html: str, output: str) -> None:
    Path(output).write_bytes(render_pdf(Path(html).read_text(encoding="utf-8")))


def report_workbook(context: str, output: str) -> None:
    write_workbook(t.read_json(context), output)


def write_provenance(inputs: list[str], config: dict, workflow_dir: str, output: str) -> None:
    t.write_json(provenance(inputs, config, workflow_dir), output)
