"""Structured results: each study comparison's result for one outcome domain at one
timepoint category, read from the outcomes sheet's numeric fields.

A comparison's result is an arm-level pair (mean, SD and n, or events and total, for
both arms) or a reported between-arm effect with its 95% CI; anything else is a
result reported in words only, which counts towards the studies that report an
outcome but gives no estimate. Timepoints fall into the review's categories by their
months (the sheet's `months`, else read from the timepoint text) or by naming a
category.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..errors import ReviewflowError
from ..tables import split_list

Z95 = 1.959963984540054
RATIO = ("RR", "OR", "HR")
AT_END = re.compile(r"^(post[- ]?(intervention|treatment)|end of (the )?(intervention|treatment)|immediately after)")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)[- ]?(day|week|month|year)s?\b")
MONTHS_PER = {"day": 12 / 365.25, "week": 12 / 52.1775, "month": 1.0, "year": 12.0}

RESULT_COLUMNS = [
    "kq",
    "kq_group",
    "intervention",
    "study_id",
    "label",
    "comparison_id",
    "outcome",
    "timepoint",
    "measure",
    "timepoint_reported",
    "kind",
    "mean_1",
    "sd_1",
    "n_1",
    "mean_2",
    "sd_2",
    "n_2",
    "events_1",
    "total_1",
    "events_2",
    "total_2",
    "effect_measure",
    "effect",
    "ci_low",
    "ci_high",
    "participants",
    "order",
    "illustrative",
    "source",
]


def months_of(text: str) -> float | None:
    """Months since the reference point of the categories, read from a timepoint such as
    'postintervention' (0), '6 weeks', '12 months', '2 years'; None when it says none."""
    text = text.strip().lower()
    if AT_END.match(text):
        return 0.0
    found = DURATION.match(text)
    return float(found.group(1)) * MONTHS_PER[found.group(2)] if found else None


def category_of(timepoint: str, months: str, categories: list[dict]) -> str:
    """The timepoint category a result falls in, or '' when none holds it."""
    for category in categories:
        if timepoint.strip().lower() == category["name"].lower():
            return category["name"]
    value = float(months) if months else months_of(timepoint)
    if value is None:
        return ""
    for category in categories:
        low, high = category.get("from_months"), category.get("to_months")
        if low is None and high is None:
            continue
        if (low is None or value >= low) and (high is None or value < high):
            return category["name"]
    return ""


def _arm_sizes(arms: pd.DataFrame) -> dict[tuple[str, str], tuple[str, bool]]:
    """(study, arm) -> (participants analysed, else randomised; whether that number is illustrative)."""
    sizes = {}
    for arm in arms.to_dict("records"):
        marked = split_list(arm.get("illustrative", ""))
        for column in ("n_analysed", "n_randomised"):
            if arm.get(column, "") not in ("", "NR"):
                sizes[(arm["study_id"], arm["arm"])] = (arm[column], "all" in marked or column in marked)
                break
    return sizes


def structured_results(
    outcomes: pd.DataFrame,
    evidence: pd.DataFrame,
    comparisons: pd.DataFrame,
    arms: pd.DataFrame,
    categories: list[dict],
) -> pd.DataFrame:
    """One row per evidence row x outcome domain x measure x reported timepoint that falls in
    a category: the comparison's result, oriented first arm (intervention) against second."""
    sizes = _arm_sizes(arms)
    arm_types = {(a["study_id"], a["arm"]): a["arm_type"] for a in arms.to_dict("records")}
    pairs = comparisons.set_index(["study_id", "comparison_id"])[["intervention_arm", "comparator_arm"]]
    outcomes = outcomes.reset_index(drop=True).copy()
    outcomes["line"] = outcomes.index + 2
    outcomes["category"] = [
        category_of(t, m, categories) for t, m in zip(outcomes["timepoint"], outcomes.get("months", ""))
    ]
    by_study = {study: frame for study, frame in outcomes[outcomes["category"] != ""].groupby("study_id", sort=False)}
    rows = []
    for row in evidence.to_dict("records"):
        study = row["study_id"]
        if study not in by_study or (study, row["comparison_id"]) not in pairs.index:
            continue
        first, second = pairs.loc[(study, row["comparison_id"])]
        head = {
            "kq": row["kq"],
            "kq_group": row["kq_group"],
            "intervention": arm_types.get((study, first), ""),
            "study_id": study,
            "label": row["label"],
            "comparison_id": row["comparison_id"],
        }
        for key, results in by_study[study].groupby(["domain", "measure", "timepoint"], sort=False):
            found = _contrast(results, first, second, sizes, study)
            if found:
                rows.append({**head, **found, "outcome": key[0], "measure": key[1], "timepoint_reported": key[2]})
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return table


def check_numbers(outcomes: pd.DataFrame, file: str) -> None:
    """What the schema cannot see in the outcomes sheet: fields that only make sense together."""
    for offset, row in enumerate(outcomes.to_dict("records")):
        row["line"] = offset + 2
        between = " vs " in row["arms"]
        arm_fields = [c for c in ("mean", "sd", "n", "events", "total") if row.get(c, "")]
        effect_fields = [c for c in ("effect_measure", "effect", "ci_low", "ci_high") if row.get(c, "")]
        where = {"file": file, "row": row["line"]}
        if between and arm_fields:
            raise ReviewflowError(
                f"a between-arm result ('{row['arms']}') takes effect_measure, effect, ci_low and ci_high, "
                f"not {arm_fields[0]}",
                column=arm_fields[0],
                **where,
            )
        if not between and effect_fields:
            raise ReviewflowError(
                f"one arm's result ('{row['arms']}') takes mean, sd, n or events, total, not {effect_fields[0]}",
                column=effect_fields[0],
                **where,
            )
        if effect_fields and len(effect_fields) < 4:
            lacking = [c for c in ("effect_measure", "effect", "ci_low", "ci_high") if c not in effect_fields]
            raise ReviewflowError(
                f"a reported effect needs effect_measure, effect, ci_low and ci_high; {lacking[0]} is empty",
                column=lacking[0],
                **where,
            )
        if effect_fields:
            low, value, high = (float(row[c]) for c in ("ci_low", "effect", "ci_high"))
            if not low <= value <= high or low == high:
                raise ReviewflowError(
                    f"the effect {row['effect']} must lie within its CI, ci_low below ci_high "
                    f"({row['ci_low']} to {row['ci_high']})",
                    column="effect",
                    **where,
                )
            if row["effect_measure"] in RATIO and low <= 0:
                raise ReviewflowError(
                    f"a {row['effect_measure']} and its CI are ratios above 0 (not logs)", column="ci_low", **where
                )
        if row.get("events", "") and row.get("total", "") and int(row["events"]) > int(row["total"]):
            raise ReviewflowError(
                f"{row['events']} events among {row['total']} participants: events cannot exceed total",
                column="events",
                **where,
            )
        if bool(row.get("mean", "")) != bool(row.get("sd", "")):
            column = "sd" if row.get("mean", "") else "mean"
            raise ReviewflowError("a mean needs its SD (and an SD its mean)", column=column, **where)


def _contrast(results: pd.DataFrame, first: str, second: str, sizes: dict, study: str) -> dict | None:
    """The result of arms first vs second in one (domain, measure, timepoint), or None
    when neither arm nor the pair reports it."""
    by_arms = {r["arms"]: r for r in results.to_dict("records")}
    one, two = by_arms.get(first), by_arms.get(second)
    between, flipped = by_arms.get(f"{first} vs {second}"), False
    if between is None and f"{second} vs {first}" in by_arms:
        between, flipped = by_arms[f"{second} vs {first}"], True
    used = [r for r in (one, two, between) if r is not None]
    if not used:
        return None
    found = {
        "kind": "text",
        "category": used[0]["category"],
        "order": min(r["line"] for r in used),
        "source": "; ".join(dict.fromkeys(r.get("source", "") for r in used if r.get("source", ""))),
    }
    found["timepoint"] = found.pop("category")
    marked = any(r.get("illustrative", "") for r in used)
    n = {}
    for index, (arm, record) in enumerate(((first, one), (second, two)), start=1):
        given = record.get("n", "") or record.get("total", "") if record else ""
        size, size_marked = (given, False) if given else sizes.get((study, arm), ("", False))
        n[index] = size
        marked = marked or (size_marked and record is not None and _numeric_arm(record))
    if one and two and one.get("mean", "") and two.get("mean", "") and n[1] and n[2]:
        found.update(
            kind="continuous",
            **{f"{k}_{i}": r[k] for i, r in ((1, one), (2, two)) for k in ("mean", "sd")},
            n_1=n[1],
            n_2=n[2],
        )
    elif one and two and one.get("events", "") and two.get("events", "") and n[1] and n[2]:
        found.update(kind="binary", events_1=one["events"], events_2=two["events"], total_1=n[1], total_2=n[2])
    elif between is not None and between.get("effect", ""):
        effect, low, high = (float(between[c]) for c in ("effect", "ci_low", "ci_high"))
        if flipped:
            effect, low, high = _reversed(between["effect_measure"], effect, low, high)
        found.update(kind="effect", effect_measure=between["effect_measure"], effect=effect, ci_low=low, ci_high=high)
    participants = [int(n[i]) for i in (1, 2) if n[i]]
    found["participants"] = sum(participants) if len(participants) == 2 else ""
    found["illustrative"] = "all" if marked else ""
    return found


def _numeric_arm(record: dict) -> bool:
    return bool(record.get("mean", "") or record.get("events", ""))


def _reversed(measure: str, effect: float, low: float, high: float) -> tuple[float, float, float]:
    if measure in RATIO:
        return 1 / effect, 1 / high, 1 / low
    return -effect, -high, -low


def effect_on_analysis_scale(measure: str, effect: float, low: float, high: float) -> tuple[float, float]:
    """(yi, vi) of a reported effect from its 95% CI; ratios on the log scale."""
    if measure in RATIO:
        effect, low, high = math.log(effect), math.log(low), math.log(high)
    return effect, ((high - low) / (2 * Z95)) ** 2


__all__ = [
    "RESULT_COLUMNS",
    "category_of",
    "check_numbers",
    "effect_on_analysis_scale",
    "months_of",
    "structured_results",
]
