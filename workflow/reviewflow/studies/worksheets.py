"""From an included citation to a study, as worked steps in two workbooks.

`studies/to_link.xlsx` lists each included citation not under a study yet, with up to
three suggested studies and why (see linking.py). A person picks `link_to` (one of
the review's studies, or "new study" with its `new_study_id` and `design`);
`reviewflow studies add CONFIG WORKSHEET` writes the publication rows, and a registry
row for each new study. `reviewflow studies new CONFIG ID --citation C...` does the
same for one citation from the command line.

`studies/to_extract.xlsx` has an `arms` and an `outcomes` sheet with the columns of
arms.csv and outcomes.csv (the review's vocabulary as dropdowns), two arm rows (A, B)
for each study awaiting extraction (a diagnostic review's: an `accuracy` sheet with the
columns of accuracy.csv, a row per study awaiting its 2x2 tables); `reviewflow extraction
add CONFIG WORKBOOK` appends the filled rows to the sheets after the same checks a run makes.

Every command checks all rows before it writes, and writes each sheet whole
(a temporary file, then a rename).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from openpyxl import Workbook

from ..reviewers import mark_worksheet
from ..schemas import sheet_columns, sheet_schema
from ..tables import split_list
from ..xlsx import add_choice_list, add_table_sheet, save_deterministic
from .linking import NEW_STUDY, StudyIndex, registrations

SUGGESTIONS = 3
LINK_TYPED = ["link_to", "new_study_id", "design", "primary", "note"]
LINK_CONTEXT = [
    *(f"{kind}_{n}" for n in range(1, SUGGESTIONS + 1) for kind in ("suggested", "why")),
    "title",
    "authors",
    "year",
    "journal",
    "registrations",
]
LINK_COLUMNS = ["citation", *LINK_TYPED, *LINK_CONTEXT]
STUDY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ARM_LETTERS = "AB"  # arm rows written per study awaiting extraction


def link_rows(unlinked: list[str], citations: pd.DataFrame, index: StudyIndex) -> list[list[str]]:
    """A row per citation awaiting linking: empty typed cells, suggestions, then context."""
    by_id = citations.set_index("citation_id", drop=False).to_dict("index")
    rows = []
    for citation_id in unlinked:
        citation = by_id[citation_id]
        offered = index.suggest(citation, SUGGESTIONS)
        cells = []
        for number in range(SUGGESTIONS):
            cells += [offered[number].study_id, offered[number].why] if number < len(offered) else ["", ""]
        authors = split_list(citation["authors"])
        shown = "; ".join(authors[:6]) + ("; et al." if len(authors) > 6 else "")
        numbers = "; ".join(sorted(registrations(citation["title"], citation["abstract"], citation["extra"])))
        context = [citation["title"], shown, citation["year"], citation["journal"], numbers]
        rows.append([citation_id, *[""] * len(LINK_TYPED), *cells, *context])
    return rows


def write_link_worksheet(rows: list[list[str]], study_ids: list[str], designs: list[str], path, stamp: date) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    widths = {"title": 50, "authors": 30, "note": 20, **{f"why_{n}": 34 for n in range(1, SUGGESTIONS + 1)}}
    sheet = add_table_sheet(workbook, "to link", LINK_COLUMNS, rows, widths)
    add_choice_list(workbook, sheet, LINK_COLUMNS, "link_to", len(rows), [NEW_STUDY, *study_ids])
    add_choice_list(workbook, sheet, LINK_COLUMNS, "design", len(rows), designs)
    add_choice_list(workbook, sheet, LINK_COLUMNS, "primary", len(rows), ["yes", "no"])
    save_deterministic(workbook, path, stamp)


def extraction_rows(unextracted: list[str], vocabulary: dict) -> tuple[list[list[str]], list[str], list[str]]:
    """Arm rows (A, B) for each study awaiting extraction; the arms and outcomes headers."""
    arms_header = sheet_columns("arms", vocabulary)
    rows = [[study, letter, *[""] * (len(arms_header) - 2)] for study in unextracted for letter in ARM_LETTERS]
    return rows, arms_header, sheet_columns("outcomes", vocabulary)


def write_extraction_workbook(
    unextracted: list[str], vocabulary: dict, path, stamp: date, reviewer: str = "", diagnostic: bool = False
) -> None:
    """The arms and outcomes sheets (a diagnostic review: the accuracy sheet, a row per study
    for its first 2x2 table). A reviewer's blind workbook names its reviewer, so it goes
    back into their sheets only."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    if diagnostic:
        header = sheet_columns("accuracy", vocabulary)
        rows = [[study, *[""] * (len(header) - 1)] for study in unextracted]
        room = len(rows) * 5 + 10  # more tables per study: more tests, thresholds or conditions
        sheets = [(add_table_sheet(workbook, "accuracy", header, rows), "accuracy", header, room)]
    else:
        arm_rows, arms_header, outcomes_header = extraction_rows(unextracted, vocabulary)
        outcome_rows = max(len(unextracted) * 20, 20)  # room for typed rows, each with the dropdowns
        sheets = [
            (add_table_sheet(workbook, "arms", arms_header, arm_rows), "arms", arms_header, len(arm_rows) + 10),
            (add_table_sheet(workbook, "outcomes", outcomes_header, []), "outcomes", outcomes_header, outcome_rows),
        ]
    for sheet, title, header, room in sheets:  # after both tables, so the hidden lists come last
        schema = sheet_schema(title, vocabulary)["properties"]
        add_choice_list(workbook, sheet, header, "study_id", room, list(unextracted))
        for column in header:
            if "enum" in schema.get(column, {}):
                add_choice_list(workbook, sheet, header, column, room, [str(c) for c in schema[column]["enum"]])
    if reviewer:
        mark_worksheet(workbook, reviewer)
    save_deterministic(workbook, path, stamp)
