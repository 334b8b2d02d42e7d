"""Effect sizes of two-group comparisons, with their sampling variances, as metafor's
escalc() computes them: RR and OR on the log scale, RD, MD and SMD (Hedges' g with the
exact small-sample correction). A study with a zero cell gets 1/2 added to each of its
four cells (escalc's add = 1/2, to = "only0"). A study with no events in either group,
or only events in both, is kept so, as escalc keeps it by default (drop00 = FALSE);
RevMan's convention leaves it out of RR and OR analyses (`drop_double_zero`).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from ..errors import ReviewflowError
from ..names import BINARY, CONTINUOUS, MEASURES  # noqa: F401 (re-exported: the synthesis names them here)

LOG_SCALE = ("RR", "OR")
# Measures pooled and drawn on the log scale: the two above and reported hazard ratios.
RATIOS = (*LOG_SCALE, "HR")


def cells(events_1, total_1, events_2, total_2) -> tuple[np.ndarray, ...]:
    """(a, b, c, d): events and non-events of each group, as floats."""
    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (events_1, total_1, events_2, total_2))
    return a, n1 - a, c, n2 - c


def check_binary(events_1, total_1, events_2, total_2, labels: list[str]) -> None:
    for label, e1, t1, e2, t2 in zip(labels, events_1, total_1, events_2, total_2):
        if min(e1, t1, e2, t2) < 0:
            raise ReviewflowError(f"study '{label}': counts cannot be negative")
        if e1 > t1 or e2 > t2:
            raise ReviewflowError(f"study '{label}': more events than participants in a group")
        if t1 == 0 or t2 == 0:
            raise ReviewflowError(f"study '{label}': a group has no participants")


def binary_effects(
    measure: str, events_1, total_1, events_2, total_2, drop_double_zero: bool = False, dropped_for=LOG_SCALE
) -> tuple[np.ndarray, np.ndarray]:
    """(yi, vi) per study. With `drop_double_zero`, NaN for a study with no events in
    either group or only events in both, when the measure is one of `dropped_for`: RR and
    OR by RevMan's convention; every measure for the observed outcomes of metafor's
    rma.mh (its drop00 = TRUE)."""
    a, b, c, d = cells(events_1, total_1, events_2, total_2)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    a, b, c, d = (np.where(zero, x + 0.5, x) for x in (a, b, c, d))
    n1, n2 = a + b, c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi = np.log((a / n1) / (c / n2))
            vi = 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi = np.log((a * d) / (b * c))
            vi = 1 / a + 1 / b + 1 / c + 1 / d
        else:  # RD
            p1, p2 = a / n1, c / n2
            yi = p1 - p2
            vi = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if drop_double_zero and measure in dropped_for:
        undefined = uninformative(events_1, total_1, events_2, total_2)
        yi, vi = np.where(undefined, np.nan, yi), np.where(undefined, np.nan, vi)
    return yi, vi


def uninformative(events_1, total_1, events_2, total_2) -> np.ndarray:
    """Studies with no events in either group, or only events in both."""
    a, b, c, d = cells(events_1, total_1, events_2, total_2)
    return ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))


def continuous_effects(measure: str, mean_1, sd_1, n_1, mean_2, sd_2, n_2, labels: list[str]):
    """(yi, vi) per study: raw mean difference, or Hedges' g."""
    m1, s1, n1, m2, s2, n2 = (np.asarray(x, dtype=float) for x in (mean_1, sd_1, n_1, mean_2, sd_2, n_2))
    for label, sd_a, sd_b, size_a, size_b in zip(labels, s1, s2, n1, n2):
        if sd_a < 0 or sd_b < 0:
            raise ReviewflowError(f"study '{label}': a standard deviation cannot be negative")
        if size_a < 1 or size_b < 1 or (measure == "SMD" and size_a + size_b < 3):
            raise ReviewflowError(f"study '{label}': too few participants for a {measure}")
    if measure == "MD":
        return m1 - m2, s1**2 / n1 + s2**2 / n2
    df = n1 + n2 - 2
    pooled = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / df)
    if np.any(pooled == 0):
        raise ReviewflowError("a study has both standard deviations 0: its SMD is undefined")
    correction = np.exp(gammaln(df / 2) - np.log(np.sqrt(df / 2)) - gammaln((df - 1) / 2))
    g = correction * (m1 - m2) / pooled
    return g, 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2))
