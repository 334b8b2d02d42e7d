"""Screening decisions made in another tool, brought into the review's screening sheet.

Rayyan's CSV export keeps each reviewer's decision in its `notes` field, as markers
separated by "| ": `RAYYAN-INCLUSION: {"Ann"=>"Included", "Bo"=>"Excluded"}`,
`RAYYAN-LABELS: ...`, `RAYYAN-EXCLUSION-REASONS: wrong population,wrong outcome`
(Rayyan's export help page; the rayyanR package reads the same markers). ASReview
LAB's project export is a CSV whose `included` (or `asreview_label`) column holds 1,
0 or nothing, in the order the records were screened (`asreview_ranking` where present).
Covidence exports one list at a time (its reference export, CSV with the columns
`Title, Authors, Abstract, Published Year, ..., DOI, Ref, Covidence #, Study, Notes,
Tags`; the file is named `review_<n>_<list>_csv_<stamp>.csv`): "irrelevant" is excluded
at title and abstract, "excluded" at full text (its reason from a column naming a reason
where the export has one, else from a tag the reason map names), "included" included at
both stages. Tags and notes export with the lists (Covidence's help page on tagging).

Each row is matched to a citation of the review's last run by DOI, then PMID, then
title, year and first author; a row that matches none is listed, never dropped
silently; a decision the sheet holds already is refused, not overwritten (as with
`screening add`). No library reads these exports into another tool's decisions, so
the parsing is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ReviewflowError
from ..sheets import atomic_write_text, csv_text, read_rows, sheet_target
from ..tables import CITATION_COLUMNS, read_csv

MARKER = re.compile(r"RAYYAN-(INCLUSION|LABELS|EXCLUSION-REASONS):\s*(.*)")
VOTE = re.compile(r'"([^"]+)"\s*=>\s*"([^"]+)"')
WORDS = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
SHEET_COLUMNS = ["citation", "stage", "decision", "reason", "reviewer", "date", "note"]


@dataclass
class Imported:
    rows: list[dict]  # for the screening sheet
    unmatched: list[str]  # one line per source row that matches no citation


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


class CitationMatcher:
    """A source row -> the review's citation id, by DOI, then PMID (the keys decision sheets
    use, through `citation_resolver`), then title + year + first author."""

    def __init__(self, citations: pd.DataFrame) -> None:
        from ..studies.linking import first_author
        from . import citation_resolver

        self.first_author = first_author
        self.resolve = citation_resolver(citations)
        self.described = {}
        for row in citations.to_dict("records"):
            key = (_fold(row["title"]), str(row["year"]), first_author(row["authors"]))
            self.described.setdefault(key, row["citation_id"])

    def __call__(self, doi: str = "", pmid: str = "", title: str = "", year: str = "", authors: str = "") -> str | None:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip().lower())
        for key in (f"doi:{doi}" if doi else "", f"pmid:{pmid.strip()}" if pmid.strip() else ""):
            try:
                found = self.resolve(key) if key else None
            except ReviewflowError:  # a DOI or PMID two citations share names neither
                found = None
            if found:
                return found
        authors = authors.replace(" and ", "; ")
        return self.described.get((_fold(title), str(year).strip()[:4], self.first_author(authors)))


def _citations(results: Path) -> pd.DataFrame:
    citations = results / "dedup" / "citations.csv"
    if not citations.is_file():
        raise ReviewflowError("has no citations yet; run the review first (make report)", file=str(citations))
    return read_csv(citations, CITATION_COLUMNS)


def _table(path: str) -> tuple[list[str], list[dict]]:
    header, rows = read_rows(path)
    return header, [dict(zip(header, row)) for row in rows]


def _reason_map(path: str | None, reasons: list[str], tool: str = "rayyan") -> dict[str, str]:
    """The user's two-column map (<tool>_reason, reason), each reason one of the config's;
    a reason that is already one of the config's maps to itself."""
    identity = {r.casefold(): r for r in reasons}
    if not path:
        return identity if tool == "covidence" else {}
    header, rows = _table(path)
    if header[:2] != [f"{tool}_reason", "reason"]:
        raise ReviewflowError(f"needs the columns {tool}_reason, reason", file=path, row=1)
    allowed = {r.casefold(): r for r in reasons}
    out = {}
    for number, row in enumerate(rows, start=2):
        if row["reason"].casefold() not in allowed:
            raise ReviewflowError(
                f"'{row['reason']}' is not an exclusion reason of the config; allowed: {'; '.join(reasons)}",
                file=path,
                row=number,
                column="reason",
            )
        out[row[f"{tool}_reason"].strip().casefold()] = allowed[row["reason"].casefold()]
    return {**identity, **out} if tool == "covidence" else out


def safe_reviewer(name: str) -> str:
    """A reviewer's name as a vote column may hold it: letters and digits."""
    return re.sub(r"[^A-Za-z0-9]", "", name) or "reviewer"


def from_rayyan(path: str, matcher, stage: str, reason_map: dict[str, str]) -> Imported:
    header, rows = _table(path)
    if "notes" not in header:
        raise ReviewflowError("has no 'notes' column; is it Rayyan's CSV export?", file=path, row=1)
    out, unmatched, unmapped = [], [], set()
    for number, row in enumerate(rows, start=2):
        markers = {}
        for part in row["notes"].split("| "):
            if match := MARKER.search(part):
                markers[match.group(1)] = match.group(2).strip()
        if "INCLUSION" not in markers:
            raise ReviewflowError(
                "holds no 'RAYYAN-INCLUSION: {...}' marker: not Rayyan's form of the notes",
                file=path,
                row=number,
                column="notes",
            )
        votes = {
            safe_reviewer(name): WORDS.get(word.strip().lower(), "")
            for name, word in VOTE.findall(markers["INCLUSION"])
        }
        votes = {name: vote for name, vote in votes.items() if vote}
        if not votes:
            continue  # nobody decided yet
        citation = matcher(
            row.get("doi", ""),
            row.get("pubmed_id", ""),
            row.get("title", ""),
            row.get("year", ""),
            row.get("authors", ""),
        )
        if citation is None:
            unmatched.append(f"{path}, row {number}: '{row.get('title', '')[:70]}' matches no citation of the review")
            continue
        given = [r.strip() for r in markers.get("EXCLUSION-REASONS", "").split(",") if r.strip()]
        mapped = [reason_map[r.casefold()] for r in given if r.casefold() in reason_map]
        unmapped.update(r for r in given if r.casefold() not in reason_map)
        record = {"citation": citation, "stage": stage, "reason": mapped[0] if mapped else "", "note": "from Rayyan"}
        if len(votes) == 1:
            ((name, vote),) = votes.items()
            record.update(decision=vote, reviewer=name)
        else:
            record.update({f"vote_{name}": vote for name, vote in votes.items()})
        out.append(record)
    if unmapped:
        raise ReviewflowError(
            f"exclusion reasons with no row in the reason map: {'; '.join(sorted(unmapped))}; map each to one of the "
            "config's reasons (--reasons MAP.csv with columns rayyan_reason, reason)",
            file=path,
        )
    return Imported(out, unmatched)


def from_asreview(path: str, matcher, stage: str) -> Imported:
    header, rows = _table(path)
    label = next((c for c in ("included", "asreview_label", "label_included") if c in header), None)
    if label is None:
        raise ReviewflowError(
            "has no 'included' or 'asreview_label' column; is it ASReview LAB's export?", file=path, row=1
        )
    if "asreview_ranking" in header:
        rows = sorted(rows, key=lambda r: float(r["asreview_ranking"] or "inf"))  # the order screened
    out, unmatched = [], []
    for number, row in enumerate(rows, start=2):
        value = row[label].strip()
        if value not in ("0", "1", "0.0", "1.0"):
            continue  # not screened
        citation = matcher(
            row.get("doi", ""), row.get("pmid", ""), row.get("title", ""), row.get("year", ""), row.get("authors", "")
        )
        if citation is None:
            unmatched.append(f"{path}, row {number}: '{row.get('title', '')[:70]}' matches no citation of the review")
            continue
        decision = "include" if value.startswith("1") else "exclude"
        out.append(
            {
                "citation": citation,
                "stage": stage,
                "decision": decision,
                "reviewer": "ASReview",
                "note": f"ASReview order {len(out) + 1}",
            }
        )
    return Imported(out, unmatched)


def covidence_list(path: str, given: str | None) -> str:
    """The list a Covidence export holds: as given, else from its file name."""
    if given:
        return given
    found = re.search(r"_(irrelevant|excluded|included)_", Path(path).name.lower())
    if not found:
        raise ReviewflowError(
            "does not say which Covidence list it holds (its name lacks _irrelevant_, _excluded_ or _included_); "
            "give --list irrelevant|excluded|included",
            file=path,
        )
    return found.group(1)


def from_covidence(path: str, matcher, listed: str, reason_map: dict[str, str]) -> Imported:
    header, rows = _table(path)
    if "Covidence #" not in header or "Title" not in header:
        raise ReviewflowError(
            "has no 'Covidence #' and 'Title' columns; is it Covidence's CSV export?", file=path, row=1
        )
    reason_column = next((c for c in header if "reason" in c.lower()), None)
    out, unmatched, unmapped = [], [], set()
    for number, row in enumerate(rows, start=2):
        citation = matcher(
            row.get("DOI", ""), "", row.get("Title", ""), row.get("Published Year", ""), row.get("Authors", "")
        )
        if citation is None:
            unmatched.append(f"{path}, row {number}: '{row['Title'][:70]}' matches no citation of the review")
            continue
        note = f"from Covidence #{row['Covidence #'].lstrip('#')}"
        if listed == "irrelevant":
            out.append({"citation": citation, "stage": "title_abstract", "decision": "exclude", "note": note})
            continue
        out.append({"citation": citation, "stage": "title_abstract", "decision": "include", "note": note})
        if listed == "included":
            out.append({"citation": citation, "stage": "full_text", "decision": "include", "note": note})
            continue
        given = [row[reason_column].strip()] if reason_column and row[reason_column].strip() else []
        given = given or [t.strip() for t in re.split(r"[;,]", row.get("Tags", "")) if t.strip()]
        mapped = [reason_map[r.casefold()] for r in given if r.casefold() in reason_map]
        if not mapped:
            unmapped.update(given)
            if not given:
                raise ReviewflowError(
                    "a full-text exclusion with no reason: the export has no reason column and the row no tag; "
                    "add the reason (a column 'Exclusion reason') and import again",
                    file=path,
                    row=number,
                )
            continue
        out.append(
            {"citation": citation, "stage": "full_text", "decision": "exclude", "reason": mapped[0], "note": note}
        )
    if unmapped:
        raise ReviewflowError(
            f"exclusion reasons with no row in the reason map: {'; '.join(sorted(unmapped))}; map each to one of the "
            "config's reasons (--reasons MAP.csv with columns covidence_reason, reason)",
            file=path,
        )
    return Imported(out, unmatched)


def write_imported(imported: Imported, sheet: str, resolve) -> int:
    """Append the imported rows to the screening sheet, adding any vote columns it lacks;
    a citation already decided at that stage (under any of its keys) is refused; the sheet
    is written whole. `resolve`: any key of a citation -> its id."""
    target = sheet_target(sheet)
    header, existing = _table(str(target)) if target.exists() else (list(SHEET_COLUMNS), [])
    decided = [r for r in existing if r.get("decision") or any(v for k, v in r.items() if k.startswith("vote_"))]
    known = {((resolve(r["citation"]) or r["citation"]), r["stage"]) for r in decided}
    seen = set()
    for row in imported.rows:
        key = (row["citation"], row["stage"])
        if key in known or key in seen:
            raise ReviewflowError(
                f"already holds a {row['stage']} decision for {row['citation']}; edit it there instead",
                file=str(target),
            )
        seen.add(key)
    extra = sorted({c for row in imported.rows for c in row if c.startswith("vote_") and c not in header})
    header = [*header, *extra]
    lines = [[r.get(c, "") for c in header] for r in [*existing, *imported.rows]]
    atomic_write_text(target, csv_text(header, lines))
    return len(imported.rows)


def import_decisions(
    tool: str,
    path: str,
    sheet: str,
    config: dict,
    stage: str = "title_abstract",
    reasons: str | None = None,
    listed: str | None = None,
    results: str = "",
) -> Imported:
    """Read another tool's export and append its decisions to the sheet (see module doc);
    `results`: the review's results folder (the layout's), whose citations it matches."""
    citations = _citations(Path(results))
    matcher = CitationMatcher(citations)
    if tool == "rayyan":
        imported = from_rayyan(path, matcher, stage, _reason_map(reasons, config["screening"]["exclusion_reasons"]))
    elif tool == "asreview":
        imported = from_asreview(path, matcher, stage)
    elif tool == "covidence":
        allowed = config["screening"]["exclusion_reasons"]
        imported = from_covidence(path, matcher, covidence_list(path, listed), _reason_map(reasons, allowed, tool))
    else:
        raise ReviewflowError(f"unknown tool '{tool}'; allowed: rayyan, asreview, covidence")
    if imported.unmatched and not imported.rows:
        raise ReviewflowError(
            f"none of its {len(imported.unmatched)} decided rows matches a citation of the review", file=path
        )
    write_imported(imported, sheet, matcher.resolve)
    return imported


__all__ = ["import_decisions", "safe_reviewer", "CitationMatcher"]
