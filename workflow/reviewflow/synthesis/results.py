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

import numpy as np
import pandas as pd

from ..errors import ReviewflowError
from ..tables import split_list
from .effects import RATIOS

Z95 = 1.959963984540054
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


def _arm_sizes(arms: pd.DataFrame) -> pd.DataFrame:
    """(study, arm) -> size: participants analysed, else randomised, and whether that number
    is illustrative (the arm's `illustrative` names `all` or the column used)."""
    frame = arms.reset_index(drop=True).fillna("")
    analysed = ~frame["n_analysed"].isin(["", "NR"]) if "n_analysed" in frame else pd.Series(False, frame.index)
    randomised = ~frame["n_randomised"].isin(["", "NR"]) if "n_randomised" in frame else pd.Series(False, frame.index)
    marks = frame["illustrative"] if "illustrative" in frame else pd.Series("", frame.index)
    marked = marks.map(lambda text: set(split_list(text)))
    column = np.where(analysed, "n_analysed", "n_randomised")
    sizes = pd.DataFrame(
        {
            "study_id": frame["study_id"],
            "arm": frame["arm"],
            "size": np.where(analysed, frame.get("n_analysed", ""), frame.get("n_randomised", "")),
            "size_marked": [("all" in m or c in m) for m, c in zip(marked, column)],
        }
    )[analysed | randomised]
    return sizes.drop_duplicates(["study_id", "arm"], keep="last")  # a later row of the same arm wins


def _categories(outcomes: pd.DataFrame, categories: list[dict]) -> pd.Series:
    """Each outcome row's timepoint category, computed once per distinct (timepoint, months)."""
    months = outcomes["months"] if "months" in outcomes else pd.Series("", outcomes.index)
    keys = pd.MultiIndex.from_arrays([outcomes["timepoint"], months.fillna("")])
    distinct = keys.unique()
    named = {key: category_of(key[0], key[1], categories) for key in distinct}
    return pd.Series([named[key] for key in keys], index=outcomes.index)


GROUP = ["study_id", "domain", "measure", "timepoint"]
ARM_FIELDS = ["arms", "line", "category", "mean", "sd", "n", "events", "total", "effect_measure", "effect"]
ARM_FIELDS += ["ci_low", "ci_high", "illustrative", "source"]


def structured_results(
    outcomes: pd.DataFrame,
    evidence: pd.DataFrame,
    comparisons: pd.DataFrame,
    arms: pd.DataFrame,
    categories: list[dict],
) -> pd.DataFrame:
    """One row per evidence row x outcome domain x measure x reported timepoint that falls in
    a category: the comparison's result, oriented first arm (intervention) against second.

    Column operations, not a loop over evidence rows: each evidence row meets its study's
    result groups in one merge, and each group's intervention arm, comparator arm and
    between-arm row are found by three more; the kind of each result is then decided by
    masks over the columns (the same rules as the module doc states)."""
    table = outcomes.reset_index(drop=True).copy()
    for column in ARM_FIELDS:
        if column not in table and column not in ("line", "category"):
            table[column] = ""
    table[ARM_FIELDS[3:]] = table[ARM_FIELDS[3:]].fillna("")
    table["line"] = table.index + 2
    table["category"] = _categories(table, categories) if len(table) else pd.Series(dtype=object)
    table = table[table["category"] != ""].copy()
    table["rank"] = table.groupby(GROUP, sort=False).ngroup()  # groups in the order each first appears
    groups = table.drop_duplicates("rank")[[*GROUP, "rank"]]
    by_arms = table.drop_duplicates(["rank", "arms"], keep="last")[["rank", *ARM_FIELDS]]

    pairs = comparisons.drop_duplicates(["study_id", "comparison_id"], keep="last")[
        ["study_id", "comparison_id", "intervention_arm", "comparator_arm"]
    ]
    rows = evidence[["kq", "kq_group", "study_id", "label", "comparison_id"]].reset_index(drop=True)
    rows["position"] = np.arange(len(rows))
    rows = rows.merge(pairs, on=["study_id", "comparison_id"]).merge(groups, on="study_id")
    rows["forward"] = rows["intervention_arm"] + " vs " + rows["comparator_arm"]
    rows["backward"] = rows["comparator_arm"] + " vs " + rows["intervention_arm"]
    for side, arm_column in (("one", "intervention_arm"), ("two", "comparator_arm"), ("fw", "forward")):
        rows = _attach(rows, by_arms, arm_column, side)
    rows = _attach(rows, by_arms, "backward", "bw")
    has = {side: rows[f"line_{side}"].notna() for side in ("one", "two", "fw", "bw")}
    flipped = ~has["fw"] & has["bw"]
    for field in ARM_FIELDS[1:]:  # the between-arm row: as given, else the reversed pair
        rows[f"{field}_between"] = rows[f"{field}_fw"].where(has["fw"], rows[f"{field}_bw"])
    has["between"] = has["fw"] | has["bw"]
    rows = rows[has["one"] | has["two"] | has["between"]].sort_values(["position", "rank"], kind="stable")
    text = [f"{field}_{side}" for field in ARM_FIELDS[2:] for side in ("one", "two", "between")]
    rows[text] = rows[text].fillna("")  # a field of a row not found reads as empty, as in the sheet
    return _results_table(rows, flipped.loc[rows.index], arms)


def _attach(rows: pd.DataFrame, by_arms: pd.DataFrame, arm_column: str, side: str) -> pd.DataFrame:
    """The group's outcome row whose `arms` is the row's `arm_column`, its fields suffixed _side."""
    found = by_arms.rename(columns={f: f"{f}_{side}" for f in ARM_FIELDS})
    found = found.rename(columns={f"arms_{side}": arm_column})
    return rows.merge(found, on=["rank", arm_column], how="left")


def _results_table(rows: pd.DataFrame, flipped: pd.Series, arms: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame([], columns=RESULT_COLUMNS)
    sides = ("one", "two", "between")
    present = {side: rows[f"line_{side}"].notna() for side in sides}

    def first_of(field: str) -> pd.Series:  # the field of the first present of one, two, between
        value = rows[f"{field}_between"]
        for side in ("two", "one"):
            value = rows[f"{field}_{side}"].where(present[side], value)
        return value

    out = pd.DataFrame(
        {
            "kq": rows["kq"],
            "kq_group": rows["kq_group"],
            "study_id": rows["study_id"],
            "label": rows["label"],
            "comparison_id": rows["comparison_id"],
            "outcome": rows["domain"],
            "measure": rows["measure"],
            "timepoint_reported": rows["timepoint"],
            "timepoint": first_of("category"),
        }
    )
    types = arms.drop_duplicates(["study_id", "arm"], keep="last").set_index(["study_id", "arm"])["arm_type"]
    keys = pd.MultiIndex.from_arrays([rows["study_id"], rows["intervention_arm"]])
    out["intervention"] = types.reindex(keys).fillna("").to_numpy()
    lines = np.column_stack([rows[f"line_{side}"].to_numpy(dtype=float) for side in sides])
    out["order"] = np.nanmin(lines, axis=1).astype(int)
    sources = pd.DataFrame({side: rows[f"source_{side}"].where(present[side], "") for side in sides})
    out["source"] = ""
    cited = (sources != "").any(axis=1)
    out.loc[cited, "source"] = [
        "; ".join(dict.fromkeys(s for s in trio if s)) for trio in sources[cited].itertuples(index=False)
    ]
    marked = np.zeros(len(rows), dtype=bool)
    for side in sides:
        marked |= (present[side] & (rows[f"illustrative_{side}"] != "")).to_numpy()
    n, size_marked = _group_sizes(rows, present, arms)
    marked |= size_marked

    both = (present["one"] & present["two"]).to_numpy() & (n[1] != "") & (n[2] != "")
    continuous = both & (rows["mean_one"] != "").to_numpy() & (rows["mean_two"] != "").to_numpy()
    binary = ~continuous & both & (rows["events_one"] != "").to_numpy() & (rows["events_two"] != "").to_numpy()
    effect = ~continuous & ~binary & (rows["effect_between"] != "").to_numpy()
    out["kind"] = np.select([continuous, binary, effect], ["continuous", "binary", "effect"], "text")
    missing = pd.Series(np.nan, index=rows.index, dtype=object)
    for number, side in ((1, "one"), (2, "two")):
        size = pd.Series(n[number], index=rows.index, dtype=object)
        out[f"mean_{number}"] = rows[f"mean_{side}"].where(continuous, missing)
        out[f"sd_{number}"] = rows[f"sd_{side}"].where(continuous, missing)
        out[f"n_{number}"] = size.where(continuous, missing)
        out[f"events_{number}"] = rows[f"events_{side}"].where(binary, missing)
        out[f"total_{number}"] = size.where(binary, missing)
    out["effect_measure"] = rows["effect_measure_between"].where(effect, missing)
    out["effect"], out["ci_low"], out["ci_high"] = _between_effects(rows, effect, flipped.to_numpy() & effect)
    counted = (n[1] != "") & (n[2] != "")
    totals = [int(a) + int(b) if ok else "" for a, b, ok in zip(n[1], n[2], counted)]
    out["participants"] = pd.Series(totals, index=rows.index, dtype=object)
    out["illustrative"] = np.where(marked, "all", "")
    return _as_built_from_records(out[RESULT_COLUMNS].reset_index(drop=True))


def _group_sizes(rows: pd.DataFrame, present: dict, arms: pd.DataFrame) -> tuple[dict, np.ndarray]:
    """Each arm's n (the result row's n or total, else the arms sheet's size) and whether an
    illustrative arms-sheet size was used for a numeric result."""
    sizes = _arm_sizes(arms)
    n, marked = {}, np.zeros(len(rows), dtype=bool)
    for index, (side, arm_column) in enumerate((("one", "intervention_arm"), ("two", "comparator_arm")), start=1):
        given = rows[f"n_{side}"].where(rows[f"n_{side}"] != "", rows[f"total_{side}"]).where(present[side], "")
        listed = rows[["study_id", arm_column]].merge(
            sizes.rename(columns={"arm": arm_column}), on=["study_id", arm_column], how="left"
        )
        n[index] = np.where(given != "", given, listed["size"].fillna("").to_numpy())
        numeric = (rows[f"mean_{side}"] != "") | (rows[f"events_{side}"] != "")
        marked |= (
            (given == "").to_numpy()
            & listed["size_marked"].fillna(False).to_numpy(dtype=bool)
            & (present[side] & numeric).to_numpy()
        )
    return n, marked


def _between_effects(rows: pd.DataFrame, effect: np.ndarray, turn: np.ndarray) -> tuple[np.ndarray, ...]:
    """(effect, ci_low, ci_high) of the reported between-arm effects (NaN elsewhere); a pair
    reported the other way round is turned: ratios inverted, differences negated."""
    value, low, high = (
        pd.to_numeric(rows[f"{c}_between"].where(effect, np.nan)).to_numpy(dtype=float)
        for c in ("effect", "ci_low", "ci_high")
    )
    ratio = rows["effect_measure_between"].isin(RATIOS).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (
            np.where(turn, np.where(ratio, 1 / value, -value), value),
            np.where(turn, np.where(ratio, 1 / high, -high), low),
            np.where(turn, np.where(ratio, 1 / low, -low), high),
        )


def _as_built_from_records(table: pd.DataFrame) -> pd.DataFrame:
    """Each column with the type a frame built from row dicts gives it: numbers where every
    present value is one (or none is present), text (object) otherwise."""
    return table.astype(object).infer_objects()


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
            if row["effect_measure"] in RATIOS and low <= 0:
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


def effect_on_analysis_scale(measure: str, effect: float, low: float, high: float) -> tuple[float, float]:
    """(yi, vi) of a reported effect from its 95% CI; ratios on the log scale."""
    if measure in RATIOS:
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
