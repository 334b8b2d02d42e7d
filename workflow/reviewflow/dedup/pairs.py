"""Candidate pairs (blocking) and their scores, all vectorised.

Blocking compares only records that share a specific key (DOI, PMID, the title,
its first or last 30 characters, first author with start page, year with volume
and start page), so pairs grow with duplicates, not with the square of the
records. Whether two records are compared depends on the two records alone,
never on which others are present: adding a search cannot change the decision
about two earlier records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .keys import journals_match, one_typo_apart

# A key shared by more records than this identifies nothing (e.g. one generic title
# in a 1,000,000-record search); such blocks are left out rather than compared in full.
BLOCK_LIMIT = 400


def blocking_keys(keys: pd.DataFrame) -> dict[str, pd.Series]:
    first_author = keys["authors"].str.split(" ", n=1).str[0].fillna("")
    year = keys["year"].astype(str).where(keys["year"] > 0, "")
    title = keys["title"]
    long_title = title.str.len() >= 30

    def joined(*parts: pd.Series) -> pd.Series:
        out = parts[0].astype(str)
        present = parts[0].astype(str) != ""
        for part in parts[1:]:
            out = out + "|" + part.astype(str)
            present &= part.astype(str) != ""
        return out.where(present, "")

    alt = keys["title_alt"]
    return {
        "doi": keys["doi"],
        "pmid": keys["pmid"],
        "title": title,
        "title_start": title.str[:30].where(long_title, ""),
        "title_end": title.str[-30:].where(long_title, ""),
        "alt_title_start": alt.str[:30],  # paired with title_start below
        "author_page": joined(first_author, keys["page"]),
        "year_volume_page": joined(year, keys["volume"], keys["page"]),
    }


def candidate_pairs(keys: pd.DataFrame) -> np.ndarray:
    """Unique (i, j) record positions, i < j, sharing at least one blocking key.

    Each block's keys become integer codes (one range of codes per block), so the
    (code, record) entries are two integer arrays: sorted once, each key's records lie
    side by side in record order, and the pairs of a key are the entries d places apart
    with the same code, for d up to the largest block. No string or frame per entry, so
    a million records block in a fraction of the memory a self-join of strings took."""
    n = len(keys)
    positions = np.arange(n, dtype=np.int64)
    blocks = blocking_keys(keys)
    alt = blocks.pop("alt_title_start")
    blocks["title_start"] = pd.concat([blocks["title_start"], alt])  # a translated title meets the original
    codes, members, offset = [], [], 0
    for key in blocks.values():
        values = key.to_numpy()
        present = values != ""
        found, uniques = pd.factorize(values[present])
        codes.append(found.astype(np.int64) + offset)
        members.append(np.resize(positions, len(values))[present])
        offset += len(uniques)
    entries = np.unique(np.concatenate(codes) * n + np.concatenate(members))  # sorted by code, then record
    code, member = entries // n, entries % n
    sizes = np.bincount(code)[code]
    kept = (sizes > 1) & (sizes <= BLOCK_LIMIT)
    code, member, sizes = code[kept], member[kept], sizes[kept]
    found = []
    for distance in range(1, int(sizes.max()) if len(sizes) else 1):
        if distance in (2, 8, 32, 128):  # only blocks larger than the distance still pair
            wide = sizes > distance
            code, member, sizes = code[wide], member[wide], sizes[wide]
        same = code[distance:] == code[:-distance]
        found.append(member[:-distance][same] * n + member[distance:][same])
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(found))
    return np.stack([pairs // n, pairs % n], axis=1)


def score_pairs(keys: pd.DataFrame, pairs: np.ndarray) -> pd.DataFrame:
    """Per pair: similarities (0-1) and field agreements the rules read."""
    i, j = pairs[:, 0], pairs[:, 1]
    a, b = keys.iloc[i].reset_index(drop=True), keys.iloc[j].reset_index(drop=True)
    out = pd.DataFrame({"i": i, "j": j})
    out["title"] = process.cpdist(a["title"].tolist(), b["title"].tolist(), scorer=fuzz.ratio, workers=-1) / 100
    out["untitled"] = (a["title"] == "").to_numpy() | (b["title"] == "").to_numpy()
    for x, y in ((a["title_alt"], b["title"]), (a["title"], b["title_alt"])):
        has = (x != "").to_numpy()
        if has.any():
            other = np.zeros(len(out))
            other[has] = process.cpdist(x[has].tolist(), y[has].tolist(), scorer=fuzz.ratio, workers=-1) / 100
            out["title"] = np.maximum(out["title"], other)
    out["authors"] = (
        process.cpdist(a["authors"].tolist(), b["authors"].tolist(), scorer=fuzz.token_set_ratio, workers=-1) / 100
    )
    has_authors = (a["authors"] != "") & (b["authors"] != "")
    # given names taken for surnames ('Andrea, C.' for 'Carignani, Andrea'): one author list's words within the other's
    words = (
        process.cpdist(a["author_words"].tolist(), b["author_words"].tolist(), scorer=fuzz.token_set_ratio, workers=-1)
        / 100
    )
    out["authors"] = np.maximum(
        out["authors"],
        np.where((a["author_words"].str.count(" ") >= 1) & (b["author_words"].str.count(" ") >= 1), words, 0),
    )
    out["authors"] = out["authors"].where(has_authors, np.nan)
    out["first_author"] = (
        a["authors"].str.split(" ", n=1).str[0] == b["authors"].str.split(" ", n=1).str[0]
    ) & has_authors

    def relation(column: str) -> tuple[pd.Series, pd.Series]:
        both = (a[column] != "") & (b[column] != "")
        return both & (a[column] == b[column]), both & (a[column] != b[column])

    for column in ("doi", "pmid", "volume", "issue", "issue_text", "page", "page_end", "report_number"):
        out[f"{column}_same"], out[f"{column}_differs"] = relation(column)
    out["pages_both_given"] = (a["pages_given"] & b["pages_given"]).to_numpy()
    out["page_typo"] = out["page_differs"] & np.array(
        [one_typo_apart(x, y) for x, y in zip(a["page"].tolist(), b["page"].tolist())], dtype=bool
    )
    known = (a["year"] > 0) & (b["year"] > 0)
    out["year_gap"] = (a["year"] - b["year"]).abs().where(known, -1)
    out["signature_differs"] = a["signature"] != b["signature"]
    out["marks_differ"] = (
        a["signature"].str.split("|", n=1).str[1] != b["signature"].str.split("|", n=1).str[1]
    )  # notices or parts
    out["conference_vs_other"] = a["conference"] != b["conference"]
    out["kinds_differ"] = (a["kind"] != "") & (b["kind"] != "") & (a["kind"] != b["kind"])
    out["title_words"] = np.minimum(a["title"].str.count(" "), b["title"].str.count(" ")) + 1
    content = r"\b[a-z]{5,}\b"  # words that name something ('claudication'), not 'a', 'of', 'the'
    out["title_content_words"] = np.minimum(a["title"].str.count(content), b["title"].str.count(content))
    out["no_venue"] = (a["journal"] == "") & (b["journal"] == "")
    out["has_details"] = (a["authors"] != "") | (a["volume"] != "") | (a["page"] != "") | (a["journal"] != "")
    plausible = ((out["title"] >= 0.4) | out["doi_same"] | out["pmid_same"] | out["page_same"]).to_numpy()
    journal = np.zeros(len(out), dtype=bool)
    journal_differs = np.zeros(len(out), dtype=bool)
    contained = np.zeros(len(out), dtype=float)
    if plausible.any():
        ja, jb = a["journal"].to_numpy()[plausible], b["journal"].to_numpy()[plausible]
        journal[plausible] = [journals_match(x, y) for x, y in zip(ja, jb)]
        alike = process.cpdist(list(ja), list(jb), scorer=fuzz.ratio, workers=-1) / 100
        nested = process.cpdist(list(ja), list(jb), scorer=fuzz.token_set_ratio, workers=-1) / 100
        journal_differs[plausible] = (ja != "") & (jb != "") & ~journal[plausible] & (alike < 0.8) & (nested < 0.9)
        ta, tb = a["title"].to_numpy()[plausible], b["title"].to_numpy()[plausible]
        contained[plausible] = process.cpdist(list(ta), list(tb), scorer=fuzz.partial_ratio, workers=-1) / 100
    out["journal_same"] = journal
    out["journal_differs"] = journal_differs
    out["title_contained"] = contained
    return out
