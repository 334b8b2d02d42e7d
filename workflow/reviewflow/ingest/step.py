"""The ingest stage's files: one export file in, its records and the records set
aside out; then every export's set-aside records gathered for the flow diagram.
The workflow runs one job per export; `reviewflow ingest` reads several into one table."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ..tables import RECORD_COLUMNS, REJECTED_COLUMNS, read_csv, write_csv
from . import load

log = logging.getLogger(__name__)


def ingest_exports(
    paths: list[str],
    records_out: str,
    rejected_out: str | None = None,
    *,
    databases: list[str],
    search: str,
    format: str | None = None,
    on_error: str = "stop",
) -> tuple[int, int]:
    """Read export files (each with its database name) into one records table;
    returns (records, set aside). Nothing is written unless every file reads."""
    loaded = []
    for number, (path, database) in enumerate(zip(paths, databases), start=1):
        loaded.append(load(path, source=database, search=search, format=format, on_error=on_error))
        if len(paths) > 1:
            log.info("[%d/%d] %s read", number, len(paths), path)
    records = pd.concat([r for r, _ in loaded], ignore_index=True)
    rejected = pd.concat([r for _, r in loaded], ignore_index=True)
    write_csv(records, records_out, RECORD_COLUMNS)
    if rejected_out is not None:
        write_csv(rejected, rejected_out, REJECTED_COLUMNS)
    elif len(rejected):
        log.warning("%d records set aside; name a file with --rejected to keep them", len(rejected))
    return len(records), len(rejected)


def gather_rejected(inputs: list[str], output: str) -> None:
    rejected = pd.concat([read_csv(p, REJECTED_COLUMNS) for p in inputs], ignore_index=True)
    write_csv(rejected, output, REJECTED_COLUMNS)
    if len(rejected):
        log.warning("%d records set aside as unreadable; see %s", len(rejected), output)


def run(inputs: dict, outputs: dict, params: dict) -> None:
    ingest_exports(
        [inputs["export"]],
        outputs["records"],
        outputs["rejected"],
        databases=[params["database"] or Path(inputs["export"]).stem],
        search=params["search"],
        format=params["format"],
        on_error=params["on_error"],
    )


def run_gather_rejected(inputs: dict, outputs: dict, params: dict) -> None:
    gather_rejected(list(inputs["rejected"]), outputs["rejected"])
