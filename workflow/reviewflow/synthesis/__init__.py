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

__all__ = ["COLUMNS", "MEASURES", "METHODS", "meta"]


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


def meta(data: pd.DataFrame, measure: str, method: str, hksj: bool = False, file: str = "data") -> dict:
    """The pooled estimate and heterogeneity of `data`, with each study's (yi, vi), on the
    analysis scale (log for RR and OR): the keys metafor's rma() reports."""
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
        pooled, yi, vi = _pool(measure, method, hksj, values)
    except ReviewflowError as error:
        raise error.located(file=file) from None
    result = pooled.as_dict()
    result.update(measure=measure, method=method, hksj=hksj, study=values["study"])
    result["yi"], result["vi"] = _listed(yi), _listed(vi)
    return {key: _clean(value) for key, value in result.items()}


def _pool(measure: str, method: str, hksj: bool, values: dict):
    if _kind(measure) == "generic":
        yi, vi = values["yi"], values["vi"]
    elif _kind(measure) == "continuous":
        yi, vi = continuous_effects(measure, *(values[c] for c in COLUMNS["continuous"][1:]), values["study"])
    else:
        counts = [values[c] for c in COLUMNS["binary"][1:]]
        check_binary(*counts, values["study"])
        if method == "PETO":
            return peto(*counts)
        yi, vi = binary_effects(measure, *counts)
        if method == "MH":
            return mantel_haenszel(measure, *counts, yi, vi), yi, vi
        if np.isnan(yi).all():
            raise ReviewflowError("no study has events in one group only or both: nothing to pool")
    defined = ~np.isnan(yi)
    return inverse_variance(yi[defined], vi[defined], method, hksj), yi, vi


def _listed(values) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value
