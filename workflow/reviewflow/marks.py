"""Illustrative values: how a sheet says which of its values are demonstration
values, and how every output marks them.

A sheet row lists its illustrative columns in an ``illustrative`` cell ('all' or
column names separated by '; '); outputs append ``MARK`` to such values. All the
rules for reading and writing that mark live here, so the tables, the report and
the workbook cannot mark differently.
"""

from __future__ import annotations

import pandas as pd

from .errors import ReviewflowError
from .tables import split_list

# Appended to a value that is not from a public source ("illustrative"), in every output.
MARK = "\u2020"

# Columns that identify a row rather than hold a value: 'all' never marks them.
KEY_COLUMNS = ("study_id", "source", "illustrative", "arm", "arms")


def illustrative_columns(value: str, columns: list[str]) -> list[str]:
    """The columns an 'illustrative' cell marks: 'all' means every value column."""
    if value == "all":
        return [c for c in columns if c not in KEY_COLUMNS]
    return split_list(value)


def check_illustrative(frame: pd.DataFrame, file: str) -> None:
    """Every column an 'illustrative' cell names is a column of the sheet."""
    for offset, value in enumerate(frame["illustrative"]):
        for column in illustrative_columns(value, list(frame.columns)):
            if column not in frame.columns:
                raise ReviewflowError(
                    f"'{column}' is not a column of this sheet; list column names or 'all'",
                    file=file,
                    row=offset + 2,
                    column="illustrative",
                )


def is_illustrative(row: dict, column: str, columns: list[str]) -> bool:
    return column in illustrative_columns(row.get("illustrative", ""), columns)


def marked(text: str, illustrative: bool) -> str:
    """A value with the dagger readers are told means 'demonstration value'."""
    return f"{text}{MARK}" if text and illustrative else text


def joined(parts: list[tuple[str, bool]], separator: str) -> str:
    """Values (text, illustrative) joined: one dagger at the end when all are
    illustrative, otherwise a dagger after each illustrative one."""
    parts = [(text, flag) for text, flag in parts if text]
    if parts and all(flag for _, flag in parts):
        return marked(separator.join(text for text, _ in parts), True)
    return separator.join(marked(text, flag) for text, flag in parts)


def with_marked_columns(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, each with the list of its illustrative columns."""
    out = []
    for row in frame.to_dict("records"):
        row["illustrative_columns"] = illustrative_columns(row.get("illustrative", ""), list(frame.columns))
        out.append(row)
    return out


def findings_illustrative(row: dict) -> bool:
    """A summary-of-findings row every number of which rests on illustrative values (the
    participants, the effect if any, the grade shown): marked once, like an evidence row."""
    grade = "grade" if row.get("grade") else "grade_by_rule"
    marks = [row["participants_illustrative"], grade in row["illustrative_columns"]]
    if row.get("effect"):
        marks.append("effect" in row["illustrative_columns"])
    return all(marks)


def rows_marked_once(frame: pd.DataFrame, shown: list[str]) -> list[dict]:
    """A table's rows with their marked columns; a row whose shown values are all
    illustrative is marked once (`wholly_illustrative`), like an evidence row."""
    rows = with_marked_columns(frame)
    for row in rows:
        row["wholly_illustrative"] = wholly_illustrative(row, shown)
    return rows


def wholly_illustrative(row: dict, columns: list[str]) -> bool:
    """Every value the row itself shows is illustrative: the row is marked once (shaded,
    one mark by the study) instead of a mark on each value, so marks inform rather than
    flood; a row mixing sourced and illustrative values keeps a mark on each."""
    shown = [c for c in columns if str(row.get(c, "")).strip() not in ("", "NR")]

    def illustrative(column: str) -> bool:
        if column in row["illustrative_columns"]:
            return True
        lines = [line for line in str(row[column]).split("\n") if line.strip()]
        return all(line.rstrip().endswith(MARK) for line in lines)  # a composed cell: a mark after each value

    return bool(shown) and all(illustrative(c) for c in shown)
