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


# Column names other tools use for our fields (lower case).
COLUMN_ALIASES = {"id": "record_id", "author": "authors", "number": "issue", "isbn": "issn", "secondary_title": "journal",
                  "journal_name": "journal", "pubmed_id": "pmid", "date": "year"}  # fmt: skip


def prepare_records(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Any CSV of records (ours, or another tool's: ID, author, number, ...) in our columns,
    with identifiers normalised so that equal DOIs and PMIDs compare equal."""
    from .ingest.normalise import clean_text, normalise_doi

    renamed = {}
    for name in frame.columns:
        target = COLUMN_ALIASES.get(name.strip().lower(), name.strip().lower())
        if target in columns and target not in renamed.values():
            renamed[name] = target
    out = frame.rename(columns=renamed)[list(renamed.values())].copy()
    for column in columns:
        if column not in out.columns:
            out[column] = ""
    out = out[columns].fillna("").astype(str)
    out["doi"] = out["doi"].map(normalise_doi)
    out["pmid"] = out["pmid"].str.extract(r"(\d+)", expand=False).fillna("")
    out["year"] = out["year"].str.extract(r"(1[5-9]\d\d|20\d\d)", expand=False).fillna("")
    out["title"] = out["title"].map(clean_text)
    return out


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


GENERIC_TITLE_WORDS = 3  # "Editorial", "Editor's comments": titles this short identify nothing alone


def _first_surname(authors: str) -> str:
    return title_key(authors.split(";")[0].split(",")[0].split(" and ")[0]).replace(" ", "")


def _pages(pages: str) -> str:
    return "".join(re.sub(r"[^0-9a-z-]", "", pages.lower()).replace("--", "-"))


def details_agree(records: pd.DataFrame, a: int, b: int) -> bool:
    """Whether two records with the same title and year may still be the same work: every
    field both of them give (volume, issue, pages, first author) must agree, and a generic
    short title needs volume and pages to agree outright. Different values mean a
    conference abstract and the paper, a guideline printed in two journals, or two
    editorials, which are not duplicates."""
    x, y = records.loc[a], records.loc[b]
    checks = [
        (x["volume"].strip().lower(), y["volume"].strip().lower()),
        (x["issue"].strip().lower(), y["issue"].strip().lower()),
        (_pages(x["pages"]), _pages(y["pages"])),
        (_first_surname(x["authors"]), _first_surname(y["authors"])),
    ]
    pages_x, pages_y = checks[2]
    if pages_x and pages_y and ("-" not in pages_x or "-" not in pages_y):
        checks[2] = (pages_x.split("-")[0], pages_y.split("-")[0])  # only start pages comparable
    if any(u and v and u != v for u, v in checks):
        return False
    if len(title_key(x["title"]).split()) <= GENERIC_TITLE_WORDS:
        return all(u and u == v for u, v in checks[:3:2])
    return True


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
            if rule == "title+year" and other != i and not details_agree(records, other, i):
                continue  # same title and year, but another volume, issue, pages or first author
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
