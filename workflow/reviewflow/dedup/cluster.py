"""Clustering accepted pairs into citations, under three constraints.

- A citation never holds two different DOIs or two different PMIDs, unless a
  reviewer said the records are the same.
- A reviewer's 'different' is never overridden, not even through a chain of
  other merges.
- Search batches are replayed in order: a record of a later batch may join an
  existing citation, but may not merge two citations that earlier batches had
  kept apart (that pair goes to the review queue instead). So citation ids,
  named after their earliest record, never change when a search is added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import RULES


class Clusters:
    def __init__(self, dois: list[str], pmids: list[str], batches: list[int]) -> None:
        self.parent = list(range(len(dois)))
        self.dois = [{d} - {""} for d in dois]
        self.pmids = [{p} - {""} for p in pmids]
        self.first_batch = list(batches)
        self.forbidden: dict[int, set[int]] = {}

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def forbid(self, a: int, b: int) -> None:
        self.forbidden.setdefault(self.root(a), set()).add(b)
        self.forbidden.setdefault(self.root(b), set()).add(a)

    def kept_apart(self, a: int, b: int) -> bool:
        ra, rb = self.root(a), self.root(b)
        return any(self.root(x) == rb for x in self.forbidden.get(ra, ())) or any(
            self.root(x) == ra for x in self.forbidden.get(rb, ())
        )

    def identifiers_clash(self, a: int, b: int) -> bool:
        ra, rb = self.root(a), self.root(b)
        return len(self.dois[ra] | self.dois[rb]) > 1 or len(self.pmids[ra] | self.pmids[rb]) > 1

    def both_known_before(self, a: int, b: int, batch: int) -> bool:
        return self.first_batch[self.root(a)] < batch and self.first_batch[self.root(b)] < batch

    def union(self, a: int, b: int) -> None:
        ra, rb = sorted((self.root(a), self.root(b)))  # the earlier record stays the root
        if ra == rb:
            return
        self.parent[rb] = ra
        self.dois[ra] |= self.dois[rb]
        self.pmids[ra] |= self.pmids[rb]
        self.first_batch[ra] = min(self.first_batch[ra], self.first_batch[rb])
        if rb in self.forbidden:
            self.forbidden.setdefault(ra, set()).update(self.forbidden.pop(rb))


def cluster(
    keys: pd.DataFrame,
    pairs: pd.DataFrame,
    batches: np.ndarray,
    same: list[tuple[int, int]],
    different: list[tuple[int, int]],
) -> tuple[list[int], pd.DataFrame, pd.DataFrame]:
    """(root of each record, the merges made, pairs held back for people).

    `keys` are the records' match keys (normalised DOI and PMID); `pairs` the classified
    candidate pairs; `same` and `different` the reviewers' decisions as record positions.
    """
    clusters = Clusters(keys["doi"].tolist(), keys["pmid"].tolist(), batches.tolist())
    for a, b in different:
        clusters.forbid(a, b)
    merges, held = [], []
    for a, b in same:
        clusters.union(a, b)
        merges.append({"i": a, "j": b, "rule": "reviewer: same"})
    wanted = pairs[pairs["decision"] == "duplicate"].copy()
    wanted["stage"] = np.maximum(batches[wanted["i"]], batches[wanted["j"]])
    wanted["rank"] = wanted["rule"].map(RULES)
    wanted = wanted.sort_values(
        ["stage", "rank", "title", "i", "j"], ascending=[True, True, False, True, True], kind="stable"
    )
    for row in wanted.itertuples(index=False):
        a, b = row.i, row.j
        if clusters.root(a) == clusters.root(b):
            continue
        if clusters.kept_apart(a, b):
            continue  # a reviewer said these are different works
        if clusters.identifiers_clash(a, b):
            held.append({"i": a, "j": b, "reason": "merging would join two different DOIs or PMIDs"})
            continue
        if clusters.both_known_before(a, b, row.stage):
            held.append(
                {"i": a, "j": b, "reason": "a new record matches two citations that earlier searches kept apart"}
            )
            continue
        clusters.union(a, b)
        merges.append({"i": a, "j": b, "rule": row.rule})
    roots = [clusters.root(i) for i in range(len(keys))]
    return roots, pd.DataFrame(merges, columns=["i", "j", "rule"]), pd.DataFrame(held, columns=["i", "j", "reason"])
