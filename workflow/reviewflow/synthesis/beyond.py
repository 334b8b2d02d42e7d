"""The analyses a methods section runs after each pooled estimate, for every analysis of
the review: sensitivity (leave one out; without the studies whose overall risk of bias
is the tool's worst judgement; cumulative by publication year), small-study effects
where enough studies allow them, subgroups the key question declares by a study or arm
characteristic, and meta-regression on a numeric study characteristic the config names.

The statistics are depth.py's (metafor's); this module picks each analysis's studies
from the synthesis tables and writes one row per result, naming its analysis. Numbers
are on the natural scale (ratios exponentiated), as in analyses.csv.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ReviewflowError
from . import depth
from .effects import RATIOS

SENSITIVITY_COLUMNS = ["analysis_id", "kind", "study_id", "k", "estimate", "ci_low", "ci_high", "tau2", "i2", "note"]
BIAS_COLUMNS = [
    "analysis_id",
    "k",
    "egger_z",
    "egger_p",
    "limit",
    "limit_ci_low",
    "limit_ci_high",
    "begg_tau",
    "begg_p",
    "trimfill_k0",
    "trimfill_side",
    "trimfill_estimate",
    "trimfill_ci_low",
    "trimfill_ci_high",
    "suggestion",
]
SUBGROUP_COLUMNS = [
    "analysis_id",
    "subgroup",
    "level",
    "k",
    "estimate",
    "ci_low",
    "ci_high",
    "tau2",
    "q_between",
    "q_between_df",
    "q_between_p",
    "qm",
    "qm_df",
    "qm_p",
    "note",
]
METAREG_COLUMNS = [
    "analysis_id",
    "covariate",
    "k",
    "left_out",
    "slope",
    "slope_se",
    "slope_ci_low",
    "slope_ci_high",
    "slope_p",
    "intercept",
    "tau2",
    "r2",
]
NOT_ASSESSABLE = "not assessable, k < {}"


def _natural(measure: str, value: float) -> float:
    return math.exp(value) if measure in RATIOS else value


def _fit_row(measure: str, fit: dict) -> dict:
    return {
        "estimate": _natural(measure, fit["estimate"]),
        "ci_low": _natural(measure, fit["ci_low"]),
        "ci_high": _natural(measure, fit["ci_high"]),
        **{key: fit[key] for key in ("tau2", "i2") if key in fit},
    }


def pooled_studies(estimates: pd.DataFrame, analysis_id: str) -> pd.DataFrame:
    rows = estimates[(estimates["analysis_id"] == analysis_id) & (estimates["pooled"] == "yes")]
    return rows.drop_duplicates("study_id")


def sensitivity(
    analysis: dict, studies: pd.DataFrame, method: str, worst: set[str], years: dict[str, str]
) -> list[dict]:
    """Leave one out, without the studies at the tool's worst judgement, and cumulative by year."""
    ident, measure = analysis["analysis_id"], analysis["measure"]
    ids = list(studies["study_id"])
    yi, vi = studies["yi"].astype(float).to_numpy(), studies["vi"].astype(float).to_numpy()
    rows = [
        {"analysis_id": ident, "kind": "leave one out", "study_id": row["study"], "k": len(ids) - 1}
        | _fit_row(measure, row)
        for row in depth.leave_one_out(ids, yi, vi, method)
    ]
    high = [i for i, s in enumerate(ids) if s in worst]
    kept = [i for i in range(len(ids)) if i not in high]
    base = {"analysis_id": ident, "kind": "without high risk of bias", "study_id": "; ".join(ids[i] for i in high)}
    if not high:
        rows.append({**base, "k": len(ids), "note": "no study at the tool's worst judgement"})
    elif not kept:
        rows.append({**base, "k": 0, "note": "every study is at the tool's worst judgement"})
    else:
        rows.append({**base, "k": len(kept)} | _fit_row(measure, depth.main_fit(yi[kept], vi[kept], method)))
    year = [float(years.get(s) or "nan") for s in ids]
    if not any(math.isnan(y) for y in year):  # by the primary publication's year, ties in table order
        ordered = np.argsort(year, kind="stable")
        for step, row in enumerate(depth.cumulative(ids, yi, vi, year, method)):
            rows.append(
                {"analysis_id": ident, "kind": "cumulative by year", "study_id": row["study"], "k": step + 1}
                | _fit_row(measure, row)
                | {"note": str(int(year[ordered[step]]))}
            )
    return rows


def small_study_effects(analysis: dict, studies: pd.DataFrame, method: str, min_k: int, alpha: float) -> dict:
    """Egger, Begg and trim and fill where k reaches `min_k`; otherwise why not."""
    k, ident, measure = len(studies), analysis["analysis_id"], analysis["measure"]
    if k < min_k:
        return {"analysis_id": ident, "k": k, "suggestion": NOT_ASSESSABLE.format(min_k)}
    yi, vi = studies["yi"].astype(float).to_numpy(), studies["vi"].astype(float).to_numpy()
    found = depth.small_study_effects(yi, vi, "REML" if method != "FE" else "FE")
    egger, begg, fill = found["egger"], found["begg"], found["trimfill"]
    return {
        "analysis_id": ident,
        "k": k,
        "egger_z": egger["z"],
        "egger_p": egger["p"],
        "limit": _natural(measure, egger["limit"]),
        "limit_ci_low": _natural(measure, egger["limit_ci_low"]),
        "limit_ci_high": _natural(measure, egger["limit_ci_high"]),
        "begg_tau": begg["tau"],
        "begg_p": begg["p"],
        "trimfill_k0": fill["k0"],
        "trimfill_side": fill["side"],
        "trimfill_estimate": _natural(measure, fill["estimate"]),
        "trimfill_ci_low": _natural(measure, fill["ci_low"]),
        "trimfill_ci_high": _natural(measure, fill["ci_high"]),
        "suggestion": "suspected" if egger["p"] < alpha else "undetected",
    }


def subgroup_rows(analysis: dict, studies: pd.DataFrame, name: str, level_of, method: str) -> list[dict]:
    """The subgroups of one characteristic within one analysis, with the tests for
    differences; `level_of(study_id, comparison_id)` gives a study's level."""
    ident, measure = analysis["analysis_id"], analysis["measure"]
    labels = [level_of(s, c) for s, c in zip(studies["study_id"], studies["comparison_id"])]
    known = [i for i, label in enumerate(labels) if label and label != "NR"]
    base = {"analysis_id": ident, "subgroup": name}
    if len({labels[i] for i in known}) < 2:
        return [{**base, "k": len(known), "note": "fewer than two subgroups with data"}]
    yi = studies["yi"].astype(float).to_numpy()[known]
    vi = studies["vi"].astype(float).to_numpy()[known]
    try:
        found = depth.subgroups(yi, vi, [labels[i] for i in known], "REML" if method != "FE" else "FE")
    except ReviewflowError as error:
        return [{**base, "k": len(known), "note": error.message}]
    tests = {key: found[key] for key in ("q_between", "q_between_df", "q_between_p", "qm", "qm_df", "qm_p")}
    note = f"{len(labels) - len(known)} studies without a value left out" if len(known) < len(labels) else ""
    return [
        {**base, "level": group["name"], "k": group["k"], "tau2": group["tau2"], **tests, "note": note}
        | _fit_row(measure, group)
        for group in found["groups"]
    ]


def metareg_row(analysis: dict, studies: pd.DataFrame, name: str, values: dict[str, str], method: str) -> dict:
    ident = analysis["analysis_id"]
    x = np.array([leading_number(values.get(s, "")) for s in studies["study_id"]])
    present = ~np.isnan(x)
    base = {"analysis_id": ident, "covariate": name, "k": int(present.sum()), "left_out": int((~present).sum())}
    if present.sum() < 3 or len(set(x[present])) < 2:
        return base
    yi = studies["yi"].astype(float).to_numpy()[present]
    vi = studies["vi"].astype(float).to_numpy()[present]
    fit = depth.metareg(yi, vi, x[present], name, "REML" if method != "FE" else "FE")
    intercept, slope = fit["terms"]
    return {
        **base,
        "slope": slope["estimate"],
        "slope_se": slope["se"],
        "slope_ci_low": slope["ci_low"],
        "slope_ci_high": slope["ci_high"],
        "slope_p": slope["p"],
        "intercept": intercept["estimate"],
        "tau2": fit["tau2"],
        "r2": fit["r2"],
    }


def leading_number(text: str) -> float:
    """The number a cell starts with ('47', '47 years'), NaN when it starts with none."""
    try:
        return float(str(text).split()[0])
    except (ValueError, IndexError):
        return math.nan


def beyond_pooling(
    analyses: pd.DataFrame,
    estimates: pd.DataFrame,
    *,
    method: str,
    worst: set[str],
    years: dict[str, str],
    subgroups: dict[str, list[tuple[str, object]]],
    covariates: list[tuple[str, dict[str, str]]],
    min_k: int,
    alpha: float,
) -> dict[str, pd.DataFrame]:
    """Every table of this module for every analysis that pooled two or more studies.
    `subgroups`: per KQ, (name, level_of(study_id, comparison_id)); `covariates`: (name,
    study -> value)."""
    tables: dict[str, list] = {"sensitivity": [], "bias": [], "subgroups": [], "metareg": []}
    for analysis in analyses.to_dict("records"):
        studies = pooled_studies(estimates, analysis["analysis_id"])
        if len(studies) < 2 or not analysis["measure"]:
            continue
        tables["sensitivity"] += sensitivity(analysis, studies, method, worst, years)
        tables["bias"].append(small_study_effects(analysis, studies, method, min_k, alpha))
        for name, levels in subgroups.get(analysis["kq"], []):
            tables["subgroups"] += subgroup_rows(analysis, studies, name, levels, method)
        for name, values in covariates:
            tables["metareg"].append(metareg_row(analysis, studies, name, values, method))
    columns = {
        "sensitivity": SENSITIVITY_COLUMNS,
        "bias": BIAS_COLUMNS,
        "subgroups": SUBGROUP_COLUMNS,
        "metareg": METAREG_COLUMNS,
    }
    return {name: _table(rows, columns[name]) for name, rows in tables.items()}


def _table(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows as text: numbers with 6 significant digits (the same bytes on every machine)."""

    def text(value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float):
            return f"{value:.6g}"
        return str(value)

    return pd.DataFrame([[text(row.get(c)) for c in columns] for row in rows], columns=columns, dtype=str)
