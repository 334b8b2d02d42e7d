"""The dedup stage's files: every export's records in config order, and the
reviewers' decisions, in; records with their citation, the citations, the
explanations and the review queue out. `reviewflow dedup` calls the same code
on any records CSV (ours or another tool's)."""

from __future__ import annotations

import logging
from datetime import date

import pandas as pd

from ..errors import ReviewflowError
from ..sheets import read_sheet
from ..tables import CITATION_COLUMNS, DEDUPED_RECORD_COLUMNS, RECORD_COLUMNS, read_csv, write_csv
from . import Dedup, deduplicate_explained, prepare_records
from .decisions import checked_decisions, write_clusters_workbook, write_review_queue

log = logging.getLogger(__name__)

# Workbooks of the command line carry no search date; a fixed stamp keeps their bytes stable.
CLI_STAMP = date(2000, 1, 1)


def deduplicate_files(
    records: pd.DataFrame, decisions: str | None, conference_abstracts: str, explain: bool = True
) -> Dedup:
    """Records (in batch order) and the decisions sheet, if any -> the dedup result."""
    chosen = []
    if decisions:
        chosen = checked_decisions(read_sheet(decisions, "dedup_decisions"), set(records["record_id"]), decisions)
    log.info("deduplicating %d records", len(records))
    result = deduplicate_explained(
        records, decisions=chosen, conference_abstracts=conference_abstracts, explain=explain
    )
    log.info(
        "%d records -> %d citations (%d duplicates)%s",
        len(records),
        len(result.citations),
        len(records) - len(result.citations),
        f"; {len(result.queue)} pairs for people to decide" if explain else "",
    )
    return result


def deduplicate_records(
    inputs: list[str], decisions: str | None, *, conference_abstracts: str, stamp: str, outputs: dict[str, str]
) -> None:
    """Inputs come in config order (batches, then exports), which fixes citation ids."""
    records = pd.concat([read_csv(p, RECORD_COLUMNS) for p in inputs], ignore_index=True)
    result = deduplicate_files(records, decisions, conference_abstracts)
    write_csv(result.records, outputs["records"], DEDUPED_RECORD_COLUMNS)
    write_csv(result.citations, outputs["citations"], CITATION_COLUMNS)
    write_clusters_workbook(result.merges, result.apart, outputs["clusters"], date.fromisoformat(stamp))
    write_review_queue(result.queue, outputs["queue"], date.fromisoformat(stamp))


def deduplicate_table(
    records_csv: str,
    output: str,
    *,
    decisions: str | None = None,
    queue: str | None = None,
    explain: str | None = None,
    conference_abstracts: str = "separate",
) -> Dedup:
    """Any records CSV with an id column -> record_id, cluster_id (the command line's dedup)."""
    raw = read_csv(records_csv)
    if not {"record_id", "ID", "id"} & set(raw.columns):
        raise ReviewflowError("has no id column (record_id, ID or id)", file=records_csv, row=1)
    result = deduplicate_files(
        prepare_records(raw, RECORD_COLUMNS), decisions, conference_abstracts, explain=bool(queue or explain)
    )
    clusters = result.records.rename(columns={"citation_id": "cluster_id"})
    write_csv(clusters, output, ["record_id", "cluster_id"])
    if queue:
        write_review_queue(result.queue, queue, CLI_STAMP)
    if explain:
        write_clusters_workbook(result.merges, result.apart, explain, CLI_STAMP)
    return result


def run(inputs: dict, outputs: dict, params: dict) -> None:
    deduplicate_records(
        list(inputs["records"]),
        inputs.get("decisions"),
        conference_abstracts=params["conference_abstracts"],
        stamp=params["stamp"],
        outputs=outputs,
    )
