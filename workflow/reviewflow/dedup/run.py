"""Deduplication: records -> citations, with every merge explained.

prep (keys.py) -> block and score (pairs.py) -> rules (rules.py) -> cluster
(cluster.py), in the shape of ASySD and bib-dedupe. Reviewer decisions
(decisions.py) come first and always win. A citation's id comes from its
earliest member (search batches as configured, then file, then position), so
records added by a later search never rename an existing citation.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..collector import paused
from ..errors import ReviewflowError
from ..progress import bar
from ..tables import BIBLIOGRAPHIC_FIELDS, CITATION_COLUMNS, DEDUPED_RECORD_COLUMNS, LIST_SEPARATOR, conform
from .cluster import cluster
from .keys import match_keys
from .pairs import candidate_pairs, score_pairs
from .rules import UNTITLED, classify

log = logging.getLogger(__package__)  # the stage's logger

MERGED_FIELDS = BIBLIOGRAPHIC_FIELDS  # what a citation takes from its records
SIDE_BY_SIDE = ["title", "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "source", "search"]
PAIR_COLUMNS = [
    "record_a",
    "record_b",
    "title_similarity",
    "author_similarity",
    "same_journal",
    "year_a",
    "year_b",
    "volume_a",
    "volume_b",
    "pages_a",
    "pages_b",
    "title_a",
    "title_b",
]
MERGE_COLUMNS = ["citation_id", "rule", *PAIR_COLUMNS]
QUEUE_COLUMNS = [
    "record_a",
    "record_b",
    "reason",
    "title_similarity",
    "author_similarity",
    *[f"{f}_{side}" for f in SIDE_BY_SIDE for side in ("a", "b")],
    "decision",
    "note",
]
APART_COLUMNS = ["kind", "reason", *PAIR_COLUMNS]

# Column names other tools use for our fields (lower case).
COLUMN_ALIASES = {
    "id": "record_id",
    "author": "authors",
    "number": "issue",
    "isbn": "issn",
    "secondary_title": "journal",
    "journal_name": "journal",
    "pubmed_id": "pmid",
    "date": "year",
    "entrytype": "type",
}


@dataclass(frozen=True)
class Dedup:
    """The result: records with their citation, the citations, and the explanations."""

    records: pd.DataFrame
    citations: pd.DataFrame
    merges: pd.DataFrame  # each merge that joined two records, with its rule and scores
    queue: pd.DataFrame  # uncertain pairs, side by side, for people to decide
    apart: pd.DataFrame  # near pairs kept apart on purpose (false friends, conference abstracts)


def prepare_records(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Any CSV of records (ours, or another tool's: ID, author, number, ...) in our columns,
    with identifiers normalised so that equal DOIs and PMIDs compare equal."""
    from ..ingest.normalise import clean_text, normalise_doi, normalise_type

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
    out["type"] = out["type"].map(lambda text: normalise_type(text)[0])
    return out


def title_key(title: str) -> str:
    """Case, accents, punctuation and spacing removed: what a human would call the same title."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def check_unique_ids(records: pd.DataFrame) -> None:
    repeated = records["record_id"][records["record_id"].duplicated()]
    if len(repeated):
        first = records[records["record_id"] == repeated.iloc[0]].iloc[1]
        raise ReviewflowError(
            f"record id {repeated.iloc[0]} occurs twice: the same record was exported twice "
            f"for one database in one search; remove one copy",
            file=first["file"] or None,
            row=f"record {first['position']}" if first["position"] else None,
        )


LARGE = 10_000  # records from which dedup shows its progress on a terminal


def deduplicate(records: pd.DataFrame, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records with citation_id and match_rule, one row per citation)."""
    result = deduplicate_explained(records, **options)
    return result.records, result.citations


@paused()  # a million records' keys, pairs and clusters: see collector.py
def deduplicate_explained(
    records: pd.DataFrame,
    *,
    decisions: list[tuple[str, str, str]] | None = None,
    conference_abstracts: str = "separate",
    explain: bool = True,
) -> Dedup:
    """Records in batch order -> Dedup. `decisions`: (record_id, record_id, 'same'|'different'),
    already checked against the records (see decisions.py). Without `explain`, the merges,
    queue and pairs kept apart are left empty (a caller that writes none of them)."""
    records = records.reset_index(drop=True)
    check_unique_ids(records)
    with bar(3, "deduplicating: match keys", wanted=len(records) > LARGE) as shown:
        keys = match_keys(records)
        log.info("match keys prepared for %d records", len(records))
        shown.update()
        shown.set_description("deduplicating: blocking")
        pairs = candidate_pairs(keys)
        log.info("%d candidate pairs from blocking; scoring them", len(pairs))
        shown.update()
        shown.set_description(f"deduplicating: scoring {len(pairs)} pairs")
        scored = classify(score_pairs(keys, pairs), conference_abstracts)
        log.info("pairs scored and classified; clustering")
        shown.update()
    batch_order = {name: n for n, name in enumerate(dict.fromkeys(records["search"].tolist()))}
    batches = records["search"].map(batch_order).to_numpy()
    position = {rid: n for n, rid in enumerate(records["record_id"].tolist())}
    chosen = [(position[a], position[b], d) for a, b, d in (decisions or [])]
    same = [(a, b) for a, b, d in chosen if d == "same"]
    different = [(a, b) for a, b, d in chosen if d == "different"]
    roots, merges, held = cluster(keys, scored, batches, same, different)

    out = records.copy()
    root_ids = records["record_id"].to_numpy()[np.asarray(roots, dtype=int)]  # positions: the index is 0..n-1
    out["citation_id"] = ["C" + rid.lstrip("R") for rid in root_ids]
    rules = ["first"] * len(records)
    for row in merges.itertuples(index=False):
        for x in (row.j, row.i):
            if rules[x] == "first" and roots[x] != x:
                rules[x] = row.rule
    out["match_rule"] = rules
    citations = merge_clusters(out, misfit_doi=keys["doi_misfit"].to_numpy()).sort_values("citation_id", kind="stable")
    decided = {frozenset((a, b)) for a, b, _ in chosen}
    if not explain:
        empty = (pd.DataFrame(columns=c) for c in (MERGE_COLUMNS, QUEUE_COLUMNS, APART_COLUMNS))
        return Dedup(conform(out, DEDUPED_RECORD_COLUMNS), conform(citations, CITATION_COLUMNS), *empty)
    explained = _explain(out, scored, merges, held, roots, decided)
    return Dedup(conform(out, DEDUPED_RECORD_COLUMNS), conform(citations, CITATION_COLUMNS), *explained)


def _pair_rows(records: pd.DataFrame, scored: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """PAIR_COLUMNS for (i, j) position pairs, vectorised: scores where the pair was scored."""
    if pairs.empty:
        return pd.DataFrame(columns=[*pairs.columns, *PAIR_COLUMNS])
    i = np.minimum(pairs["i"].to_numpy(dtype=np.int64), pairs["j"].to_numpy(dtype=np.int64))
    j = np.maximum(pairs["i"].to_numpy(dtype=np.int64), pairs["j"].to_numpy(dtype=np.int64))
    keyed = pd.DataFrame({"i": i, "j": j})
    found = keyed.merge(scored[["i", "j", "title", "authors", "journal_same"]], on=["i", "j"], how="left")
    out = pairs.drop(columns=["i", "j"]).reset_index(drop=True)
    out["record_a"], out["record_b"] = records["record_id"].to_numpy()[i], records["record_id"].to_numpy()[j]
    out["title_similarity"] = found["title"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}").to_numpy()
    out["author_similarity"] = found["authors"].map(lambda v: "" if pd.isna(v) else f"{v:.3f}").to_numpy()
    out["same_journal"] = found["journal_same"].map(lambda v: "" if pd.isna(v) else ("yes" if v else "no")).to_numpy()
    for field, column in (("year", "year"), ("volume", "volume"), ("pages", "pages"), ("title", "title")):
        values = records[field].to_numpy()
        out[f"{column}_a"], out[f"{column}_b"] = values[i], values[j]
    out["_i"], out["_j"] = i, j
    return out


def _with_untitled(records: pd.DataFrame, queue: pd.DataFrame) -> pd.DataFrame:
    """The queue, and a row for each record exported without a title that no pair of the
    queue names: kept as exported, for people to check (record_b left empty)."""
    named = set(queue["record_a"]) | set(queue["record_b"]) if len(queue) else set()
    lonely = records[(records["title"] == "") & ~records["record_id"].isin(named)]
    if lonely.empty:
        return queue
    rows = pd.DataFrame({"record_a": lonely["record_id"], "record_b": "", "reason": UNTITLED})
    for field in SIDE_BY_SIDE:
        rows[f"{field}_a"], rows[f"{field}_b"] = lonely[field].to_numpy(), ""
    rows = rows.reindex(columns=QUEUE_COLUMNS, fill_value="")
    return pd.concat([queue, rows], ignore_index=True) if len(queue) else rows


def _explain(records, scored, merges, held, roots, decided) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    roots = np.asarray(roots)
    merge_rows = _pair_rows(records, scored, merges)
    merge_rows["citation_id"] = (
        records["citation_id"].to_numpy()[roots[merge_rows["_i"].to_numpy(dtype=int)]] if len(merge_rows) else []
    )

    queue = pd.concat(
        [scored.loc[scored["decision"] == "uncertain", ["i", "j", "reason"]], held[["i", "j", "reason"]]],
        ignore_index=True,
    )
    queue = _pair_rows(records, scored, queue)
    if len(queue):
        a, b = queue["_i"].to_numpy(dtype=int), queue["_j"].to_numpy(dtype=int)
        undecided = np.array([frozenset((x, y)) not in decided for x, y in zip(a, b)], dtype=bool)
        queue = queue[(roots[a] != roots[b]) & undecided]  # merged through others anyway, or decided by a reviewer
        a, b = queue["_i"].to_numpy(dtype=int), queue["_j"].to_numpy(dtype=int)
        # one question per pair of citations: deciding one pair of their records settles the rest
        queue = queue.assign(_ra=np.minimum(roots[a], roots[b]), _rb=np.maximum(roots[a], roots[b]))
        queue = queue.sort_values(["record_a", "record_b"], kind="stable").drop_duplicates(["_ra", "_rb"])
        a, b = queue["_i"].to_numpy(dtype=int), queue["_j"].to_numpy(dtype=int)
        for field in SIDE_BY_SIDE:
            values = records[field].to_numpy()
            queue[f"{field}_a"], queue[f"{field}_b"] = values[a], values[b]
        queue["decision"], queue["note"] = "", ""
    queue = _with_untitled(records, queue)

    apart = scored.loc[scored["decision"].isin(["different", "linked"]), ["i", "j", "decision", "reason"]]
    apart = apart[roots[apart["i"].to_numpy()] != roots[apart["j"].to_numpy()]]
    apart = apart.assign(
        kind=np.where(apart["decision"] == "linked", "conference abstract linked to its report", "kept apart")
    )
    apart_rows = _pair_rows(records, scored, apart.drop(columns="decision"))
    return (
        merge_rows.reindex(columns=MERGE_COLUMNS)
        .fillna("")
        .sort_values(["citation_id", "record_a", "record_b"], kind="stable"),
        queue.reindex(columns=QUEUE_COLUMNS).fillna("").reset_index(drop=True),
        apart_rows.reindex(columns=APART_COLUMNS).fillna("").sort_values(["record_a", "record_b"], kind="stable"),
    )


def merge_clusters(records: pd.DataFrame, misfit_doi: np.ndarray | None = None) -> pd.DataFrame:
    """Best metadata per citation: the fullest record first, gaps filled from the others
    (vectorised: groupby().first() takes the first non-missing value in that order). A DOI
    that names another journal than its record's (`misfit_doi`) is taken only when no
    member has another."""
    fullness = (records[MERGED_FIELDS] != "").sum(axis=1)
    trusted = records["doi"] if misfit_doi is None else records["doi"].where(~misfit_doi, "")
    ranked = records.assign(_fullness=-fullness, _trusted_doi=trusted)
    ranked = ranked.sort_values(["citation_id", "_fullness"], kind="stable")
    merged = (
        ranked[["citation_id", *MERGED_FIELDS, "_trusted_doi"]]
        .replace("", pd.NA)
        .groupby("citation_id", sort=False)
        .first()
    )
    merged["doi"] = merged.pop("_trusted_doi").fillna(merged["doi"])
    merged = merged.fillna("")
    members = _Members(records["citation_id"])
    merged["record_ids"] = members.joined(records["record_id"], LIST_SEPARATOR.join)
    merged["sources"] = members.joined(records["source"], lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    merged["searches"] = members.joined(records["search"], lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    merged["first_search"] = members.joined(records["search"], lambda s: s[0])
    merged["extra"] = members.joined(
        records["extra"],
        lambda values: "\n".join(dict.fromkeys(line for v in values for line in v.split("\n") if line)),
    )
    return merged.reset_index()


class _Members:
    """The records of each citation, in record order, found once by sorting their codes:
    a million records form hundreds of thousands of citations, and pandas' groupby calls a
    Python function per group at ten times the cost of this loop over split arrays."""

    def __init__(self, citation_ids: pd.Series) -> None:
        codes, self.citations = pd.factorize(citation_ids)
        self.order = np.argsort(codes, kind="stable")  # each citation's records together, in record order
        self.bounds = np.flatnonzero(np.diff(codes[self.order])) + 1

    def joined(self, values: pd.Series, combine) -> pd.Series:
        """combine(list of a citation's values) per citation, indexed by citation id."""
        parts = np.split(values.to_numpy(dtype=object)[self.order], self.bounds)
        return pd.Series([combine(list(part)) for part in parts], index=self.citations)
