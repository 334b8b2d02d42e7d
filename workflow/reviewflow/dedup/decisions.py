"""Reviewers' deduplication decisions: read, checked against the records, and the
review queue people fill in, written as XLSX and read back (round trip)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import ReviewflowError
from ..sheets import read_sheet
from ..tables import orphan_hint
from ..xlsx import add_table_sheet, save_deterministic

DECISION_COLUMNS = ["record_a", "record_b", "decision", "reviewer", "note"]  # of a filled review queue


def checked_decisions(sheet: pd.DataFrame, record_ids: set[str], file: str) -> list[tuple[str, str, str]]:
    """(record_a, record_b, decision) for every row. A record no search holds, a pair
    judged both ways (in either order), and a 'different' that a chain of 'same' rows
    contradicts are errors naming the rows, never resolved silently."""
    out, seen = [], {}
    for offset, row in enumerate(sheet.to_dict("records")):
        line = offset + 2
        for column in ("record_a", "record_b"):
            if row[column] not in record_ids:
                raise ReviewflowError(
                    f"record {row[column]} is in no search export of this review{orphan_hint(row[column])}",
                    file=file,
                    row=line,
                    column=column,
                )
        if row["record_a"] == row["record_b"]:
            raise ReviewflowError("names the same record twice", file=file, row=line, column="record_b")
        pair = frozenset((row["record_a"], row["record_b"]))
        if pair in seen and seen[pair][1] != row["decision"]:
            raise ReviewflowError(
                f"judges the pair '{row['decision']}' but row {seen[pair][0]} judged it '{seen[pair][1]}'",
                file=file,
                row=line,
                column="decision",
            )
        seen.setdefault(pair, (line, row["decision"]))
        out.append((row["record_a"], row["record_b"], row["decision"]))
    _check_chains(out, file)
    return out


def _check_chains(decisions: list[tuple[str, str, str]], file: str) -> None:
    """A 'different' must not join two records that 'same' rows put in one group."""
    parent: dict[str, str] = {}
    first_row: dict[str, int] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for line, (a, b, decision) in enumerate(decisions, start=2):
        if decision == "same":
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[rb] = ra
            first_row.setdefault(ra, line)
    for line, (a, b, decision) in enumerate(decisions, start=2):
        if decision == "different" and root(a) == root(b):
            raise ReviewflowError(
                f"says {a} and {b} are different, but 'same' rows join them through other records; "
                "change one of those rows",
                file=file,
                row=line,
                column="decision",
            )


def write_review_queue(queue: pd.DataFrame, path: str | Path, stamp: date) -> None:
    """Uncertain pairs side by side; the decision column has a same/different dropdown."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    columns = list(queue.columns)
    widths = {
        c: (50 if c.startswith("title") else 24 if c.startswith(("authors", "journal", "reason")) else 12)
        for c in columns
    }
    sheet = add_table_sheet(workbook, "review queue", columns, queue.astype(str).values.tolist(), widths)
    column = columns.index("decision") + 1
    letter = sheet.cell(row=1, column=column).column_letter
    rule = DataValidation(
        type="list",
        formula1='"same,different"',
        allow_blank=True,
        showErrorMessage=True,  # a typed value outside the list is refused, not kept
        errorTitle="Not a decision",
        error="Choose same or different",
    )
    rule.add(f"{letter}2:{letter}{max(len(queue) + 1, 2)}")
    sheet.add_data_validation(rule)
    save_deterministic(workbook, path, stamp)


def write_clusters_workbook(merges: pd.DataFrame, apart: pd.DataFrame, path: str | Path, stamp: date) -> None:
    """Every merge with the rule and scores that made it; near pairs kept apart, with why."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    widths = {"title_a": 50, "title_b": 50, "reason": 40, "rule": 18, "kind": 24}
    add_table_sheet(workbook, "merges", list(merges.columns), merges.astype(str).values.tolist(), widths)
    add_table_sheet(workbook, "kept apart", list(apart.columns), apart.astype(str).values.tolist(), widths)
    save_deterministic(workbook, path, stamp)


def add_queue_decisions(queue_xlsx: str | Path, decisions_csv: str | Path) -> int:
    """Append the decided rows of a returned review queue to the decisions CSV; returns how
    many. A pair already decided the same way is skipped; decided the other way, it is an
    error naming the row (never dropped silently). The sheet is rewritten whole."""
    from ..sheets import append_rows, sheet_target
    from ..xlsx import open_workbook

    target = sheet_target(decisions_csv)
    workbook = open_workbook(queue_xlsx)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ReviewflowError("is empty; expected the review queue's header row", file=str(queue_xlsx))
    header = [str(c) for c in rows[0]]
    decided = []
    for number, values in enumerate(rows[1:], start=2):
        row = dict(zip(header, ["" if v is None else str(v).strip() for v in values]))
        if not row.get("decision"):
            continue
        if row["decision"] not in ("same", "different"):
            raise ReviewflowError(
                f"'{row['decision']}' is not allowed; allowed: same, different",
                file=str(queue_xlsx),
                row=number,
                column="decision",
            )
        decided.append({**{c: row.get(c, "") for c in DECISION_COLUMNS}, "_row": number})
    known = {}
    if target.exists():
        existing = read_sheet(target, "dedup_decisions")
        known = {
            frozenset((a, b)): (d, offset + 2)
            for offset, (a, b, d) in enumerate(zip(existing["record_a"], existing["record_b"], existing["decision"]))
        }
    fresh = []
    for row in decided:
        earlier = known.get(frozenset((row["record_a"], row["record_b"])))
        if earlier and earlier[0] != row["decision"]:
            raise ReviewflowError(
                f"says '{row['decision']}' but {target} already says '{earlier[0]}' for this pair (row {earlier[1]}); "
                "change it there if the new decision is right",
                file=str(queue_xlsx),
                row=row["_row"],
                column="decision",
            )
        if not earlier:
            fresh.append(row)
    columns = list(pd.read_csv(target, dtype=str, nrows=0).columns) if target.exists() else DECISION_COLUMNS
    append_rows(target, columns, fresh)
    return len(fresh)
