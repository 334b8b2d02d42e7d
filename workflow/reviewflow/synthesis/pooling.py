"""Pooling effect sizes, as metafor's rma(), rma.mh() and rma.peto() report them.

Written here rather than taken from a library because one set of conventions must hold
for every method: statsmodels' combine_effects offers the inverse-variance common effect
and the DerSimonian-Laird and Paule-Mandel random effects, but not REML, Mantel-Haenszel
(with the Robins-Breslow-Greenland, Greenland-Robins and Sato-Greenland-Robins variances), Peto, or metafor's
Hartung-Knapp-Sidik-Jonkman adjustment (not truncated at 1) and prediction interval.
scipy gives the distributions and the root finder. Each function returns a Pooled; the
tests compare every field with metafor's output to a relative 1e-4.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import optimize, stats

from ..errors import ReviewflowError
from ..names import METHODS, RANDOM  # noqa: F401 (re-exported)
from .effects import cells, uninformative


@dataclass(frozen=True)
class Pooled:
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    q: float
    q_df: int
    q_p: float
    pi_low: float | None
    pi_high: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def heterogeneity(yi: np.ndarray, vi: np.ndarray) -> tuple[float, int, float]:
    """Cochran's Q with the inverse-variance weights, its df and chi-square p value."""
    w = 1 / vi
    fixed = np.sum(w * yi) / np.sum(w)
    q = float(np.sum(w * (yi - fixed) ** 2))
    df = len(yi) - 1
    return q, df, float(stats.chi2.sf(q, df)) if df > 0 else float("nan")


def i2_from_q(q: float, df: int) -> float:
    return max(0.0, (q - df) / q) * 100 if q > 0 else 0.0


def inverse_variance(yi, vi, method: str = "FE", hksj: bool = False, level: float = 0.95) -> Pooled:
    """Common effect (FE) or random effects (DL, REML, PM) pooling of (yi, vi)."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    k = len(yi)
    if k == 0:
        raise ReviewflowError("no study gives data to pool")
    if np.any(vi <= 0):
        raise ReviewflowError("every study needs a positive sampling variance")
    if method in RANDOM and k < 2:
        raise ReviewflowError(f"a random-effects model ({method}) needs at least two studies")
    q, df, q_p = heterogeneity(yi, vi)
    tau2 = {"FE": lambda: 0.0, "DL": lambda: tau2_dl(yi, vi), "REML": lambda: tau2_reml(yi, vi)}.get(
        method, lambda: tau2_pm(yi, vi)
    )()
    w = 1 / (vi + tau2)
    estimate = float(np.sum(w * yi) / np.sum(w))
    se = float(np.sqrt(1 / np.sum(w)))
    crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    if hksj and method in RANDOM:
        se *= float(np.sqrt(np.sum(w * (yi - estimate) ** 2) / (k - 1)))
        crit = float(stats.t.ppf(1 - (1 - level) / 2, k - 1))
    if method == "FE":
        i2, pi = i2_from_q(q, df), (None, None)
    else:
        w0 = 1 / vi
        typical = (k - 1) * np.sum(w0) / (np.sum(w0) ** 2 - np.sum(w0**2))
        i2 = float(100 * tau2 / (tau2 + typical))
        half = crit * np.sqrt(se**2 + tau2)
        pi = (estimate - half, estimate + half)
    return Pooled(k, estimate, se, estimate - crit * se, estimate + crit * se, tau2, i2, q, df, q_p, *pi)


def tau2_dl(yi: np.ndarray, vi: np.ndarray) -> float:
    w = 1 / vi
    q, df, _ = heterogeneity(yi, vi)
    return max(0.0, (q - df) / (np.sum(w) - np.sum(w**2) / np.sum(w)))


def _generalised_q(tau2: float, yi: np.ndarray, vi: np.ndarray) -> float:
    w = 1 / (vi + tau2)
    mu = np.sum(w * yi) / np.sum(w)
    return float(np.sum(w * (yi - mu) ** 2))


def tau2_pm(yi: np.ndarray, vi: np.ndarray) -> float:
    """Paule-Mandel: the tau2 at which the generalised Q equals k - 1."""
    df = len(yi) - 1
    if _generalised_q(0.0, yi, vi) <= df:
        return 0.0
    upper = max(float(np.var(yi)) * 10, 1.0)
    while _generalised_q(upper, yi, vi) > df:
        upper *= 10
    return float(optimize.brentq(lambda t: _generalised_q(t, yi, vi) - df, 0.0, upper, xtol=1e-15, rtol=1e-14))


def tau2_reml(yi: np.ndarray, vi: np.ndarray, tolerance: float = 1e-12, steps: int = 1000) -> float:
    """REML by Fisher scoring from the DL value, truncated at 0, as metafor iterates it."""
    tau2 = tau2_dl(yi, vi)
    for _ in range(steps):
        # P = W - w w'/sum(w); its traces and P y in closed form, so a step costs O(k), not O(k^3)
        w = 1 / (vi + tau2)
        total = np.sum(w)
        py = w * (yi - np.sum(w * yi) / total)
        trace_p = total - np.sum(w**2) / total
        trace_pp = np.sum(w**2) - 2 * np.sum(w**3) / total + (np.sum(w**2) / total) ** 2
        step = (py @ py - trace_p) / trace_pp
        updated = max(0.0, tau2 + step)
        if abs(updated - tau2) < tolerance:
            return updated
        tau2 = updated
    return tau2


def mantel_haenszel(measure: str, events_1, total_1, events_2, total_2, yi, vi, level: float = 0.95) -> Pooled:
    """Mantel-Haenszel pooling of RR, OR or RD from the uncorrected counts."""
    a, b, c, d = cells(events_1, total_1, events_2, total_2)
    n1, n2 = a + b, c + d
    n = n1 + n2
    if measure == "OR":
        r, s = a * d / n, b * c / n
        if np.sum(r) == 0 or np.sum(s) == 0:
            raise ReviewflowError("the Mantel-Haenszel odds ratio is undefined: no discordant cells in any study")
        estimate = np.log(np.sum(r) / np.sum(s))
        p, q_ = (a + d) / n, (b + c) / n
        variance = (
            np.sum(p * r) / (2 * np.sum(r) ** 2)
            + np.sum(p * s + q_ * r) / (2 * np.sum(r) * np.sum(s))
            + np.sum(q_ * s) / (2 * np.sum(s) ** 2)
        )
    elif measure == "RR":
        r, s = a * n2 / n, c * n1 / n
        if np.sum(r) == 0 or np.sum(s) == 0:
            raise ReviewflowError("the Mantel-Haenszel risk ratio is undefined: no events in one group of every study")
        estimate = np.log(np.sum(r) / np.sum(s))
        variance = np.sum((n1 * n2 * (a + c) - a * c * n) / n**2) / (np.sum(r) * np.sum(s))
    else:  # the Sato-Greenland-Robins variance, as rma.mh uses: it holds for sparse data
        weights = n1 * n2 / n
        estimate = np.sum((a * n2 - c * n1) / n) / np.sum(weights)
        p1, p2 = n1 / n, n2 / n
        variance = (
            estimate * np.sum(c * p1**2 - a * p2**2 + p1 * p2 * (n2 - n1) / 2)
            + np.sum(a * (n2 - c) / n + c * (n1 - a) / n) / 2
        ) / np.sum(weights) ** 2
    return _one_step(float(estimate), float(np.sqrt(variance)), yi, vi, level)


def peto(events_1, total_1, events_2, total_2, level: float = 0.95) -> tuple[Pooled, np.ndarray, np.ndarray]:
    """Peto's one-step log odds ratio, and each study's (O - E)/V and 1/V."""
    a, b, c, d = cells(events_1, total_1, events_2, total_2)
    n1, n2 = a + b, c + d
    n = n1 + n2
    observed, expected = a, n1 * (a + c) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = n1 * n2 * (a + c) * (b + d) / (n**2 * (n - 1))
    informative = ~uninformative(events_1, total_1, events_2, total_2) & (variance > 0)
    if not informative.any():
        raise ReviewflowError("Peto's odds ratio is undefined: no study has events in one group only or both")
    o_e, v = (observed - expected)[informative], variance[informative]
    estimate, se = float(np.sum(o_e) / np.sum(v)), float(1 / np.sqrt(np.sum(v)))
    yi = np.full(len(a), np.nan)
    vi = np.full(len(a), np.nan)
    yi[informative], vi[informative] = o_e / v, 1 / v
    q = float(np.sum(o_e**2 / v) - np.sum(o_e) ** 2 / np.sum(v))
    pooled = _one_step(estimate, se, yi, vi, level, q=q)
    return pooled, yi, vi


def _one_step(estimate: float, se: float, yi, vi, level: float, q: float | None = None) -> Pooled:
    """A pooled estimate of all k studies, with Q and I2 over those whose (yi, vi) are defined."""
    defined = ~np.isnan(np.asarray(yi, dtype=float))
    k = len(defined)
    y, v = np.asarray(yi)[defined], np.asarray(vi)[defined]
    if q is None:
        q = float(np.sum((y - estimate) ** 2 / v))
    df = int(defined.sum()) - 1
    q_p = float(stats.chi2.sf(q, df)) if df > 0 else float("nan")
    crit = float(stats.norm.ppf(1 - (1 - level) / 2))
    return Pooled(
        k, estimate, se, estimate - crit * se, estimate + crit * se, 0.0, i2_from_q(q, df), q, df, q_p, None, None
    )
