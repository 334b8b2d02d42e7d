"""One function per workflow step: read the step's files, call the pure
functions, write the step's files. Snakemake scripts and the CLI call these,
so the workflow and the command line cannot drift apart."""

from __future__ import annotations

import logging

import pandas as pd

from . import tables as t
from .dedup import deduplicate
from .ingest import load
from .report.context import build_context, inputs_digest
from .rob import rob_table
from .screening import flow_counts, resolve_decisions, screening_status
from .sheets import read_sheet
from .studies import SheetFiles, build_studies

log = logging.getLogger(__name__)


def ingest_export(path: str, output: str, rejected_out: str, *, database: str, search: str, format: str | None = None, on_error: str = "stop") -> None:
    records, rejected = load(path, source=database, search=search, format=format, on_error=on_error)
    t.write_csv(records, output, t.RECORD_COLUMNS)
    t.write_csv(rejected, rejected_out, t.REJECTED_COLUMNS)


def deduplicate_records(inputs: list[str], records_out: str, citations_out: str) -> None:
    """Inputs come in config order (batches, then exports), which fixes citation ids."""
    records = pd.concat([t.read_csv(p, t.RECORD_COLUMNS) for p in inputs], ignore_index=True)
    deduped, citations = deduplicate(records)
    log.info("%d records -> %d citations (%d duplicates)", len(records), len(citations), len(records) - len(citations))
    t.write_csv(deduped, records_out, t.DEDUPED_RECORD_COLUMNS)
    t.write_csv(citations, citations_out, t.CITATION_COLUMNS)


def gather_rejected(inputs: list[str], output: str) -> None:
    rejected = pd.concat([t.read_csv(p, t.REJECTED_COLUMNS) for p in inputs], ignore_index=True)
    t.write_csv(rejected, output, t.REJECTED_COLUMNS)
    if len(rejected):
        log.warning("%d records set aside as unreadable; see %s", len(rejected), output)


def screen(records: str, citations: str, decisions: str, rejected: str, *, reasons: list[str], searches: list[dict], status_out: str, flow_out: str) -> None:
    citation_frame = t.read_csv(citations, t.CITATION_COLUMNS)
    resolved = resolve_decisions(read_sheet(decisions, "screening"), citation_frame, reasons, decisions)
    status = screening_status(citation_frame, resolved)
    set_aside = t.read_csv(rejected, t.REJECTED_COLUMNS)
    flow = flow_counts(t.read_csv(records, t.DEDUPED_RECORD_COLUMNS), citation_frame, status, searches, set_aside)
    log.info("screening: %s", status["status"].value_counts().sort_index().to_dict())
    t.write_csv(status, status_out, t.STATUS_COLUMNS)
    t.write_json(flow, flow_out)


def studies(registry: str, publications: str, comparisons: str, citations: str, status: str, *, key_questions: list[dict], outputs: dict[str, str]) -> None:
    built = build_studies(
        read_sheet(registry, "studies"),
        read_sheet(publications, "publications"),
        read_sheet(comparisons, "comparisons"),
        t.read_csv(citations, t.CITATION_COLUMNS),
        t.read_csv(status, t.STATUS_COLUMNS),
        key_questions,
        SheetFiles(registry, publications, comparisons),
    )
    t.write_csv(built["studies"], outputs["studies"], t.STUDY_COLUMNS)
    t.write_csv(built["publications"], outputs["publications"], t.PUBLICATION_COLUMNS)
    t.write_csv(built["evidence_rows"], outputs["evidence_rows"], t.EVIDENCE_COLUMNS)
    t.write_csv(built["kq_matrix"], outputs["kq_matrix"], list(built["kq_matrix"].columns))
    log.info("%d studies, %d evidence rows", len(built["studies"]), len(built["evidence_rows"]))


def risk_of_bias(assessments: str, studies_csv: str, *, tool: str, output: str, gaps_out: str) -> None:
    table, missing = rob_table(read_sheet(assessments, "rob"), t.read_csv(studies_csv, t.STUDY_COLUMNS), tool, assessments)
    t.write_csv(table, output, t.ROB_COLUMNS)
    t.write_csv(pd.DataFrame({"study_id": missing}), gaps_out, ["study_id"])
    if missing:
        log.warning("included studies without a quality rating: %s", ", ".join(missing))


def report_context(*, config: dict, flow: str, status: str, studies_csv: str, publications: str, evidence: str, matrix: str, rob: str, rob_gaps: str, raw_inputs: list[str], output: str) -> None:
    context = build_context(
        config=config,
        flow=t.read_json(flow),
        status=t.read_csv(status, t.STATUS_COLUMNS),
        studies=t.read_csv(studies_csv, t.STUDY_COLUMNS),
        publications=t.read_csv(publications, t.PUBLICATION_COLUMNS),
        evidence=t.read_csv(evidence, t.EVIDENCE_COLUMNS),
        matrix=t.read_csv(matrix),
        rob=t.read_csv(rob, t.ROB_COLUMNS),
        rob_missing=list(t.read_csv(rob_gaps)["study_id"]),
        digest=inputs_digest(raw_inputs, config),
    )
    t.write_json(context, output)


def report_html(context: str, output: str) -> None:
    from pathlib import Path

    from .report.render import render_html

    Path(output).write_text(render_html(t.read_json(context)), encoding="utf-8")


def report_pdf(html: str, output: str) -> None:
    from pathlib import Path

    from .report.render import render_pdf

    Path(output).write_bytes(render_pdf(Path(html).read_text(encoding="utf-8")))


def report_workbook(context: str, output: str) -> None:
    from .report.workbook import write_workbook

    write_workbook(t.read_json(context), output)
