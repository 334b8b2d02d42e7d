"""Reviewers who work blind: each keeps sheets of their own in
`<resources>/reviewers/<initials>/` (screening.csv, rob.csv: the review's sheets' columns),
filled from worksheets made for them alone. A worksheet names its reviewer in a sheet of
its own, so that the commands that take worksheets back can put each into its reviewer's
sheet and no other."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ReviewflowError
from .schemas import sheet_choices

FOLDER = "reviewers"  # <resources>/reviewers/<initials>/<sheet>.csv
MARK_SHEET = "reviewer"  # the worksheet's sheet that names its reviewer: reviewer, <initials>
STAGES = (*sheet_choices("screening", "stage"), "extraction", "rob")  # the stages a reviewer can do blind
DIFFERENCES = "differences"  # the sheet of a disagreements workbook (each stage done by two reviewers)
INITIALS = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,7}$")


def check_initials(initials: str) -> str:
    if not INITIALS.fullmatch(initials):
        raise ReviewflowError(f"'{initials}' is not a reviewer's initials; use up to 8 letters and digits")
    return initials


def mark_worksheet(workbook, initials: str) -> None:
    """Name the worksheet's reviewer in a sheet of its own (openpyxl workbook)."""
    sheet = workbook.create_sheet(MARK_SHEET)
    sheet.append([MARK_SHEET, initials])


def worksheet_reviewer(path: str | Path) -> str:
    """The reviewer a worksheet was made for ('' for the team's own worksheets)."""
    from .sheets import read_rows

    if Path(path).suffix.lower() != ".xlsx":
        return ""
    try:
        header, _ = read_rows(path, MARK_SHEET)
    except ReviewflowError:
        return ""
    return header[1] if len(header) > 1 and header[0] == MARK_SHEET else ""


def sheet_reviewer(target: str | Path) -> str:
    """The reviewer whose own sheet `target` is, or '' (a sheet of the whole team)."""
    target = Path(target)
    return target.parent.name if target.parent.parent.name == FOLDER else ""


def check_destination(worksheet: str | Path, target: str | Path, consensus: str) -> None:
    """A reviewer's worksheet goes into that reviewer's own sheet, and only a reviewer's
    worksheet goes there; `consensus` says how the team's sheet is filled instead."""
    made_for, sheet_of = worksheet_reviewer(worksheet), sheet_reviewer(target)
    if made_for == sheet_of:
        return
    where = f"{FOLDER}/{made_for}/{Path(target).name}" if made_for else "the review's own sheet"
    whose = f"{made_for}'s blind worksheet" if made_for else "not a reviewer's worksheet"
    into = f"{sheet_of}'s own sheet" if sheet_of else f"the consensus sheet (that takes {consensus})"
    raise ReviewflowError(f"is {whose}; it goes into {where}, not {into}", file=str(worksheet))


def reviewer_sheets(resources: str | Path, name: str) -> dict[str, str]:
    """Each reviewer's own sheet `name` (e.g. rob.csv), by initials."""
    folder = Path(resources) / FOLDER
    if not folder.is_dir():
        return {}
    return {p.name: str(p / name) for p in sorted(folder.iterdir()) if (p / name).is_file()}


def open_differences(workbook: str | Path) -> int:
    """How many differences of a disagreements workbook the consensus sheet does not hold yet."""
    return len(open_rows(workbook))


def open_rows(workbook: str | Path) -> list[dict]:
    """The differences of a disagreements workbook the consensus sheet does not hold yet."""
    from .sheets import read_rows

    header, rows = read_rows(workbook, DIFFERENCES)
    records = (dict(zip(header, row)) for row in rows)
    return [row for row in records if row["status"] == "open"]
