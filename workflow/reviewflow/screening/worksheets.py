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
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import ReviewflowError
from ..reviewers import check_destination, mark_worksheet
from ..sheets import append_rows, atomic_write_text, csv_text, read_sheet, sheet_target
from ..tables import split_list
from ..xlsx import add_table_sheet, save_deterministic
from . import VOTE_PREFIX

DECISION_COLUMNS = ["citation", "stage", "decision", "reason", "reviewer", "date", "note"]
CONTEXT_COLUMNS = ["priority", "title", "authors", "year", "journal", "abstract", "doi_link", "pubmed_link"]
WIDTHS = {
    "citation": 20,
    "stage": 14,
    "decision": 12,
    "reason": 28,
    "reviewer": 10,
    "date": 12,
    "note": 20,
    "priority": 8,
    "title": 50,
    "authors": 30,
    "year": 6,
    "journal": 25,
    "abstract": 80,
    "doi_link": 30,
    "pubmed_link": 30,
}


def _context_cells(citation: dict, priority: int | str = "") -> list:
    """What a screener reads beside the decision cells: title, authors, abstract, links; the
    priority is a number, so that a spreadsheet sorts 10 after 2."""
    authors = split_list(citation["authors"])
    shown = "; ".join(authors[:6]) + ("; et al." if len(authors) > 6 else "")
    return [
        priority,
        citation["title"],
        shown,
        citation["year"],
        citation["journal"],
        citation["abstract"],
        f"https://doi.org/{citation['doi']}" if citation["doi"] else "",
        f"https://pubmed.ncbi.nlm.nih.gov/{citation['pmid']}/" if citation["pmid"] else "",
    ]


def usual_order(citations: pd.DataFrame, wanted) -> list[str]:
    """The worksheets' order without a ranking: by search batch, then citation id."""
    chosen = citations[citations["citation_id"].isin(set(wanted))]
    return chosen.sort_values(["first_search", "citation_id"])["citation_id"].tolist()


def worksheet_rows(citations: pd.DataFrame, order: list[str], stage: str, ranked: bool = False) -> list[list[str]]:
    """A row per citation in `order`: empty decision cells, then the context (with its
    priority, 1 first, when the order is a ranking)."""
    by_id = citations.set_index("citation_id", drop=False)
    blank = [""] * (len(DECISION_COLUMNS) - 2)
    return [
        [cid, stage, *blank, *_context_cells(by_id.loc[cid].to_dict(), number if ranked else "")]
        for number, cid in enumerate(order, start=1)
    ]


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


def _write_explanations(notes, first_row: int, explained: list[tuple[str, str, str]]) -> None:
    """Why each citation has its priority: the terms of its title and abstract that raise
    its score most under the model (the model is linear in the terms, so these are its
    reasons, not a guess at them)."""
    header = ["priority", "citation_id", "title", "terms that raised its priority most"]
    for column, name in enumerate(header, start=1):
        notes.cell(row=first_row, column=column, value=name).font = Font(bold=True)
    for offset, values in enumerate(explained, start=1):
        for column, value in enumerate((offset, *values), start=1):
            notes.cell(row=first_row + offset, column=column, value=value)
    for column, width in zip("ABCD", (10, 20, 70, 60)):  # the lines above run on into the empty cells beside them
        notes.column_dimensions[column].width = width


def write_worksheet(
    rows: list[list[str]],
    stage: str,
    reasons: list[str],
    path: str | Path,
    stamp: date,
    title: str = "to screen",
    about: list[str] = (),
    reviewer: str = "",
    explained: list[tuple[str, str, str]] = (),
) -> None:
    """A workbook with a decision dropdown and a reason dropdown on every row; `about`:
    lines on how the rows are ordered and whether it is safe to stop, shown in a sheet
    of their own (the table stays appendable as it is) and in the printed page header;
    `explained`: (citation id, title, terms) in priority order, listed below those lines."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = add_table_sheet(workbook, title, DECISION_COLUMNS + CONTEXT_COLUMNS, rows, WIDTHS)
    if about:
        notes = workbook.create_sheet("about this order")
        for number, line in enumerate(about, start=1):
            notes.cell(row=number, column=1, value=line)
        notes.column_dimensions["A"].width = 120
        if explained:
            _write_explanations(notes, len(about) + 2, explained)
        sheet.oddHeader.center.text = about[0][:250].replace("&", "&&")
    last = max(len(rows) + 1, 2)
    choices = ["include", "exclude", "maybe"] + (["not retrieved"] if stage == "full_text" else [])
    decision = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,  # a typed value outside the list is refused, not kept
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
        showErrorMessage=True,  # a typed value outside the list is refused, not kept
        errorTitle="Not a configured reason",
        error=("Choose one of the config's exclusion reasons: " + "; ".join(reasons))[:255],  # Excel's limit
    )
    reason.add(f"D2:D{last}")
    sheet.add_data_validation(decision)
    sheet.add_data_validation(reason)
    if reviewer:
        mark_worksheet(workbook, reviewer)
    save_deterministic(workbook, path, stamp)


def add_filled_rows(worksheets: list[str], decisions_csv: str) -> int:
    """Append the decided rows of returned worksheets to the decisions CSV; returns how many.

    Rows without a decision are left out; every appended row is checked against the
    screening schema first (and a full-text exclusion needs its reason), so a bad
    worksheet changes nothing. The sheet is rewritten whole, never half appended.
    """
    target = sheet_target(decisions_csv)
    for path in worksheets:  # a blind reviewer's worksheet goes into that reviewer's own sheet only
        check_destination(path, target, "reviewflow screening resolve")
    existing = read_sheet(target, "screening") if target.exists() else None
    new_rows = []
    for path in worksheets:
        sheet = read_sheet(path, "screening")
        votes = [c for c in sheet.columns if c.startswith(VOTE_PREFIX)]
        decided = sheet[(sheet["decision"] != "") | (sheet[votes] != "").any(axis=1)]
        for offset, row in decided.iterrows():
            if row["stage"] == "full_text" and row["decision"] == "exclude" and not row["reason"]:
                raise ReviewflowError(
                    "a full-text exclusion needs a reason", file=path, row=offset + 2, column="reason"
                )
        new_rows.append(decided.assign(_file=path, _row=decided.index + 2))
    added = pd.concat(new_rows, ignore_index=True)
    if added.empty:
        return 0
    _refuse_repeats(added, existing, target, _citation_keys(worksheets[0]))
    columns = DECISION_COLUMNS if existing is None else _header(target)
    extra = [c for c in added.columns if c.startswith(VOTE_PREFIX) and c not in columns]
    if existing is not None and extra:
        raise ReviewflowError(
            f"lacks the columns {extra} the worksheets use; add them to its header first", file=str(target)
        )
    append_rows(target, columns + extra, added.to_dict("records"))
    return len(added)


def _header(path: Path) -> list[str]:
    return list(pd.read_csv(path, dtype=str, nrows=0, encoding="utf-8-sig").columns)


def _refuse_repeats(added: pd.DataFrame, existing: pd.DataFrame | None, target: Path, resolve) -> None:
    """One decision per citation and stage: none already in the sheet (under any of the
    citation's keys: its id, a record id, doi:, pmid:), none twice in the worksheets."""
    known = (
        {(resolve(c), s): (c, n) for n, (c, s) in enumerate(zip(existing["citation"], existing["stage"]), start=2)}
        if existing is not None
        else {}
    )
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for row in added.to_dict("records"):
        key = (resolve(row["citation"]), row["stage"])
        if key in known:
            written, line = known[key]
            also = "" if written == row["citation"] else f" (as {written}, row {line})"
            raise ReviewflowError(
                f"already holds a {key[1]} decision for {row['citation']}{also}; edit it there instead",
                file=str(target),
            )
        if key in seen:
            first = seen[key]
            raise ReviewflowError(
                f"a second {key[1]} decision for {key[0]} (first in {first[0]}, row {first[1]})",
                file=row["_file"],
                row=row["_row"],
                column="citation",
            )
        seen[key] = (row["_file"], row["_row"])


def resolve_disagreements(worksheet: str, decisions_csv: str) -> int:
    """Write the decisions of a filled disagreements workbook into the rows of the
    decisions CSV whose votes disagree; returns how many. Every other cell of the sheet
    stays as it was; a row the sheet does not hold, or one already decided otherwise,
    stops the command before anything is written."""
    import csv

    target = sheet_target(decisions_csv)
    filled = read_sheet(worksheet, "screening")
    filled = filled[filled["decision"] != ""]
    if filled.empty:
        return 0
    header = _header(target)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    resolve = _citation_keys(worksheet)
    where = {(resolve(r["citation"]), r["stage"]): n for n, r in enumerate(rows)}
    from ..reviewers import reviewer_sheets

    blind = {  # what blind reviewers voted on, in their own sheets beside the team's
        (resolve(r["citation"]), r["stage"])
        for own in reviewer_sheets(target.parent, "screening.csv").values()
        for r in read_sheet(own, "screening").to_dict("records")
    }
    for offset, row in filled.iterrows():
        line = offset + 2
        key = (resolve(row["citation"]), row["stage"])
        if key not in where:
            if key not in blind:
                raise ReviewflowError(
                    f"{row['citation']} has no {row['stage']} row in {target} to resolve", file=worksheet, row=line
                )
            # blind reviewers' votes live in their own sheets: the team's decision gets a row
            where[key] = len(rows)
            rows.append({"citation": row["citation"], "stage": row["stage"]})
        if row["stage"] == "full_text" and row["decision"] == "exclude" and not row["reason"]:
            raise ReviewflowError("a full-text exclusion needs a reason", file=worksheet, row=line, column="reason")
        current = rows[where[key]]
        if current.get("decision") and current["decision"] != row["decision"]:
            raise ReviewflowError(
                f"already decided '{current['decision']}' for {row['citation']}; edit it there instead",
                file=str(target),
                row=where[key] + 2,
                column="decision",
            )
        for column in ("decision", "reason", "reviewer", "date"):
            if row[column] and column in header:
                current[column] = row[column]
    atomic_write_text(target, csv_text(header, [[r.get(c) or "" for c in header] for r in rows]))
    return len(filled)


def _citation_keys(worksheet: str):
    """Maps any key of a citation (its id, a record id, doi:, pmid:) to its citation id, with
    the citations of the run beside the worksheet (results/<review>/dedup/citations.csv)."""
    from ..tables import CITATION_COLUMNS, read_csv
    from . import citation_resolver

    citations = Path(worksheet).resolve().parent.parent / "dedup" / "citations.csv"
    if not citations.exists():
        return lambda key: key
    resolve = citation_resolver(read_csv(citations, CITATION_COLUMNS))
    return lambda key: resolve(key) or key
