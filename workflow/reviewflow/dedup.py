"""Deduplication: records -> citations.

This first engine merges only on evidence that is hard to get wrong: the same
DOI, the same PMID, or the same normalised title in the same year. Two records
whose clusters would then hold two different DOIs or two different PMIDs are
never merged: a false merge silently loses a study, a missed one costs only a
little screening time.

A citation's id comes from its earliest member (in the order records arrive:
search batches as configured, then file, then position), so records added by a
later search never rename an existing citation.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from .errors import ReviewflowError
from .tables import CITATION_COLUMNS, DEDUPED_RECORD_COLUMNS, LIST_SEPARATOR, conform

MERGED_FIELDS = [
    "type", "title", "authors", "year", "journal", "volume", "issue", "pages",
    "doi", "pmid", "issn", "abstract", "keywords", "language", "url",
]  # fmt: skip


def title_key(title: str) -> str:
    """Case, accents, punctuation and spacing removed: what a human would call the same title."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


class _Clusters:
    """Union-find over record positions that keeps each cluster's DOIs and PMIDs."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.parent = list(range(len(frame)))
        self.dois = [{d} - {""} for d in frame["doi"]]
        self.pmids = [{p} - {""} for p in frame["pmid"]]

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int) -> bool:
        a, b = self.root(a), self.root(b)
        return len(self.dois[a] | self.dois[b]) <= 1 and len(self.pmids[a] | self.pmids[b]) <= 1

    def union(self, a: int, b: int) -> None:
        a, b = sorted((self.root(a), self.root(b)))  # the earlier record stays the root
        if a != b:
            self.parent[b] = a
            self.dois[a] |= self.dois[b]
            self.pmids[a] |= self.pmids[b]


def check_unique_ids(records: pd.DataFrame) -> None:
    repeated = records["record_id"][records["record_id"].duplicated()]
    if len(repeated):
        first = records[records["record_id"] == repeated.iloc[0]].iloc[1]
        raise ReviewflowError(
            f"record id {repeated.iloc[0]} occurs twice: the same record was exported twice "
            f"for one database in one search; remove one copy",
            file=first["file"], row=f"record {first['position']}",
        )


def deduplicate(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records with citation_id and match_rule, one row per citation)."""
    records = records.reset_index(drop=True)
    check_unique_ids(records)
    clusters = _Clusters(records)
    rules = ["first"] * len(records)
    first_seen: dict[tuple[str, str], int] = {}
    keyed = zip(records["doi"], records["pmid"], records["title"].map(title_key), records["year"])
    for i, (doi, pmid, title, year) in enumerate(keyed):
        keys = [("doi", doi), ("pmid", pmid), ("title+year", f"{title}|{year}" if title and year else "")]
        for rule, value in keys:
            if not value:
                continue
            other = first_seen.setdefault((rule, value), i)
            if other != i and clusters.root(other) != clusters.root(i) and clusters.compatible(other, i):
                clusters.union(other, i)
                if rules[i] == "first":
                    rules[i] = rule
    roots = [clusters.root(i) for i in range(len(records))]
    out = records.copy()
    out["citation_id"] = ["C" + records.at[r, "record_id"].lstrip("R") for r in roots]
    out["match_rule"] = rules
    citations = merge_clusters(out).sort_values("citation_id", kind="stable")
    return conform(out, DEDUPED_RECORD_COLUMNS), conform(citations, CITATION_COLUMNS)


def merge_clusters(records: pd.DataFrame) -> pd.DataFrame:
    """Best metadata per citation: the fullest record first, gaps filled from the others
    (vectorised: groupby().first() takes the first non-missing value in that order)."""
    fullness = (records[MERGED_FIELDS] != "").sum(axis=1)
    ranked = records.assign(_fullness=-fullness).sort_values(["citation_id", "_fullness"], kind="stable")
    merged = ranked[["citation_id", *MERGED_FIELDS]].replace("", pd.NA).groupby("citation_id", sort=False).first().fillna("")
    members = records.groupby("citation_id", sort=False)
    merged["record_ids"] = members["record_id"].agg(LIST_SEPARATOR.join)
    merged["sources"] = members["source"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    merged["searches"] = members["search"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    merged["first_search"] = members["search"].first()
    return merged.reset_index()
