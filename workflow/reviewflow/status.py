"""`reviewflow status`: where a review stands and the next command to run, per stage.

Read from the last run's results and the sheets, never by running the pipeline, so it
answers at once. Each stage says what is left and the exact command that does the next
piece; worksheets holding typed rows not yet added come first, since a run stops on them.
Reviewers working blind are told, each by name, what they have still to do.
"""

from __future__ import annotations

import json
from pathlib import Path

from .layout import STAGES, Layout
from .schemas import sheet_schema
from .screening import AWAITING_FT, AWAITING_TA, needs_decision
from .sheets import read_optional
from .tables import AWAITING_COLUMNS, STATUS_COLUMNS, read_csv


def _newest_input(layout: Layout, config_file: str) -> float:
    paths = [config_file, *layout.raw_inputs()]
    return max((Path(p).stat().st_mtime for p in paths if Path(p).is_file()), default=0.0)


def review_status(config: dict, config_file: str) -> str:
    """A screenful: each stage, what is left, and the next command."""
    from .pending import pending_work

    layout = Layout(config)
    lines = [f"Review {layout.review_id} ({config_file})"]
    status_file = Path(layout.result("screening/status.csv"))
    if not status_file.is_file():
        lines.append(f"  No run yet. Next: make report CONFIG={config_file}")
        return "\n".join(lines)
    stale = _newest_input(layout, config_file) > status_file.stat().st_mtime
    for found in pending_work(config, config_file):
        rows = _count(len(found.rows), "row")
        lines.append(f"  Typed, not yet added: {found.worksheet}, {rows}. Next: {found.command}")
    status = read_csv(status_file, STATUS_COLUMNS)
    lines += _screening(layout, config_file, status)
    lines += _studies(layout, config_file)
    lines += _risk_of_bias(layout, config_file)
    lines += _synthesis(layout)
    unwritten = _unwritten_sections(layout)
    if unwritten:
        lines.append(f"Report: sections still to write in {layout.resource('report')}/: {', '.join(unwritten)}")
    if stale:
        lines.append(f"Inputs changed since the last run. Next: make report CONFIG={config_file}")
    return "\n".join(lines)


def _screening(layout: Layout, config_file: str, status) -> list[str]:
    sheet = layout.sheet_file("screening", "decisions")
    counts = status["status"].value_counts().to_dict()
    lines = [f"Screening: {len(status)} citations, " + "; ".join(f"{n} {s}" for s, n in sorted(counts.items()))]
    blind = layout.config["screening"].get("reviewers") or layout.reviewers("screening.csv")
    for stage, awaiting_state in zip(STAGES, (AWAITING_TA, AWAITING_FT)):
        if not counts.get(awaiting_state):
            continue
        if not blind:
            worksheet = layout.result(f"screening/to_screen_{stage}.xlsx")
            lines.append(f"  Next: decide in {worksheet}, then reviewflow screening add {worksheet} --to {sheet}")
            continue
        waiting = set(status.loc[needs_decision(status, stage), "citation_id"])
        for initials in blind:
            own = layout.reviewer_sheet(initials, "screening.csv")
            voted = read_optional(own if Path(own).is_file() else None, "screening")
            left = waiting - set(voted.loc[voted["stage"] == stage, "citation"])
            if left:
                lines.append(
                    f"  {initials}: {_count(len(left), 'citation')} to decide at {stage.replace('_', '/')}. Next: "
                    + _blind_commands(config_file, initials, stage, own)
                )
    prioritisation = Path(layout.result("screening/prioritisation.json"))
    if prioritisation.is_file():
        estimate = json.loads(prioritisation.read_text(encoding="utf-8")).get("estimate", {})
        if estimate.get("sentence"):
            lines.append(f"  Stopping rule: {estimate['sentence']}")
    agreement = Path(layout.result("screening/agreement.json"))
    if agreement.is_file() and json.loads(agreement.read_text(encoding="utf-8")).get("open_disagreements"):
        worksheet = layout.result("screening/disagreements.xlsx")
        lines.append(f"  Open disagreements. Next: reviewflow screening resolve {worksheet} --to {sheet}")
    return lines


def _blind_commands(config_file: str, initials: str, stage: str, own: str) -> str:
    """The two commands of a blind reviewer's turn: their worksheet, then back into their sheet."""
    worksheet = f"{initials}-{stage}.xlsx"
    adding = {
        "extraction": f"reviewflow extraction add {config_file} {worksheet}",
        "rob": f"reviewflow rob add {worksheet} --to {own}",
    }.get(stage, f"reviewflow screening add {worksheet} --to {own}")
    return (
        f"reviewflow worksheet {config_file} --reviewer {initials} --stage {stage} -o {worksheet}, fill it, then "
        + adding
    )


def _studies(layout: Layout, config_file: str) -> list[str]:
    awaiting_file = Path(layout.result("studies/awaiting.csv"))
    studies_file = Path(layout.result("studies/studies.csv"))
    if not (awaiting_file.is_file() and studies_file.is_file()):
        return []
    awaiting = read_csv(awaiting_file, AWAITING_COLUMNS)
    linking = awaiting[awaiting["kind"] == "citation"]
    extraction = awaiting[awaiting["kind"] == "study"]
    studies = read_csv(studies_file)
    lines = [
        f"Studies: {_count(len(studies), 'study', 'studies')} in the registry; "
        f"{_count(len(linking), 'included citation')} awaiting linking; "
        f"{_count(len(extraction), 'study', 'studies')} awaiting extraction"
    ]
    if len(linking):
        worksheet = layout.result("studies/to_link.xlsx")
        lines.append(f"  Next: choose link_to in {worksheet}, then reviewflow studies add {config_file} {worksheet}")
    extractors = layout.extractors()
    if len(extraction) and not extractors:
        workbook = layout.result("studies/to_extract.xlsx")
        lines.append(f"  Next: fill {workbook}, then reviewflow extraction add {config_file} {workbook}")
    first = layout.extraction_sheets()[0]  # the sheet a study is extracted into first
    first_schema = sheet_schema(first, layout.config["vocabulary"])
    for initials in extractors:
        own = layout.reviewer_sheet(initials, f"{first}.csv")
        done = set(read_optional(own if Path(own).is_file() else None, first_schema)["study_id"])
        left = [s for s in extraction["id"] if s not in done]
        if left:
            lines.append(
                f"  {initials}: {_count(len(left), 'study', 'studies')} to extract. Next: "
                + _blind_commands(config_file, initials, "extraction", own)
            )
    lines += _differences(layout, config_file, "studies", extractors)
    return lines


def _risk_of_bias(layout: Layout, config_file: str) -> list[str]:
    gaps_file = Path(layout.result("rob/unassessed_studies.csv"))
    if not gaps_file.is_file():
        return []
    gaps = read_csv(gaps_file)
    lines = [f"Risk of bias: {_count(len(gaps), 'study', 'studies')} without an assessment"]
    reviewers = layout.reviewers()
    if len(gaps) and not reviewers:
        template = layout.result("rob/assessment_template.xlsx")
        rob_sheet = layout.sheet_file("rob", "assessments")
        tool = layout.config["rob"]["tool"]
        lines.append(f"  Next: fill {template}, then reviewflow rob add {template} --to {rob_sheet} --tool {tool}")
    for initials in reviewers:
        own = read_csv(layout.reviewer_sheet(initials))
        left = sorted(set(gaps["study_id"]) - set(own["study_id"]))
        if left:
            lines.append(
                f"  {initials}: {_count(len(left), 'study', 'studies')} to assess. Next: "
                + _blind_commands(config_file, initials, "rob", layout.reviewer_sheet(initials))
                + f" --tool {layout.config['rob']['tool']}"
            )
    lines += _differences(layout, config_file, "rob", reviewers)
    return lines


def _differences(layout: Layout, config_file: str, stage: str, reviewers: list[str]) -> list[str]:
    """Two blind reviewers' differences at a stage the consensus does not hold yet."""
    from .reviewers import open_rows

    workbook = Path(layout.result(f"{stage}/disagreements.xlsx"))
    if not (workbook.is_file() and reviewers):
        return []
    still = open_rows(workbook)
    studies = sorted({row["study_id"] for row in still})
    lines = [
        f"  Two reviewers ({' and '.join(reviewers)}): {_count(len(still), 'difference')} not resolved yet"
        + (f", in {_count(len(studies), 'study', 'studies')}" if studies else "")
    ]
    if still:
        lines.append(
            f"  Next: fill agreed and agreed_by in {workbook}, then reviewflow consensus {config_file} {workbook}"
        )
    return lines


def _synthesis(layout: Layout) -> list[str]:
    """Analyses that pool nothing yet, and study results that have no numbers to pool."""
    estimates_file = Path(layout.result("synthesis/estimates.csv"))
    if not estimates_file.is_file():
        return []
    estimates = read_csv(estimates_file)
    if estimates.empty:
        return []
    pooled = estimates.groupby("analysis_id", sort=True)["pooled"].apply(lambda p: (p == "yes").any())
    waiting = sorted(pooled.index[~pooled])
    from .synthesis.analyses import NO_NUMBERS, WORDS_ONLY

    words = estimates[estimates["reason"].isin([NO_NUMBERS, WORDS_ONLY])]
    line = (
        f"Synthesis: {_count(int(pooled.sum()), 'analysis', 'analyses')} with pooled results; "
        f"{_count(len(waiting), 'analysis', 'analyses')} waiting for data; "
        f"{_count(len(words), 'study result')} without a number to pool"
    )
    lines = [line]
    if len(waiting) or len(words):
        outcomes = layout.sheet_file("studies", "outcomes")
        lines.append(
            f"  Next: where a study reports them, add means and SDs, events, or an effect with its CI in {outcomes}"
        )
    return lines


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _unwritten_sections(layout: Layout) -> list[str]:
    from .report.authored import section_files

    kq_ids = [kq["id"] for kq in layout.config["key_questions"]]
    return [path.name for path in section_files(layout.resource("report"), kq_ids).values() if not path.is_file()]
