"""The PRISMA 2020 flow diagram for updated reviews, from the tables alone.

The latest search batch is the update: its records are identified, deduplicated
and screened; studies and reports found by earlier batches are the previous
review. Every box is computed, and every box equals the sum of its parts
(tests check it), including the parts still awaiting a decision. Records screened
are those with a title/abstract decision (or the reviewers' votes); those not
screened yet are counted beside them, never inside them.
"""

from __future__ import annotations

import pandas as pd

from .. import screening as sc


def prisma_counts(
    records: pd.DataFrame,
    rejected: pd.DataFrame,
    citations: pd.DataFrame,
    status: pd.DataFrame,
    studies: pd.DataFrame,
    publications: pd.DataFrame,
    searches: list[dict],
) -> dict:
    order = [s["batch"] for s in searches]
    latest = order[-1]
    first_seen = citations.set_index("citation_id")["first_search"]
    known_before = set(first_seen[first_seen != latest].index)
    batches = batch_counts(records, rejected, searches)
    latest_records = records[records["search"] == latest]
    new = status[status["first_search"] == latest]
    joined_known = int(latest_records["citation_id"].isin(known_before).sum())

    included = publications.merge(status[["citation_id", "first_search"]], on="citation_id")
    earliest = included.assign(rank=included["first_search"].map(order.index)).groupby("study_id")["rank"].min()
    new_studies = set(earliest[earliest == len(order) - 1].index)
    new_reports = included[included["first_search"] == latest]
    by_database = [b for b in batches if b["search"] == latest]
    boxes = {
        "latest_batch": latest,
        "previous_batches": order[:-1],
        "previous_studies": int(len(earliest) - len(new_studies)),
        "previous_reports": int(len(included) - len(new_reports)),
        "identified": {
            "by_database": by_database,
            "total": sum(b["records"] for b in by_database),
            "without_title": sum(b["without_title"] for b in by_database),
        },
        "removed_before_screening": {
            "duplicates_of_earlier_searches": joined_known,
            "duplicates_within_search": int(len(latest_records) - joined_known - len(new)),
            "set_aside_unreadable": int(sum(b["set_aside"] for b in by_database)),
            "marked_ineligible_by_automation": int((new["status"] == sc.STOPPED_TA).sum()),
        },
        "screened": int((~new["status"].isin([sc.STOPPED_TA, sc.AWAITING_TA])).sum()),
        **screening_boxes(new),
        "new_studies": len(new_studies),
        "new_reports": {
            "of_new_studies": int(new_reports["study_id"].isin(new_studies).sum()),
            "of_previous_studies": int((~new_reports["study_id"].isin(new_studies)).sum()),
        },
    }
    boxes["total_studies"] = boxes["previous_studies"] + boxes["new_studies"]
    boxes["total_reports"] = boxes["previous_reports"] + len(new_reports)
    return {
        "batches": batches,
        "prisma": boxes,
        "new_citations": new[["citation_id", "title", "year", "status"]].to_dict("records"),
        "new_includes": new_reports[["study_id", "citation_id"]].to_dict("records"),
        "already_known_records": joined_known,
    }


def batch_counts(records: pd.DataFrame, rejected: pd.DataFrame, searches: list[dict]) -> list[dict]:
    """Records read and set aside, per search batch and export file."""
    batches = []
    for search in searches:
        for export in search["exports"]:
            mine = (records["search"] == search["batch"]) & (records["file"] == export["file"])
            aside = (rejected["search"] == search["batch"]) & (rejected["file"] == export["file"])
            batches.append(
                {
                    "search": search["batch"],
                    "date_searched": search["date_searched"],
                    "database": export["database"],
                    "file": export["file"],
                    "records": int(mine.sum() + aside.sum()),
                    "set_aside": int(aside.sum()),
                    "without_title": int((mine & (records["title"] == "")).sum()),  # kept, flagged for people
                }
            )
    return batches


def screening_boxes(new: pd.DataFrame) -> dict:
    """The screening, retrieval and eligibility boxes of the citations a search found first."""
    counts = new["status"].value_counts()

    def count(*names: str) -> int:
        return int(sum(counts.get(n, 0) for n in names))

    reasons = new[new["status"] == sc.EXCLUDED_FT]["exclusion_reason"].value_counts()
    return {
        "screening": {
            "excluded": count(sc.EXCLUDED_TA),
            "awaiting": count(sc.AWAITING_TA),  # not screened yet: beside the screened records, not in them
            "awaiting_resolution": count(sc.RESOLVE_TA),  # screened, the reviewers' votes disagree
            "sought": count(
                sc.AWAITING_FT, sc.RESOLVE_FT, sc.NOT_RETRIEVED, sc.EXCLUDED_FT, sc.UNDECIDED_FT, sc.INCLUDED
            ),
        },
        "retrieval": {
            "not_retrieved": count(sc.NOT_RETRIEVED),
            "awaiting": count(sc.AWAITING_FT, sc.RESOLVE_FT),
            "assessed": count(sc.EXCLUDED_FT, sc.UNDECIDED_FT, sc.INCLUDED),
        },
        "eligibility": {
            "excluded": [{"reason": r, "count": int(n)} for r, n in sorted(reasons.items())],
            "undecided": count(sc.UNDECIDED_FT),
            "included_reports": count(sc.INCLUDED),
        },
    }
