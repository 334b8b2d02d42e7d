"""Screening: apply people's decisions to citations and count the flow.

Decisions are keyed by anything that identifies a citation for good (its id,
a member record's id, its DOI or PMID), so they survive new searches.
"""

from __future__ import annotations

import pandas as pd

from .errors import ReviewflowError
from .tables import STATUS_COLUMNS, conform, split_list

STAGES = ("title_abstract", "full_text")


def citation_resolver(citations: pd.DataFrame):
    """A function mapping a decision's key to a citation id (or None)."""
    lookup: dict[str, str] = {}
    for row in citations.itertuples(index=False):
        lookup[row.citation_id] = row.citation_id
        for record_id in split_list(row.record_ids):
            lookup[record_id] = row.citation_id
        if row.doi:
            lookup[f"doi:{row.doi}"] = row.citation_id
        if row.pmid:
            lookup[f"pmid:{row.pmid}"] = row.citation_id
    return lambda key: lookup.get(key if not key.lower().startswith("doi:") else key.lower())


def resolve_decisions(decisions: pd.DataFrame, citations: pd.DataFrame, reasons: list[str], file: str) -> pd.DataFrame:
    """Decisions with a citation_id column; errors name the sheet row."""
    resolve = citation_resolver(citations)
    allowed = {r.casefold(): r for r in reasons}
    out = decisions.copy()
    ids, seen = [], {}
    for offset, row in enumerate(decisions.itertuples(index=False)):
        line = offset + 2
        citation_id = resolve(row.citation)
        if citation_id is None:
            raise ReviewflowError(f"'{row.citation}' names no known citation", file=file, row=line, column="citation")
        if row.reason and row.reason.casefold() not in allowed:
            raise ReviewflowError(
                f"'{row.reason}' is not a configured exclusion reason; allowed: {'; '.join(reasons)}",
                file=file, row=line, column="reason",
            )
        if row.decision == "exclude" and row.stage == "full_text" and not row.reason:
            raise ReviewflowError("a full-text exclusion needs a reason", file=file, row=line, column="reason")
        key = (citation_id, row.stage)
        if key in seen:
            raise ReviewflowError(
                f"a second {row.stage} decision for citation {citation_id} (first in row {seen[key]})",
                file=file, row=line, column="citation",
            )
        seen[key] = line
        ids.append(citation_id)
    out["citation_id"] = ids
    out["reason"] = [allowed.get(r.casefold(), "") for r in out["reason"]]
    return out


def screening_status(citations: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per citation: its decision at each stage and where it stands."""
    by_stage = {
        stage: decisions[decisions["stage"] == stage].set_index("citation_id") for stage in STAGES
    }
    rows = []
    for citation in citations.itertuples(index=False):
        ta = _lookup(by_stage["title_abstract"], citation.citation_id)
        ft = _lookup(by_stage["full_text"], citation.citation_id)
        if ta is None:
            status, reason = "awaiting title/abstract screening", ""
        elif ta["decision"] == "exclude":
            status, reason = "excluded at title/abstract", ta["reason"]
        elif ft is None:
            status, reason = "awaiting full-text screening", ""
        elif ft["decision"] == "exclude":
            status, reason = "excluded at full text", ft["reason"]
        elif ft["decision"] == "include":
            status, reason = "included", ""
        else:
            status, reason = "undecided at full text (maybe)", ""
        illustrative = any(d is not None and d["illustrative"] for d in (ta, ft))
        rows.append({
            "citation_id": citation.citation_id,
            "first_search": citation.first_search,
            "title": citation.title,
            "year": citation.year,
            "title_abstract": ta["decision"] if ta is not None else "",
            "full_text": ft["decision"] if ft is not None else "",
            "status": status,
            "exclusion_reason": reason,
            "illustrative": "all" if illustrative else "",
        })
    return conform(pd.DataFrame(rows, columns=STATUS_COLUMNS), STATUS_COLUMNS)


def _lookup(frame: pd.DataFrame, citation_id: str):
    return frame.loc[citation_id] if citation_id in frame.index else None


def flow_counts(records: pd.DataFrame, citations: pd.DataFrame, status: pd.DataFrame, searches: list[dict], rejected: pd.DataFrame | None = None) -> dict:
    """The numbers of the flow diagram, each derived from the tables, never typed in.

    Records set aside as unreadable count as identified, then as removed
    before screening, so the identified total always equals the exports' records.
    """
    rejected = rejected if rejected is not None else pd.DataFrame(columns=["search", "source", "file"])
    read = records.groupby(["search", "source", "file"], sort=False).size()
    aside = rejected.groupby(["search", "source", "file"], sort=False).size()
    dates = {s["batch"]: s["date_searched"] for s in searches}
    identified = [
        {"search": search, "date_searched": dates.get(search, ""), "database": source, "file": file,
         "records": int(read.get((search, source, file), 0) + aside.get((search, source, file), 0)),
         "set_aside": int(aside.get((search, source, file), 0))}
        for search, source, file in dict.fromkeys([*read.index, *aside.index])
    ]  # fmt: skip
    counts = status["status"].value_counts()
    ft_excluded = status[status["status"] == "excluded at full text"]
    reasons = ft_excluded["exclusion_reason"].value_counts()
    screened = int((status["title_abstract"] != "").sum())
    return {
        "identified": identified,
        "records": len(records) + len(rejected),
        "set_aside": len(rejected),
        "duplicates_removed": len(records) - len(citations),
        "citations": len(citations),
        "screened": screened,
        "awaiting_title_abstract": int(counts.get("awaiting title/abstract screening", 0)),
        "excluded_title_abstract": int(counts.get("excluded at title/abstract", 0)),
        "full_text_assessed": int((status["full_text"] != "").sum()),
        "awaiting_full_text": int(counts.get("awaiting full-text screening", 0)),
        "undecided_full_text": int(counts.get("undecided at full text (maybe)", 0)),
        "excluded_full_text": int(len(ft_excluded)),
        "excluded_full_text_reasons": [{"reason": k, "count": int(v)} for k, v in sorted(reasons.items())],
        "included_reports": int(counts.get("included", 0)),
    }
