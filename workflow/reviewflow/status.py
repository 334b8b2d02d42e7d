"""`reviewflow status`: where a review stands and the next command to run, per stage.

Read from the last run's results and the sheets, never by running the pipeline, so it
answers at once. Each stage says what is left and the exact command that does the next
piece; worksheets holding typed rows not yet added come first, since a run stops on them.
"""

from __future__ import annotations

import json
from pathlib import Path

from .layout import STAGES, Layout
from .screening import AWAITING_FT, AWAITING_TA
from .tables import AWAITING_COLUMNS, STATUS_COLUMNS, read_csv


def _newest_input(layout: Layout, config_file: str) -> float:
    paths = [config_file, *layout.raw_inputs()]
    return max((Path(p).stat().st_mtime for p in paths if Path(p).is_file()), default=0.0)


def review_status(config: dict, config_file: str) -> str:
    """A screenful: each stage, what is left, and the next command."""
    from .pending import pending_work

    layout = Layout(config)
    sheet = layout.sheet_file("screening", "decisions")
    lines = [f"Review {layout.review_id} ({config_file})"]
    status_file = Path(layout.result("screening/status.csv"))
    if not status_file.is_file():
        lines.append(f"  No run yet. Next: make report CONFIG={config_file}")
        return "\n".join(lines)
    stale = _newest_input(layout, config_file) > status_file.stat().st_mtime
    pending = pending_work(config, config_file)
    for found in pending:
        rows = _count(len(found.rows), "row")
        lines.append(f"  Typed, not yet added: {found.worksheet}, {rows}. Next: {found.command}")

    status = read_csv(status_file, STATUS_COLUMNS)
    counts = status["status"].value_counts().to_dict()
    lines.append(f"Screening: {len(status)} citations, " + "; ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for stage, awaiting_state in zip(STAGES, (AWAITING_TA, AWAITING_FT)):
        if counts.get(awaiting_state):
            worksheet = layout.result(f"screening/to_screen_{stage}.xlsx")
            lines.append(f"  Next: decide in {worksheet}, then reviewflow screening add {worksheet} --to {sheet}")
    prioritisation = Path(layout.result("screening/prioritisation.json"))
    if prioritisation.is_file():
        estimate = json.loads(prioritisation.read_text(encoding="utf-8")).get("estimate", {})
        if estimate.get("sentence"):
            lines.append(f"  Stopping rule: {estimate['sentence']}")
    agreement = Path(layout.result("screening/agreement.json"))
    if agreement.is_file() and json.loads(agreement.read_text(encoding="utf-8")).get("open_disagreements"):
        worksheet = layout.result("screening/disagreements.xlsx")
        lines.append(f"  Open disagreements. Next: reviewflow screening resolve {worksheet} --to {sheet}")

    awaiting_file = Path(layout.result("studies/awaiting.csv"))
    studies_file = Path(layout.result("studies/studies.csv"))
    if awaiting_file.is_file() and studies_file.is_file():
        awaiting = read_csv(awaiting_file, AWAITING_COLUMNS)
        linking = awaiting[awaiting["kind"] == "citation"]
        extraction = awaiting[awaiting["kind"] == "study"]
        studies = read_csv(studies_file)
        lines.append(
            f"Studies: {_count(len(studies), 'study', 'studies')} in the registry; "
            f"{_count(len(linking), 'included citation')} awaiting linking; "
            f"{_count(len(extraction), 'study', 'studies')} awaiting extraction"
        )
        if len(linking):
            worksheet = layout.result("studies/to_link.xlsx")
            lines.append(
                f"  Next: choose link_to in {worksheet}, then reviewflow studies add {config_file} {worksheet}"
            )
        if len(extraction):
            workbook = layout.result("studies/to_extract.xlsx")
            lines.append(f"  Next: fill {workbook}, then reviewflow extraction add {config_file} {workbook}")
    gaps_file = Path(layout.result("rob/unassessed_studies.csv"))
    if gaps_file.is_file():
        gaps = read_csv(gaps_file)
        lines.append(f"Risk of bias: {_count(len(gaps), 'study', 'studies')} without an assessment")
        if len(gaps):
            template = layout.result("rob/assessment_template.xlsx")
            rob_sheet = layout.sheet_file("rob", "assessments")
            tool = config["rob"]["tool"]
            lines.append(f"  Next: fill {template}, then reviewflow rob add {template} --to {rob_sheet} --tool {tool}")
    differences = Path(layout.result("rob/disagreements.xlsx"))
    if differences.is_file() and layout.reviewers():
        from .rob.dual import open_differences

        still = open_differences(differences)
        reviewers = " and ".join(layout.reviewers())
        lines.append(f"  Two reviewers ({reviewers}): {_count(still, 'difference')} not resolved yet")
        if still:
            lines.append(
                f"  Next: fill agreed and agreed_by in {differences}, then reviewflow consensus {config_file} "
                f"{differences}"
            )
    unwritten = _unwritten_sections(layout)
    if unwritten:
        lines.append(f"Report: sections still to write in {layout.resource('report')}/: {', '.join(unwritten)}")
    if stale:
        lines.append(f"Inputs changed since the last run. Next: make report CONFIG={config_file}")
    return "\n".join(lines)


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _unwritten_sections(layout: Layout) -> list[str]:
    from .report.authored import section_files

    kq_ids = [kq["id"] for kq in layout.config["key_questions"]]
    return [path.name for path in section_files(layout.resource("report"), kq_ids).values() if not path.is_file()]
