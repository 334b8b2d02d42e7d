"""Two reviewers' extractions, made blind: each reviewer keeps arms.csv and outcomes.csv of
their own (`<resources>/reviewers/<initials>/`, the review's sheets' columns); the review's
own arms.csv and outcomes.csv are the consensus, and only they enter the analyses. Here the
two are compared study by study (a study both have extracted): every row one reviewer has
and the other lacks, and every value on which they differ, numbers within the config's
tolerance counting as the same. Agreement is the share of values that agree, over the cells
either reviewer filled (two empty cells say nothing about agreement)."""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd

from ..reviewers import DIFFERENCES as SHEET
from ..xlsx import add_table_sheet, save_deterministic

# Each extraction sheet's row identity. A review of interventions extracts arms and outcomes,
# a diagnostic review 2x2 tables; the first sheet of each kind says which studies are extracted.
SHEETS = {
    "arms": ["study_id", "arm"],
    "outcomes": ["study_id", "arms", "domain", "measure", "timepoint"],
    "accuracy": ["study_id", "index_test", "threshold", "reference_standard", "target_condition"],
}
EXTRACTION = {"intervention": ("arms", "outcomes"), "diagnostic": ("accuracy",)}  # by review.type
NOT_COMPARED = ("source", "illustrative")  # where a value was found and its mark are not the value
ROW = "(row)"  # the column of a difference in which one reviewer has a row the other lacks
PRESENT, ABSENT = "present", "absent"
DISAGREEMENT_COLUMNS = [
    "study_id",
    "sheet",
    "row",
    "column",
    "reviewer_a",
    "value_a",
    "reviewer_b",
    "value_b",
    "consensus",
    "status",
]
CONSENSUS_TYPED = ["agreed", "agreed_by", "note"]
AGREEMENT_COLUMNS = ["reviewers", "sheet", "studies", "rows_both", "rows_one", "values", "agreement", "illustrative"]


def row_key(sheet: str, row: dict) -> tuple:
    """The row's identity within its sheet; a measure's name is compared without case and
    spacing, since two people type it."""
    return tuple(" ".join(str(row[c]).split()).casefold() if c == "measure" else row[c] for c in SHEETS[sheet])


def row_label(sheet: str, row: dict) -> str:
    """The row as a person finds it in the sheet (after the study id)."""
    return ", ".join(str(row[c]) for c in SHEETS[sheet][1:])


def same_value(x: str, y: str, tolerance: float) -> bool:
    """Numbers within `tolerance` of each other agree; other text agrees when equal after
    spacing is made uniform."""
    x, y = " ".join(str(x).split()), " ".join(str(y).split())
    if x == y:
        return True
    try:
        return abs(float(x) - float(y)) <= tolerance
    except ValueError:
        return False


def rows_of(frame: pd.DataFrame, sheet: str, studies: set[str]) -> dict[tuple, dict]:
    """The sheet's rows of these studies, by their identity."""
    records = frame[frame["study_id"].isin(studies)].to_dict("records")
    return {row_key(sheet, row): row for row in records}


def compare(
    sheets: dict[str, dict[str, pd.DataFrame]], consensus: dict[str, pd.DataFrame], tolerance: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every difference of two reviewers on a study both extracted, agreement per pair and
    sheet). `sheets`: by initials, the reviewer's extraction frames (arms and outcomes, or a
    diagnostic review's accuracy); `consensus`: the review's own. A study's differences are
    resolved once the review's first extraction sheet (arms.csv, accuracy.csv) holds it."""
    names = list(consensus)
    settled = set(consensus[names[0]]["study_id"])
    differences, agreement = [], []
    for a, b in combinations(sorted(sheets), 2):
        both = set(sheets[a][names[0]]["study_id"]) & set(sheets[b][names[0]]["study_id"])
        for sheet in names:
            first, second = rows_of(sheets[a][sheet], sheet, both), rows_of(sheets[b][sheet], sheet, both)
            agreed_rows = rows_of(consensus[sheet], sheet, both)
            columns = [c for c in sheets[a][sheet].columns if c not in (*SHEETS[sheet], *NOT_COMPARED)]
            counted = same = 0
            marked = False
            for key in sorted(set(first) | set(second)):
                x, y = first.get(key), second.get(key)
                study = (x or y)["study_id"]
                marked = marked or bool((x or {}).get("illustrative") or (y or {}).get("illustrative"))
                status = "resolved" if study in settled else "open"
                kept = agreed_rows.get(key)

                def difference(column: str, left: str, right: str, agreed: str, study=study, row=x or y, status=status):
                    return {
                        "study_id": study,
                        "sheet": sheet,
                        "row": row_label(sheet, row),
                        "column": column,
                        "reviewer_a": a,
                        "value_a": left,
                        "reviewer_b": b,
                        "value_b": right,
                        "consensus": agreed if status == "resolved" else "",
                        "status": status,
                    }

                if x is None or y is None:
                    present = PRESENT if kept else ABSENT
                    left, right = (PRESENT, ABSENT) if y is None else (ABSENT, PRESENT)
                    differences.append(difference(ROW, left, right, present))
                    continue
                for column in columns:
                    if not (x[column] or y[column]):
                        continue
                    counted += 1
                    if same_value(x[column], y[column], tolerance):
                        same += 1
                    else:
                        differences.append(difference(column, x[column], y[column], kept[column] if kept else ""))
            only = sum(k not in second for k in first) + sum(k not in first for k in second)
            agreement.append(
                {
                    "reviewers": f"{a} and {b}",
                    "sheet": sheet,
                    "studies": len(both),
                    "rows_both": len(set(first) & set(second)),
                    "rows_one": only,
                    "values": counted,
                    "agreement": round(same / counted, 3) if counted else "",
                    "illustrative": "all" if marked else "",
                }
            )
    return pd.DataFrame(differences, columns=DISAGREEMENT_COLUMNS), pd.DataFrame(agreement, columns=AGREEMENT_COLUMNS)


def write_consensus_workbook(differences: pd.DataFrame, path: str | Path, stamp: date) -> None:
    """The differences, one row per value (or row one reviewer lacks), with `agreed`,
    `agreed_by` and `note` for the team to fill and give to `reviewflow consensus`."""
    from openpyxl import Workbook

    header = [*DISAGREEMENT_COLUMNS, *CONSENSUS_TYPED]
    rows = [[*(str(row[c]) for c in DISAGREEMENT_COLUMNS), "", "", ""] for row in differences.to_dict("records")]
    workbook = Workbook()
    workbook.remove(workbook.active)
    widths = {h: 24 if h in ("row", "value_a", "value_b", "consensus", "note") else 12 for h in header}
    add_table_sheet(workbook, SHEET, header, rows, widths)  # numbers as numbers: a spreadsheet user sorts them
    save_deterministic(workbook, path, stamp)
