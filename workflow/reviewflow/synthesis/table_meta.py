"""Quantitative synthesis: effect sizes (effects.py) and their pooling (pooling.py),
following metafor's conventions so that every number can be checked against it.

`meta()` takes a table in one of three shapes, with exactly these columns:
binary `study, events_1, total_1, events_2, total_2`; continuous `study, mean_1, sd_1,
n_1, mean_2, sd_2, n_2`; generic `study, yi, vi`. Group 1 is the first of each contrast.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ReviewflowError
from .effects import BINARY, CONTINUOUS, MEASURES, binary_effects, check_binary, continuous_effects
from .pooling import METHODS, RANDOM, inverse_variance, mantel_haenszel, peto

COLUMNS = {
    "binary": ["study", "events_1", "total_1", "events_2", "total_2"],
    "continuous": ["study", "mean_1", "sd_1", "n_1", "mean_2", "sd_2", "n_2"],
    "generic": ["study", "yi", "vi"],
}

__all__ = ["COLUMNS", "MEASURES", "METHODS", "meta", "meta_analyses"]
# Methods the analyses beyond pooling fit their mixed-effects models with (metafor's REML, or FE).
DEPTH_METHODS = ("FE", "REML")


def _kind(measure: str) -> str:
    return "binary" if measure in BINARY else "continuous" if measure in CONTINUOUS else "generic"


def _numbers(data: pd.DataFrame, columns: list[str], file: str) -> dict[str, np.ndarray]:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ReviewflowError(
            f"lacks the columns {', '.join(missing)}; expected {', '.join(columns)}", file=file, row=1
        )
    out = {"study": data["study"].astype(str).tolist()}
    for column in columns[1:]:
        values = pd.to_numeric(data[column], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise ReviewflowError(f"'{data[column].iloc[row - 2]}' is not a number", file=file, row=row, column=column)
        out[column] = values.to_numpy(dtype=float)
    return out


def meta(
    data: pd.DataFrame,
    measure: str,
    method: str,
    hksj: bool = False,
    file: str = "data",
    drop_double_zero: bool = False,
) -> dict:
    """The pooled estimate and heterogeneity of `data`, with each study's (yi, vi), on the
    analysis scale (log for RR and OR): the keys metafor's rma() reports. A study with no
    events in either group is kept, as metafor's escalc keeps it, unless
    `drop_double_zero` (RevMan's convention: left out of RR and OR)."""
    if measure not in MEASURES:
        raise ReviewflowError(f"unknown measure '{measure}'; allowed: {', '.join(MEASURES)}")
    if method not in METHODS:
        raise ReviewflowError(f"unknown method '{method}'; allowed: {', '.join(METHODS)}")
    if method == "MH" and measure not in BINARY or method == "PETO" and measure != "OR":
        raise ReviewflowError(f"method {method} is for {'RR, OR or RD' if method == 'MH' else 'OR'} only")
    if hksj and method not in RANDOM:
        raise ReviewflowError("--hksj adjusts a random-effects model (DL, REML or PM)")
    columns = COLUMNS[_kind(measure)]
    values = _numbers(data, columns, file)
    if len(values["study"]) == 0:
        raise ReviewflowError("holds no studies", file=file)
    try:
        pooled, yi, vi = _pool(measure, method, hksj, values, drop_double_zero)
    except ReviewflowError as error:
        raise error.located(file=file) from None
    result = pooled.as_dict()
    result.update(measure=measure, method=method, hksj=hksj, study=values["study"])
    result["yi"], result["vi"] = _listed(yi), _listed(vi)
    return {key: _clean(value) for key, value in result.items()}


def _pool(measure: str, method: str, hksj: bool, values: dict, drop_double_zero: bool = False):
    if _kind(measure) == "generic":
        yi, vi = values["yi"], values["vi"]
    elif _kind(measure) == "continuous":
        yi, vi = continuous_effects(measure, *(values[c] for c in COLUMNS["continuous"][1:]), values["study"])
    else:
        counts = [values[c] for c in COLUMNS["binary"][1:]]
        check_binary(*counts, values["study"])
        if method == "PETO":
            return peto(*counts)
        if method == "MH":  # rma.mh's observed outcomes leave double-zero studies out (drop00 = TRUE)
            yi, vi = binary_effects(measure, *counts, drop_double_zero=True, dropped_for=BINARY)
            return mantel_haenszel(measure, *counts, yi, vi), yi, vi
        yi, vi = binary_effects(measure, *counts, drop_double_zero=drop_double_zero)
        if np.isnan(yi).all():
            raise ReviewflowError("no study has events in one group only or both: nothing to pool")
    defined = ~np.isnan(yi)
    return inverse_variance(yi[defined], vi[defined], method, hksj), yi, vi


def meta_analyses(
    data: pd.DataFrame,
    measure: str,
    method: str,
    *,
    by: str | None = None,
    mods: str | None = None,
    order: str | None = None,
    bias: bool = False,
    leave_one_out: bool = False,
    **pooling,
) -> dict:
    """`meta()`'s keys (`pooling`: its hksj, file and drop_double_zero), `main`, and the
    analyses metafor users run after pooling, each as depth.py computes it: subgroups
    (`by`), meta-regression (`mods`), cumulative (`order`), small-study effects (`bias`)
    and leave one out, on the studies pooled."""
    from . import depth

    file = pooling.get("file", "data")
    result = meta(data, measure, method, **pooling)
    result["main"] = {key: result[key] for key in ("estimate", "ci_low", "ci_high", "tau2", "i2")}
    wanted = [name for name, given in (("--by", by), ("--mods", mods), ("--bias", bias)) if given]
    if wanted and method not in DEPTH_METHODS:
        raise ReviewflowError(
            f"{', '.join(wanted)} fit mixed-effects models by REML or FE, as metafor's regtest and mods do; "
            f"use --method REML or FE (not {method})"
        )
    pooled = [i for i, y in enumerate(result["yi"]) if y is not None]
    yi = np.array([result["yi"][i] for i in pooled])
    vi = np.array([result["vi"][i] for i in pooled])
    studies = [result["study"][i] for i in pooled]
    fit_method = method if method in ("FE", "DL", "REML", "PM") else "FE"
    if leave_one_out:
        result["leave_one_out"] = depth.leave_one_out(studies, yi, vi, fit_method)
    if order:
        values = _covariate(data, order, file, pooled, empty_allowed=False)
        result["cumulative"] = depth.cumulative(studies, yi, vi, values, fit_method)
    if by:
        groups = _labels(data, by, file, pooled)
        try:
            result["subgroups"] = depth.subgroups(yi, vi, groups, method)
        except ReviewflowError as error:
            raise error.located(file=file, column=by) from None
    if mods:
        values = _covariate(data, mods, file, pooled, empty_allowed=True)
        present = ~np.isnan(values)
        result["metareg"] = {
            **depth.metareg(yi[present], vi[present], values[present], mods, method),
            "left_out": int((~present).sum()),
        }
    if bias:
        try:
            result["bias"] = depth.small_study_effects(yi, vi, method)
            result["bias"]["trimfill"].pop("filled")  # drawn in the workflow's funnel plots, not a key of the JSON
        except ReviewflowError as error:
            raise error.located(file=file) from None
    return {key: _clean(value) for key, value in result.items()}


def _column(data: pd.DataFrame, column: str, file: str) -> pd.Series:
    if column not in data.columns:
        raise ReviewflowError(
            f"has no column '{column}'; its columns: {', '.join(map(str, data.columns))}", file=file, row=1
        )
    return data[column].astype(str).str.strip().replace({"nan": ""})


def _labels(data: pd.DataFrame, column: str, file: str, rows: list[int]) -> list[str]:
    """The subgroup of each pooled study; an empty cell is an error naming its row."""
    values = _column(data, column, file)
    for index in rows:
        if not values.iloc[index]:
            raise ReviewflowError("is empty; every study needs its subgroup", file=file, row=index + 2, column=column)
    return [values.iloc[i] for i in rows]


def _covariate(data: pd.DataFrame, column: str, file: str, rows: list[int], empty_allowed: bool) -> np.ndarray:
    """A numeric column of the pooled studies: NaN where empty (if allowed), an error
    naming the row where a cell is not a number."""
    values = _column(data, column, file)
    out = []
    for index in rows:
        text = values.iloc[index]
        if not text:
            if not empty_allowed:
                raise ReviewflowError("is empty; every study needs a value", file=file, row=index + 2, column=column)
            out.append(math.nan)
            continue
        try:
            out.append(float(text))
        except ValueError:
            raise ReviewflowError(f"'{text}' is not a number", file=file, row=index + 2, column=column) from None
    return np.array(out, dtype=float)


def _listed(values) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.floating | np.integer):
        return _clean(value.item())
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value
