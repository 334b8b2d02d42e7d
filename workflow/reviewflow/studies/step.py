"""The studies stage's files: the registry and extraction sheets, citations and
screening status in; studies, publications, extraction, comparisons, evidence
rows per key question and the study x KQ matrix out."""

from __future__ import annotations

import logging

from ..sheets import empty_sheet, read_sheet
from ..tables import CITATION_COLUMNS, STATUS_COLUMNS, read_csv, write_csv
from . import SheetFiles, build_studies

log = logging.getLogger(__name__)


def studies(
    sheets: dict[str, str], citations: str, status: str, *, key_questions: list[dict], outputs: dict[str, str]
) -> None:
    """sheets: registry, publications, arms, outcomes and (optional) kq_overrides paths."""
    overrides = sheets.get("kq_overrides")
    built = build_studies(
        read_sheet(sheets["registry"], "studies"),
        read_sheet(sheets["publications"], "publications"),
        read_sheet(sheets["arms"], "arms"),
        read_sheet(sheets["outcomes"], "outcomes"),
        read_sheet(overrides, "kq_overrides") if overrides else empty_sheet("kq_overrides"),
        read_csv(citations, CITATION_COLUMNS),
        read_csv(status, STATUS_COLUMNS),
        key_questions,
        SheetFiles(
            sheets["registry"], sheets["publications"], sheets["arms"], sheets["outcomes"], overrides or "kq_overrides"
        ),
    )
    for name, frame in built.items():
        write_csv(frame, outputs[name], list(frame.columns))
    log.info(
        "%d studies, %d comparisons, %d evidence rows",
        len(built["studies"]),
        len(built["comparisons"]),
        len(built["evidence_rows"]),
    )


def run(inputs: dict, outputs: dict, params: dict) -> None:
    sheets = {name: path for name, path in inputs.items() if name not in ("citations", "status")}
    studies(sheets, inputs["citations"], inputs["status"], key_questions=list(params["key_questions"]), outputs=outputs)
