"""The screening stage's files: citations and the decisions sheet in; where each
citation stands, the worksheets of what is left to decide, and how reviewers
agreed, out."""

from __future__ import annotations

import logging
from datetime import date

from ..layout import default_sheet
from ..sheets import read_optional
from ..tables import CITATION_COLUMNS, STATUS_COLUMNS, read_csv, write_csv, write_json
from . import STAGES, agreement, disagreements, needs_decision, resolve_decisions, screening_status
from .worksheets import disagreement_rows, worksheet_rows, write_worksheet

log = logging.getLogger(__name__)


def screen(citations: str, decisions: str | None, *, reasons: list[str], stamp: str, outputs: dict[str, str]) -> None:
    """Status of every citation, what is left to screen, and how reviewers agreed."""
    citation_frame = read_csv(citations, CITATION_COLUMNS)
    sheet = read_optional(decisions, "screening")
    resolved = resolve_decisions(sheet, citation_frame, reasons, decisions or default_sheet("screening", "decisions"))
    status = screening_status(citation_frame, resolved)
    day = date.fromisoformat(stamp)
    for stage in STAGES:
        rows = worksheet_rows(citation_frame, status.loc[needs_decision(status, stage), "citation_id"], stage)
        write_worksheet(rows, stage, reasons, outputs[f"to_screen_{stage}"], day)
        log.info("%s: %d citations to screen", stage, len(rows))
    open_votes = disagreements(resolved)
    rows = disagreement_rows(citation_frame, open_votes)
    write_worksheet(rows, "full_text", reasons, outputs["disagreements"], day, title="to resolve")
    write_csv(status, outputs["status"], STATUS_COLUMNS)
    write_json({"agreement": agreement(resolved), "open_disagreements": len(open_votes)}, outputs["agreement"])
    log.info("screening: %s", status["status"].value_counts().sort_index().to_dict())


def run(inputs: dict, outputs: dict, params: dict) -> None:
    screen(
        inputs["citations"],
        inputs.get("decisions"),
        reasons=list(params["reasons"]),
        stamp=params["stamp"],
        outputs=outputs,
    )
