# Helper functions for the rules: paths derived from the config.
import os
from pathlib import Path


wildcard_constraints:
    batch=r"[A-Za-z0-9_.-]+",
    export=r"[A-Za-z0-9_.-]+",


def report_templates():
    """The report's templates and style sheet: editing one re-renders the report."""
    folder = Path(workflow.main_snakefile).parent / "workflow" / "templates"
    return sorted(os.path.relpath(p) for p in folder.rglob("*") if p.is_file())


def resource(name):
    """A file in the review's input folder."""
    return f"{config['resources']}/{name}"


def export_settings(wildcards):
    """The config entry of one export of one search batch."""
    for search in config["searches"]:
        if search["batch"] == wildcards.batch:
            for export in search["exports"]:
                if export["file"] == wildcards.export:
                    return export
    raise ValueError(f"no export {wildcards.export} in search {wildcards.batch}")


def export_file(wildcards):
    return resource(f"searches/{wildcards.batch}/{wildcards.export}")


def ingested_exports(suffix="csv"):
    """Every export's records (or rejected records), in config order: the order fixes citation ids."""
    return [
        f"results/ingest/{search['batch']}/{export['file']}.{suffix}"
        for search in config["searches"]
        for export in search["exports"]
    ]


def dedup_decisions():
    """The reviewers' dedup decisions sheet, when the config names one."""
    name = config.get("dedup", {}).get("decisions")
    return [resource(name)] if name else []


def study_sheets():
    """The study and extraction sheets by role; kq_overrides only when the config names one."""
    return {role: resource(name) for role, name in config["studies"].items()}


def raw_inputs():
    """Every input file people provide; the report's digest covers them all."""
    exports = [
        resource(f"searches/{search['batch']}/{export['file']}")
        for search in config["searches"]
        for export in search["exports"]
    ]
    sheets = [
        *dedup_decisions(),
        resource(config["screening"]["decisions"]),
        *study_sheets().values(),
        resource(config["rob"]["assessments"]),
        resource(config["rob"]["soe"]),
    ]
    return exports + sheets


def rob_figures():
    """Named outputs of the rob rule: three figures per key question."""
    figures = {}
    for kq in config["key_questions"]:
        for kind in ("traffic_light", "summary", "summary_weighted"):
            figures[f"{kind}_{kq['id']}"] = f"results/rob/{kind}_{kq['id']}.svg"
    return figures


def result_files():
    """Every file the workflow writes under results/, for the manifest."""
    tables = [
        "results/ingest/rejected.csv",
        "results/dedup/records.csv",
        "results/dedup/citations.csv",
        "results/screening/status.csv",
        "results/screening/agreement.json",
        "results/screening/disagreements.xlsx",
        "results/screening/to_screen_title_abstract.xlsx",
        "results/screening/to_screen_full_text.xlsx",
        "results/prisma/prisma.json",
        "results/prisma/prisma.svg",
        "results/studies/studies.csv",
        "results/studies/publications.csv",
        "results/studies/evidence_rows.csv",
        "results/studies/kq_matrix.csv",
        "results/rob/rob.csv",
        "results/rob/unassessed_studies.csv",
        "results/rob/assessment_template.xlsx",
        "results/rob/soe.csv",
        "results/report/context.json",
        "results/report.html",
        "results/report.pdf",
        "results/evidence_tables.xlsx",
    ]
    return (
        ingested_exports("csv")
        + ingested_exports("rejected.csv")
        + tables
        + list(rob_figures().values())
    )
