"""Screening worksheets: what is left to decide, as XLSX with dropdowns.

A worksheet's columns are those of the decisions sheet (citation, stage,
decision, reason, reviewer, date, note) followed by context (title, authors,
abstract, links) that the decisions sheet accepts and ignores, so filled rows
can be appended to it as they are (see `reviewflow screening add`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import ReviewflowError
from ..sheets import read_sheet
from ..tables import split_list
from ..xlsx import add_table_sheet, save_deterministic
from . import VOTE_PREFIX

DECISION_COLUMNS = ["citation", "stage", "decision", "reason", "reviewer", "date", "note"]
CONTEXT_COLUMNS = ["title", "authors", "year", "journal", "abstract", "doi_link", "pubmed_link"]
WIDTHS = {
    "citation": 20,
    "stage": 14,
    "decision": 12,
    "reason": 28,
    "reviewer": 10,
    "date": 12,
    "note": 20,
    "title": 50,
    "authors": 30,
    "year": 6,
    "journal": 25,
    "abstract": 80,
    "doi_link": 30,
    "pubmed_link": 30,
}


def _context_cells(citation: dict) -> list[str]:
    """What a screener reads beside the decision cells: title, authors, abstract, links."""
    authors = split_list(citation["authors"])
    shown = "; ".join(authors[:6]) + ("; et al." if len(authors) > 6 else "")
    return [
        citation["title"],
        shown,
        citation["year"],
        citation["journal"],
        citation["abstract"],
        f"https://doi.org/{citation['doi']}" if citation["doi"] else "",
        f"https://pubmed.ncbi.nlm.nih.gov/{citation['pmid']}/" if citation["pmid"] else "",
    ]


def worksheet_rows(citations: pd.DataFrame, wanted: pd.Series, stage: str) -> list[list[str]]:
    """A row per wanted citation: empty decision cells, then the context."""
    chosen = citations[citations["citation_id"].isin(set(wanted))].sort_values(["first_search", "citation_id"])
    blank = [""] * (len(DECISION_COLUMNS) - 2)
    return [[c["citation_id"], stage, *blank, *_context_cells(c)] for c in chosen.to_dict("records")]


def disagreement_rows(citations: pd.DataFrame, open_votes: pd.DataFrame) -> list[list[str]]:
    """A row per decision whose votes disagree: the votes in the note, then the context."""
    by_id = citations.set_index("citation_id", drop=False)
    votes = [c for c in open_votes.columns if c.startswith(VOTE_PREFIX)]
    rows = []
    for row in open_votes.to_dict("records"):
        cast = "; ".join(f"{v[len(VOTE_PREFIX) :]}: {row[v]}" for v in votes if row[v])
        context = _context_cells(by_id.loc[row["citation_id"]].to_dict())
        rows.append([row["citation_id"], row["stage"], "", "", "", "", cast, *context])
    return rows


def write_worksheet(
    rows: list[list[str]], stage: str, reasons: list[str], path: str | Path, stamp: date, title: str = "to screen"
) -> None:
    """A workbook with a decision dropdown and a reason dropdown on every row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = add_table_sheet(workbook, title, DECISION_COLUMNS + CONTEXT_COLUMNS, rows, WIDTHS)
    last = max(len(rows) + 1, 2)
    choices = ["include", "exclude", "maybe"] + (["not retrieved"] if stage == "full_text" else [])
    decision = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        errorTitle="Not a decision",
        error="Choose " + ", ".join(choices),
    )
    decision.add(f"C2:C{last}")
    lists = workbook.create_sheet("allowed")  # long reason lists do not fit an inline list formula
    for number, reason in enumerate(reasons, start=1):
        lists.cell(row=number, column=1, value=reason)
    lists.sheet_state = "hidden"
    reason = DataValidation(
        type="list",
        formula1=f"allowed!$A$1:$A${len(reasons)}",
        allow_blank=True,
        errorTitle="Not a configured reason",
        error="Choose one of the exclusion reasons of the config",
    )
    reason.add(f"D2:D{last}")
    sheet.add_data_validation(decision)
    sheet.add_data_validation(reason)
    save_deterministic(workbook, path, stamp)


def add_filled_rows(worksheets: list[str], decisions_csv: str) -> int:
    """Append the decided rows of returned worksheets to the decisions CSV; returns how many.

    Rows without a decision are left out; every appended row is checked
    against the screening schema first, so a bad worksheet changes nothing.
    """
    import csv

    target = Path(decisions_csv)
    existing = read_sheet(target, "screening") if target.exists() else None
    new_rows = []
    for path in worksheets:
        sheet = read_sheet(path, "screening")
        decided = sheet[
            (sheet["decision"] != "") | (sheet[[c for c in sheet.columns if c.startswith("vote_")]] != "").any(axis=1)
        ]
        new_rows.append(decided)
    if not new_rows:
        return 0
    added = pd.concat(new_rows, ignore_index=True)
    if existing is not None:
        header = list(pd.read_csv(target, dtype=str, nrows=0, encoding="utf-8-sig").columns)
        keys = set(zip(existing["citation"], existing["stage"]))
        clash = [(c, s) for c, s in zip(added["citation"], added["stage"]) if (c, s) in keys]
        if clash:
            raise ReviewflowError(
                f"already holds a {clash[0][1]} decision for {clash[0][0]}; edit it there instead", file=str(target)
            )
    else:
        header = DECISION_COLUMNS
    columns = header + [c for c in added.columns if c.startswith("vote_") and c not in header]
    write_header = existing is None
    if existing is not None and columns != header:
        raise ReviewflowError(
            f"lacks the columns {columns[len(header) :]} the worksheets use; add them to its header first",
            file=str(target),
        )
    with open(target, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if write_header:
            writer.writerow(columns)
        for row in added.to_dict("records"):
            writer.writerow([row.get(c, "") for c in columns])
    return len(added)
