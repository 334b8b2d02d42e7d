"""The screening stage's files: citations and the decisions sheet in; where each
citation stands, the worksheets of what is left to decide, and how reviewers
agreed, out."""

from __future__ import annotations

import logging
from datetime import date

from ..sheets import default_sheet, read_optional
from ..tables import CITATION_COLUMNS, STATUS_COLUMNS, read_csv, write_csv, write_json
from . import (
    STAGES,
    STOPPED_TA,
    agreement,
    disagreements,
    needs_decision,
    resolve_decisions,
    screening_status,
    with_reviewer_votes,
)
from .prioritise import Settings, title_abstract_order
from .worksheets import disagreement_rows, usual_order, worksheet_rows, write_worksheet

log = logging.getLogger(__name__)


def screen(
    citations: str,
    decisions: str | None,
    *,
    reasons: list[str],
    stamp: str,
    prioritisation: dict,
    search_dates: dict[str, str],
    outputs: dict[str, str],
    reviewers: dict[str, str] | None = None,
    expected: list[str] = (),
) -> None:
    """Status of every citation, what is left to screen (the title/abstract worksheet ranked
    by what was decided), whether it is safe to stop, and how reviewers agreed."""
    citation_frame = read_csv(citations, CITATION_COLUMNS)
    sheet = read_optional(decisions, "screening")
    if expected:  # blind reviewers' own sheets, as their vote columns (a reviewer not begun has none)
        own = {r: (read_optional(reviewers.get(r), "screening"), reviewers.get(r, "")) for r in expected}
        sheet = with_reviewer_votes(sheet, own)
    resolved = resolve_decisions(sheet, citation_frame, reasons, decisions or default_sheet("screening", "decisions"))
    status = screening_status(citation_frame, resolved)
    settings = Settings.from_config(prioritisation)
    day = date.fromisoformat(stamp)
    awaiting = usual_order(citation_frame, status.loc[needs_decision(status, "title_abstract"), "citation_id"])
    ranking = title_abstract_order(citation_frame, resolved, awaiting, settings)
    if settings.stopped_on:
        stopped = status["citation_id"].isin(awaiting) & status["first_search"].map(
            lambda batch: search_dates.get(batch, "") <= settings.stopped_on
        )
        status.loc[stopped, "status"] = STOPPED_TA
        ranking["stopped_citations"] = int(stopped.sum())
        log.info(
            "title/abstract screening stopped on %s: %d citations not screened", settings.stopped_on, stopped.sum()
        )
    for stage in STAGES:
        if stage == "title_abstract":
            order = [c for c in ranking["order"] if c in set(status.loc[needs_decision(status, stage), "citation_id"])]
            rows = worksheet_rows(citation_frame, order, stage, ranked=ranking["ranked"])
            about, explained = ranking["about"], ranking["explained"]
        else:
            rows = worksheet_rows(
                citation_frame,
                usual_order(citation_frame, status.loc[needs_decision(status, stage), "citation_id"]),
                stage,
            )
            about, explained = [], []
        write_worksheet(rows, stage, reasons, outputs[f"to_screen_{stage}"], day, about=about, explained=explained)
        log.info("%s: %d citations to screen", stage, len(rows))
    log.info("stopping rule: %s", ranking["estimate"]["sentence"])
    write_json(
        {k: v for k, v in ranking.items() if k not in ("order", "about", "explained")}, outputs["prioritisation"]
    )
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
        prioritisation=dict(params.get("prioritisation") or {}),
        search_dates=dict(params.get("search_dates") or {}),
        outputs=outputs,
        expected=list(params.get("reviewers") or []),
        reviewers={
            name.removeprefix("reviewer_"): path for name, path in inputs.items() if name.startswith("reviewer_")
        },
    )
