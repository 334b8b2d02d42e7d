"""Screening: apply people's decisions to citations, find what still needs one.

Decisions are keyed by anything that identifies a citation for good (its id,
a member record's id, its DOI or PMID), so they survive new searches. With
dual screening each reviewer votes in a vote_<name> column; agreeing votes
are the decision, disagreeing ones wait for a resolving `decision`.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from ..agreement import cohen_kappa
from ..errors import ReviewflowError
from ..marks import is_illustrative
from ..schemas import sheet_choices
from ..tables import STATUS_COLUMNS, conform, orphan_hint, split_list

STAGES = tuple(sheet_choices("screening", "stage"))  # the sheet's stages, in order
VOTE_PREFIX = "vote_"

AWAITING_TA = "awaiting title/abstract screening"
RESOLVE_TA = "awaiting resolution of title/abstract votes"
EXCLUDED_TA = "excluded at title/abstract"
AWAITING_FT = "awaiting full-text screening"
RESOLVE_FT = "awaiting resolution of full-text votes"
NOT_RETRIEVED = "full text not retrieved"
EXCLUDED_FT = "excluded at full text"
UNDECIDED_FT = "undecided at full text (maybe)"
INCLUDED = "included"
STOPPED_TA = "not screened: excluded by the stopping rule"


def vote_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(VOTE_PREFIX)]


def citation_resolver(citations: pd.DataFrame):
    """A function mapping a decision's key (citation id, record id, doi:..., pmid:...) to a
    citation id, or None. A DOI or PMID that two citations share (a reviewer kept them
    apart) names neither: using it is an error at the row that does, `where` (file, row,
    column) passed by the caller."""
    lookup: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    for row in citations.itertuples(index=False):
        lookup[row.citation_id] = row.citation_id
        for record_id in split_list(row.record_ids):
            lookup[record_id] = row.citation_id
        for key in (f"doi:{row.doi}" if row.doi else "", f"pmid:{row.pmid}" if row.pmid else ""):
            if key and key in lookup and lookup[key] != row.citation_id:
                shared.setdefault(key, [lookup[key]]).append(row.citation_id)
            elif key:
                lookup[key] = row.citation_id

    def resolve(key: str, **where) -> str | None:
        key = key.lower() if key.lower().startswith("doi:") else key
        if key in shared:
            raise ReviewflowError(
                f"'{key}' matches {len(shared[key])} citations ({', '.join(shared[key])}); name one by its citation id",
                **where,
            )
        return lookup.get(key)

    return resolve


VOTES = ("include", "exclude", "maybe")


def with_reviewer_votes(sheet: pd.DataFrame, reviewers: dict[str, tuple[pd.DataFrame, str]]) -> pd.DataFrame:
    """The decisions sheet with each blind reviewer's own sheet (initials -> (sheet, file))
    folded in as their `vote_<initials>` column: on the row of the same citation and stage,
    or on a row of its own; a vote's reason fills an empty reason, and a vote marked
    illustrative marks its column. A citation some blind reviewers have voted on and others
    not (and the team has not decided) awaits the others: it is left out until then."""
    out = sheet.copy()
    for initials, (own, file) in sorted(reviewers.items()):
        column = f"{VOTE_PREFIX}{initials}"
        if column in out.columns and (out[column] != "").any():
            raise ReviewflowError(
                f"{initials} keeps a sheet of their own ({file}); move the {column} votes there", column=column
            )
        votes = {}
        for offset, row in enumerate(own.to_dict("records")):
            if row["decision"] not in VOTES:
                raise ReviewflowError(
                    f"'{row['decision']}' is not a reviewer's vote; allowed: {', '.join(VOTES)}",
                    file=file,
                    row=offset + 2,
                    column="decision",
                )
            votes[(row["citation"], row["stage"])] = row
        keys = list(zip(out["citation"], out["stage"]))
        found = [votes.pop(key, None) for key in keys]
        out[column] = [row["decision"] if row else "" for row in found]
        added = pd.DataFrame(
            [{"citation": c, "stage": s, column: row["decision"]} for (c, s), row in votes.items()], dtype=str
        )
        rows = [*found, *votes.values()]
        out = pd.concat([out, added], ignore_index=True).astype(object).fillna("")
        for index, row in enumerate(rows):
            if row is None:
                continue
            if row["reason"] and not out.at[index, "reason"]:
                out.at[index, "reason"] = row["reason"]
            if row["illustrative"] and out.at[index, "illustrative"] != "all":
                marks = [m for m in out.at[index, "illustrative"].split("; ") if m]
                out.at[index, "illustrative"] = "; ".join([*marks, column])
    blind = out[[f"{VOTE_PREFIX}{initials}" for initials in reviewers]]
    waiting = (out["decision"] == "") & (blind != "").any(axis=1) & (blind == "").any(axis=1)
    return out[~waiting].reset_index(drop=True)


def resolve_decisions(decisions: pd.DataFrame, citations: pd.DataFrame, reasons: list[str], file: str) -> pd.DataFrame:
    """Decisions with citation_id, the final decision (or '' while votes disagree)."""
    resolve = citation_resolver(citations)
    allowed = {r.casefold(): r for r in reasons}
    votes = vote_columns(decisions)
    out = decisions.copy()
    ids, finals, seen = [], [], {}
    for offset, row in enumerate(decisions.to_dict("records")):
        line = offset + 2
        fail = lambda message, column: ReviewflowError(message, file=file, row=line, column=column)  # noqa: E731
        citation_id = resolve(row["citation"], file=file, row=line, column="citation")
        if citation_id is None:
            raise fail(f"'{row['citation']}' names no known citation{orphan_hint(row['citation'])}", "citation")
        cast = {row[v] for v in votes if row[v]}
        if not row["decision"] and not cast:
            raise fail("gives neither a decision nor any vote", "decision")
        if row["decision"] == "not retrieved" and row["stage"] != "full_text":
            raise fail("'not retrieved' is a full-text decision", "decision")
        if row["reason"] and row["reason"].casefold() not in allowed:
            raise fail(
                f"'{row['reason']}' is not a configured exclusion reason; allowed: {'; '.join(reasons)}", "reason"
            )
        final = row["decision"] or (cast.pop() if len(cast) == 1 else "")
        if final == "exclude" and row["stage"] == "full_text" and not row["reason"]:
            raise fail("a full-text exclusion needs a reason", "reason")
        key = (citation_id, row["stage"])
        if key in seen:
            raise fail(
                f"a second {row['stage']} decision for citation {citation_id} (first in row {seen[key]})", "citation"
            )
        seen[key] = line
        ids.append(citation_id)
        finals.append(final)
    out["citation_id"] = ids
    out["final"] = finals
    out["reason"] = [allowed.get(r.casefold(), "") for r in out["reason"]]
    return out


def screening_status(citations: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per citation: its final decision at each stage and where it stands."""
    by_stage = {stage: decisions[decisions["stage"] == stage].set_index("citation_id") for stage in STAGES}
    rows = []
    for citation in citations.itertuples(index=False):
        ta = _lookup(by_stage["title_abstract"], citation.citation_id)
        ft = _lookup(by_stage["full_text"], citation.citation_id)
        status, reason = _status(ta, ft)
        illustrative = any(d is not None and d["illustrative"] for d in (ta, ft))
        rows.append(
            {
                "citation_id": citation.citation_id,
                "first_search": citation.first_search,
                "title": citation.title,
                "year": citation.year,
                "title_abstract": ta["final"] if ta is not None else "",
                "full_text": ft["final"] if ft is not None else "",
                "status": status,
                "exclusion_reason": reason,
                "illustrative": "all" if illustrative else "",
            }
        )
    return conform(pd.DataFrame(rows, columns=STATUS_COLUMNS), STATUS_COLUMNS)


def _status(ta, ft) -> tuple[str, str]:
    if ta is None:
        return AWAITING_TA, ""
    if not ta["final"]:
        return RESOLVE_TA, ""
    if ta["final"] == "exclude":
        return EXCLUDED_TA, ta["reason"]
    if ft is None:
        return AWAITING_FT, ""
    return {
        "": (RESOLVE_FT, ""),
        "not retrieved": (NOT_RETRIEVED, ""),
        "exclude": (EXCLUDED_FT, ft["reason"]),
        "include": (INCLUDED, ""),
        "maybe": (UNDECIDED_FT, ""),
    }[ft["final"]]


def _lookup(frame: pd.DataFrame, citation_id: str):
    return frame.loc[citation_id] if citation_id in frame.index else None


def needs_decision(status: pd.DataFrame, stage: str) -> pd.Series:
    """Which citations a screener still has to look at in this stage."""
    return status["status"] == (AWAITING_TA if stage == "title_abstract" else AWAITING_FT)


def disagreements(decisions: pd.DataFrame) -> pd.DataFrame:
    """Rows whose votes differ and that no decision resolves yet."""
    return decisions[decisions["final"] == ""]


def agreement(decisions: pd.DataFrame) -> list[dict]:
    """Per stage and pair of reviewers: items both voted on, raw agreement and kappa."""
    out = []
    columns = list(decisions.columns)
    for stage in STAGES:
        rows = decisions[decisions["stage"] == stage]
        for a, b in combinations(vote_columns(decisions), 2):
            both = rows[(rows[a] != "") & (rows[b] != "")]
            if both.empty:
                continue
            kappa = cohen_kappa(list(both[a]), list(both[b]))
            out.append(
                {
                    "stage": stage,
                    "reviewers": f"{a[len(VOTE_PREFIX) :]} and {b[len(VOTE_PREFIX) :]}",
                    "n": len(both),
                    "agreement": round(float((both[a] == both[b]).mean()), 3),
                    "kappa": None if kappa is None else round(kappa, 3),
                    # agreement computed from votes marked illustrative is marked too
                    "illustrative": any(
                        is_illustrative(vote, a, columns) or is_illustrative(vote, b, columns)
                        for vote in both.to_dict("records")
                    ),
                }
            )
    return out
