"""Analyses: the structured results of one key question, comparison group, intervention,
outcome domain and timepoint category, each study's estimate and, from two studies on,
their pooled estimate.

Rules, stated in the report's methods:
- one result per study: a study with several comparisons or measures in one analysis
  contributes its first one in the outcomes sheet's order that the analysis can use;
- continuous results pool as MD when every study uses one measure, else as SMD (with
  the sign of measures where higher is better reversed, so that below 0 always means
  lower with the first arm); binary results pool as the configured ratio or difference;
  the kind with more studies is the analysis's kind;
- a reported between-arm effect is used when arm-level data are missing and its measure
  is the analysis's measure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .effects import RATIOS, binary_effects, continuous_effects
from .pooling import inverse_variance
from .results import effect_on_analysis_scale

UNIT = ["kq", "kq_group", "intervention", "outcome", "timepoint"]
CONTINUOUS_KINDS = ("MD", "SMD")

ESTIMATE_COLUMNS = [
    "analysis_id",
    *UNIT,
    "study_id",
    "label",
    "comparison_id",
    "measure_reported",
    "timepoint_reported",
    "participants",
    "yi",
    "vi",
    "estimate",
    "ci_low",
    "ci_high",
    "weight",
    "pooled",
    "reason",
    "illustrative",
    "source",
]
ANALYSIS_COLUMNS = [
    "analysis_id",
    *UNIT,
    "measure",
    "better",
    "note",
    "method",
    "k",
    "n_studies",
    "participants",
    "control_risk",
    "estimate",
    "ci_low",
    "ci_high",
    "pi_low",
    "pi_high",
    "tau2",
    "i2",
    "q",
    "q_p",
    "studies_below_null",
    "studies_above_null",
    "illustrative",
]


@dataclass(frozen=True)
class Settings:
    """The config's `synthesis` section with its defaults."""

    method: str = "REML"
    hksj: bool = False
    continuous_measure: str = "auto"
    binary_measure: str = "RR"
    smd_mid: float = 0.5
    ratio_mid: float = 1.25
    rd_mid: float = 0.05
    optimal_information_size: int = 400
    i2_inconsistent: float = 50.0
    double_zero: str = "keep"  # keep (metafor's escalc default) or drop (RevMan: out of RR and OR)
    small_study_min_k: int = 10  # the Cochrane Handbook's advice
    small_study_alpha: float = 0.1
    metaregression: tuple = ()
    certainty: str = "ahrq-soe"  # a file of certainty_systems/: ahrq-soe or grade
    assumed_risks: dict = field(default_factory=dict)  # outcome domain -> assumed control risk
    measures: dict = field(default_factory=dict)

    @classmethod
    def from_config(cls, section: dict | None) -> Settings:
        section = dict(section or {})
        measures = {m["name"]: m for m in section.pop("measures", [])}
        covariates = tuple(section.pop("metaregression", ()))
        risks = {r["outcome"]: r["risk"] for r in section.pop("assumed_risks", [])}
        return cls(**section, measures=measures, metaregression=covariates, assumed_risks=risks)

    def better(self, measure: str) -> str:
        return self.measures.get(measure, {}).get("better", "")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "all"


def analysis_id(unit: tuple) -> str:
    return "-".join(slug(str(part)) for part in unit)


def run_analyses(results: pd.DataFrame, settings: Settings, extra_units: list[tuple] = ()) -> tuple:
    """(analyses, estimates): one row per analysis, one per study result in each."""
    units = {key: frame for key, frame in results.groupby(UNIT, sort=True)}
    for unit in extra_units:  # e.g. a strength-of-evidence row across every intervention
        if unit not in units:
            kq, group, intervention, outcome, timepoint = unit
            chosen = results[
                (results["kq"] == kq)
                & (results["kq_group"] == group)
                & (results["outcome"] == outcome)
                & (results["timepoint"] == timepoint)
                & ((results["intervention"] == intervention) | (intervention == ""))
            ]
            units[unit] = chosen
    analyses, estimates = [], []
    for unit in sorted(units):
        summary, rows = analyse(unit, units[unit], settings)
        analyses.append(summary)
        estimates.extend(rows)
    return (
        pd.DataFrame(analyses, columns=ANALYSIS_COLUMNS).astype(object).fillna(""),
        pd.DataFrame(estimates, columns=ESTIMATE_COLUMNS).astype(object).fillna(""),
    )


def _measure_of(frame: pd.DataFrame, settings: Settings) -> str:
    """The analysis's measure: of the kinds of data (continuous, binary, hazard ratios) the
    one most studies give, ties going to that order."""
    continuous = frame[(frame["kind"] == "continuous") | frame["effect_measure"].isin(CONTINUOUS_KINDS)]
    binary = frame[(frame["kind"] == "binary") | frame["effect_measure"].isin(("RR", "OR", "RD"))]
    hazard = frame[frame["effect_measure"] == "HR"]
    counts = [part["study_id"].nunique() for part in (continuous, binary, hazard)]
    if max(counts) == 0:
        return ""
    kind = counts.index(max(counts))
    if kind == 1:
        return settings.binary_measure
    if kind == 2:
        return "HR"
    if settings.continuous_measure != "auto":
        return settings.continuous_measure
    return "MD" if continuous.drop_duplicates("study_id")["measure"].nunique() == 1 else "SMD"


def _usable(row: dict, measure: str) -> bool:
    if measure == "HR":
        return row["effect_measure"] == "HR"
    if measure in CONTINUOUS_KINDS:
        return row["kind"] == "continuous" or row["effect_measure"] == measure
    return row["kind"] == "binary" or row["effect_measure"] == measure


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts of its own values: what `to_dict("records")` gives for an
    object frame, without boxing each cell again (a third of an analysis's time at k = 5,000)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def analyse(unit: tuple, frame: pd.DataFrame, settings: Settings) -> tuple[dict, list[dict]]:
    """One analysis: which result of each study it uses, their estimates, the pooled one."""
    ident = analysis_id(unit)
    frame = frame.astype(object).fillna("").sort_values(["order", "comparison_id"], kind="stable")
    measure = _measure_of(frame, settings)
    rows_in = records(frame)
    chosen: dict[str, dict] = {}
    for row in rows_in:
        if row["study_id"] not in chosen and measure and _usable(row, measure):
            chosen[row["study_id"]] = row
    md_measure = next(iter(chosen.values()))["measure"] if measure == "MD" and chosen else ""
    betters = {settings.better(r["measure"]) for r in chosen.values()}
    effects = _study_effects(rows_in, chosen, measure, md_measure, settings, len(betters) > 1)
    rows, used = [], []
    for row, (reason, yi, vi) in zip(rows_in, effects):
        estimate = {
            "analysis_id": ident,
            **dict(zip(UNIT, unit)),
            "study_id": row["study_id"],
            "label": row["label"],
            "comparison_id": row["comparison_id"],
            "measure_reported": row["measure"],
            "timepoint_reported": row["timepoint_reported"],
            "participants": row["participants"],
            "pooled": "no" if reason else "yes",
            "reason": reason,
            "illustrative": row["illustrative"],
            "source": row["source"],
        }
        if yi is not None:
            low, high = yi - 1.959963984540054 * math.sqrt(vi), yi + 1.959963984540054 * math.sqrt(vi)
            estimate.update(yi=yi, vi=vi, **_natural(measure, yi, low, high))
        if not reason:
            used.append(estimate)
        rows.append(estimate)
    summary = _pooled(ident, unit, measure, md_measure, used, frame, settings, betters)
    if measure in ("RR", "OR", "RD"):  # the median control-group risk, for absolute effects per 1,000
        used_ids = {(e["study_id"], e["comparison_id"]) for e in used}
        risks = [
            float(r["events_2"]) / float(r["total_2"])
            for r in rows_in
            if (r["study_id"], r["comparison_id"]) in used_ids and r["kind"] == "binary" and float(r["total_2"] or 0)
        ]
        summary["control_risk"] = rounded(float(np.median(risks))) if risks else ""
    if used and summary.get("tau2", "") != "":
        weights = np.array([1 / (e["vi"] + float(summary["tau2"])) for e in used])
        for estimate, weight in zip(used, weights / weights.sum() * 100):
            estimate["weight"] = round(float(weight), 1)
    for estimate in rows:
        for key in ("yi", "vi", "estimate", "ci_low", "ci_high"):
            if key in estimate:
                estimate[key] = rounded(estimate[key])
    return summary, rows


CONTINUOUS_FIELDS = ("mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2")
BINARY_FIELDS = ("events_1", "total_1", "events_2", "total_2")


def _study_effects(rows, chosen, measure, md_measure, settings, mixed_direction) -> list[tuple]:
    """(reason it is not pooled, yi, vi) of each row, in order. The rules are decided row by
    row (`_screen`); the effect sizes of the rows that need them are computed in one call
    per kind, so an analysis of thousands of studies costs array operations, not calls."""
    screened = [_screen(row, chosen, measure, md_measure, settings, mixed_direction) for row in rows]
    out: list[tuple] = [(reason, None, None) if reason else None for reason, _ in screened]
    for kind, fields in (("continuous", CONTINUOUS_FIELDS), ("binary", BINARY_FIELDS)):
        wanted = [i for i, (reason, _) in enumerate(screened) if not reason and rows[i]["kind"] == kind]
        if not wanted:
            continue
        values = [np.array([float(rows[i][c]) for i in wanted]) for c in fields]
        if kind == "continuous":
            yi, vi = continuous_effects(measure, *values, [rows[i]["study_id"] for i in wanted])
        else:
            yi, vi = binary_effects(measure, *values, drop_double_zero=settings.double_zero == "drop")
        for i, y, v in zip(wanted, yi.tolist(), vi.tolist()):
            if kind == "binary" and math.isnan(y):
                out[i] = ("no events in either arm (or only events in both): left out, as RevMan does", None, None)
            else:
                out[i] = ("", screened[i][1] * y, v)
    for i, (_, sign) in enumerate(screened):
        if out[i] is None:  # a reported effect
            row = rows[i]
            yi, vi = effect_on_analysis_scale(
                row["effect_measure"], *(float(row[c]) for c in ("effect", "ci_low", "ci_high"))
            )
            out[i] = ("", sign * yi, vi)
    return out


# Why a study result is not pooled when a number has to be added to pool it (status.py says so).
NO_NUMBERS = "no numeric result in any study of this analysis"
WORDS_ONLY = "reported in words only"


def _screen(row, chosen, measure, md_measure, settings, mixed_direction) -> tuple[str, float]:
    """(reason a row is not pooled, or ''; the sign its effect takes)."""
    if not measure:
        return NO_NUMBERS, 1.0
    if chosen.get(row["study_id"]) is not row:
        if row["kind"] == "text":
            return WORDS_ONLY, 1.0
        return "the study's result is taken from another comparison, measure or timepoint", 1.0
    if md_measure and row["measure"] != md_measure:
        return f"measured on another scale than {md_measure}", 1.0
    sign = 1.0
    if measure == "SMD" and mixed_direction:
        better = settings.better(row["measure"])
        if not better:
            return "the measure's better direction is not declared (synthesis.measures)", 1.0
        sign = -1.0 if better == "higher" else 1.0
    if row["kind"] == "continuous" and measure == "SMD" and float(row["sd_1"]) == 0 and float(row["sd_2"]) == 0:
        return "both standard deviations are 0", 1.0
    return "", sign


def _natural(measure: str, yi: float, low: float, high: float) -> dict:
    if measure in RATIOS:
        return {"estimate": math.exp(yi), "ci_low": math.exp(low), "ci_high": math.exp(high)}
    return {"estimate": yi, "ci_low": low, "ci_high": high}


def rounded(value) -> str:
    """Numbers as text with 6 significant digits: the same bytes on every machine."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):.6g}"


def _pooled(ident, unit, measure, md_measure, used, frame, settings, betters) -> dict:
    participants = [int(e["participants"]) for e in used if e["participants"] != ""]
    summary = {
        "analysis_id": ident,
        **dict(zip(UNIT, unit)),
        "measure": measure,
        "better": next(iter(betters)) if len(betters) == 1 else ("lower" if measure == "SMD" and betters else ""),
        "note": _note(measure, md_measure, betters),
        "k": len(used),
        "n_studies": frame["study_id"].nunique(),
        "participants": sum(participants) if participants else "",
        "illustrative": "all" if any(e["illustrative"] for e in used) else "",
    }
    if not used:
        return {**summary, "method": ""}
    yi = np.array([e["yi"] for e in used])
    vi = np.array([e["vi"] for e in used])
    summary["studies_below_null"] = str(int(np.sum(yi < 0)))  # yi is on the log scale for ratios
    summary["studies_above_null"] = str(int(np.sum(yi > 0)))
    if len(used) == 1:
        low, high = yi[0] - 1.959963984540054 * math.sqrt(vi[0]), yi[0] + 1.959963984540054 * math.sqrt(vi[0])
        summary.update(method="single study", tau2=0.0, **_natural(measure, float(yi[0]), low, high))
    else:
        pooled = inverse_variance(yi, vi, settings.method, settings.hksj)
        summary.update(
            method=settings.method + (" (HKSJ)" if settings.hksj else ""),
            tau2=pooled.tau2,
            i2=pooled.i2,
            q=pooled.q,
            q_p=pooled.q_p,
            **_natural(measure, pooled.estimate, pooled.ci_low, pooled.ci_high),
        )
        if pooled.pi_low is not None:
            interval = _natural(measure, pooled.estimate, pooled.pi_low, pooled.pi_high)
            summary.update(pi_low=interval["ci_low"], pi_high=interval["ci_high"])
    for key in ("estimate", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2", "q", "q_p"):
        summary[key] = rounded(summary.get(key))
    return summary


def _note(measure: str, md_measure: str, betters: set[str]) -> str:
    if measure == "MD":
        return f"mean difference on {md_measure}"
    if measure == "SMD" and len(betters) > 1:
        return "standardised mean difference (Hedges' g); signs of measures where higher is better reversed"
    if measure == "SMD":
        return "standardised mean difference (Hedges' g)"
    return {"RR": "risk ratio", "OR": "odds ratio", "RD": "risk difference", "HR": "hazard ratio"}.get(measure, "")
