"""What a methods section runs after the pooled estimate, as metafor computes it:
meta-regression and subgroups (mixed-effects models), sensitivity (leave one out,
cumulative) and small-study effects (Egger's regression test with its limit
estimate, Begg's rank correlation, trim and fill).

Written here because no Python library fits mixed-effects meta-analytic models by
REML with metafor's conventions (statsmodels has weighted least squares and the
intercept-only random-effects estimators, not a REML tau^2 with moderators, nor
trim and fill); scipy gives the distributions and Kendall's tau. Every function
works on the analysis scale (log for ratios) and is checked against metafor 3.8
(`make bench-meta`, the shared meta_depth set) to 1e-4 relative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..errors import ReviewflowError
from .pooling import inverse_variance

Z95 = float(stats.norm.ppf(0.975))
TOLERANCE = 1e-12  # REML iterated as metafor is with control = list(threshold = 1e-12)


@dataclass(frozen=True)
class Mixed:
    """A mixed-effects (or, with one column of ones, random-effects) fit."""

    beta: np.ndarray
    vb: np.ndarray
    tau2: float
    i2: float

    def term(self, index: int) -> dict:
        se = float(np.sqrt(self.vb[index, index]))
        estimate = float(self.beta[index])
        z = estimate / se
        return {
            "estimate": estimate,
            "se": se,
            "ci_low": estimate - Z95 * se,
            "ci_high": estimate + Z95 * se,
            "z": z,
            "p": float(2 * stats.norm.sf(abs(z))),
        }

    def qm(self) -> tuple[float, int, float]:
        """The Wald test of every coefficient but the intercept."""
        b, v = self.beta[1:], self.vb[1:, 1:]
        qm = float(b @ np.linalg.solve(v, b))
        return qm, len(b), float(stats.chi2.sf(qm, len(b)))


def _projection(vi: np.ndarray, X: np.ndarray, tau2: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W, (X'WX)^-1 and P = W - W X (X'WX)^-1 X'W."""
    w = 1 / (vi + tau2)
    xtwx_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    wx = w[:, None] * X
    return w, xtwx_inv, np.diag(w) - wx @ xtwx_inv @ wx.T


def mixed_fit(yi, vi, X, method: str = "REML") -> Mixed:
    """metafor's rma(yi, vi, mods = X, intercept = FALSE, method = method) for REML (Fisher
    scoring from the method-of-moments value, tau^2 kept at or above 0) or FE (tau^2 0)."""
    yi, vi, X = np.asarray(yi, float), np.asarray(vi, float), np.asarray(X, float)
    k, p = X.shape
    if k <= p:
        raise ReviewflowError(f"{k} studies cannot estimate {p} coefficients and the heterogeneity")
    _, _, p0 = _projection(vi, X, 0.0)
    tau2 = max(0.0, (float(yi @ p0 @ yi) - (k - p)) / float(np.trace(p0))) if method == "REML" else 0.0
    for _ in range(10_000 if method == "REML" else 0):
        _, _, proj = _projection(vi, X, tau2)
        py = proj @ yi
        step = (float(py @ py) - float(np.trace(proj))) / float(np.sum(proj * proj))
        updated = max(0.0, tau2 + step)
        if abs(updated - tau2) < TOLERANCE:
            tau2 = updated
            break
        tau2 = updated
    w, xtwx_inv, _ = _projection(vi, X, tau2)
    beta = xtwx_inv @ (X.T @ (w * yi))
    typical = (k - p) / float(np.trace(p0))  # metafor's "typical" within-study variance
    return Mixed(beta, xtwx_inv, tau2, 100 * tau2 / (tau2 + typical))


def _ones(k: int) -> np.ndarray:
    return np.ones((k, 1))


def main_fit(yi, vi, method: str = "REML") -> dict:
    """The fit by `method`; one study is its own estimate, tau^2 0, as metafor fits it."""
    fit = inverse_variance(yi, vi, method if len(yi) > 1 else "FE")
    return {"estimate": fit.estimate, "ci_low": fit.ci_low, "ci_high": fit.ci_high, "tau2": fit.tau2, "i2": fit.i2}


def leave_one_out(studies: list[str], yi, vi, method: str = "REML") -> list[dict]:
    """Each study left out in turn (metafor's leave1out)."""
    yi, vi = np.asarray(yi, float), np.asarray(vi, float)
    out = []
    for index, study in enumerate(studies):
        keep = np.arange(len(yi)) != index
        out.append({"study": study, **main_fit(yi[keep], vi[keep], method)})
    return out


def cumulative(studies: list[str], yi, vi, order, method: str = "REML") -> list[dict]:
    """Studies added one at a time in ascending `order`, ties in file order (metafor's cumul)."""
    yi, vi = np.asarray(yi, float), np.asarray(vi, float)
    ranks = np.argsort(np.asarray(order, float), kind="stable")
    out = []
    for count in range(1, len(ranks) + 1):
        chosen = ranks[:count]
        fit = main_fit(yi[chosen], vi[chosen], method)
        out.append({"study": studies[ranks[count - 1]], **{k: fit[k] for k in ("estimate", "ci_low", "ci_high")}})
    return out


def subgroups(yi, vi, groups: list[str], method: str = "REML") -> dict:
    """A separate random-effects fit per subgroup (a one-study subgroup is its own
    estimate, tau^2 0); the test for subgroup differences as RevMan computes it (a
    common-effect Q over the subgroup estimates); and the mixed-effects test with one
    common tau^2 (metafor's rma(yi, vi, mods = ~ factor(group)))."""
    yi, vi, labels = np.asarray(yi, float), np.asarray(vi, float), np.asarray(groups, dtype=object)
    names = sorted(set(groups))
    if len(names) < 2:
        raise ReviewflowError(f"has one subgroup only ('{names[0]}'); a comparison needs two or more")
    found, estimates, variances = [], [], []
    for name in names:
        mine = labels == name
        if mine.sum() == 1:
            estimate, se, tau2 = float(yi[mine][0]), float(np.sqrt(vi[mine][0])), 0.0
        else:
            fit = inverse_variance(yi[mine], vi[mine], method)
            estimate, se, tau2 = fit.estimate, fit.se, fit.tau2
        found.append(
            {
                "name": name,
                "k": int(mine.sum()),
                "estimate": estimate,
                "ci_low": estimate - Z95 * se,
                "ci_high": estimate + Z95 * se,
                "tau2": tau2,
            }
        )
        estimates.append(estimate)
        variances.append(se**2)
    e, w = np.asarray(estimates), 1 / np.asarray(variances)
    q_between = float(np.sum(w * (e - np.sum(w * e) / np.sum(w)) ** 2))
    df = len(names) - 1
    X = np.column_stack([np.ones(len(yi))] + [(labels == name).astype(float) for name in names[1:]])
    qm, qm_df, qm_p = mixed_fit(yi, vi, X, method).qm()
    return {
        "groups": found,
        "q_between": q_between,
        "q_between_df": df,
        "q_between_p": float(stats.chi2.sf(q_between, df)),
        "qm": qm,
        "qm_df": qm_df,
        "qm_p": qm_p,
    }


def metareg(yi, vi, covariate, name: str, method: str = "REML") -> dict:
    """Meta-regression on one numeric covariate (metafor's rma(yi, vi, mods = ~ x)), with
    its pseudo-R^2: the share of the random-effects tau^2 the covariate explains."""
    yi, vi, x = np.asarray(yi, float), np.asarray(vi, float), np.asarray(covariate, float)
    fit = mixed_fit(yi, vi, np.column_stack([np.ones(len(yi)), x]), method)
    base = mixed_fit(yi, vi, _ones(len(yi)), method).tau2
    qm, _, qm_p = fit.qm()
    terms = [{"name": label, **fit.term(i)} for i, label in enumerate(("intercept", name))]
    for term in terms:
        term.pop("z")
    r2 = max(0.0, 100 * (base - fit.tau2) / base) if base > 0 else 0.0
    return {"k": len(yi), "terms": terms, "qm": qm, "qm_p": qm_p, "tau2": fit.tau2, "r2": r2}


def egger(yi, vi, method: str = "REML") -> dict:
    """Egger's regression test as metafor's regtest(model = "rma", predictor = "sei"):
    the standard error as a moderator of a random-effects model; its intercept is the
    limit estimate (the effect of a study of infinite size)."""
    yi, vi = np.asarray(yi, float), np.asarray(vi, float)
    fit = mixed_fit(yi, vi, np.column_stack([np.ones(len(yi)), np.sqrt(vi)]), method)
    slope, limit = fit.term(1), fit.term(0)
    return {
        "z": slope["z"],
        "p": slope["p"],
        "limit": limit["estimate"],
        "limit_ci_low": limit["ci_low"],
        "limit_ci_high": limit["ci_high"],
    }


def begg(yi, vi) -> dict:
    """Begg and Mazumdar's rank correlation as metafor's ranktest: Kendall's tau between
    the standardised deviations from the common-effect estimate and the variances; an
    exact p value without ties (R's cor.test, exact = TRUE), the normal one with them."""
    yi, vi = np.asarray(yi, float), np.asarray(vi, float)
    w = 1 / vi
    theta = np.sum(w * yi) / np.sum(w)
    standardised = (yi - theta) / np.sqrt(vi - 1 / np.sum(w))
    ties = len(set(standardised)) < len(yi) or len(set(vi)) < len(vi)
    result = stats.kendalltau(standardised, vi, method="asymptotic" if ties else "exact")
    return {"tau": float(result.statistic), "p": float(result.pvalue)}


def trimfill(yi, vi, method: str = "REML") -> dict:
    """Duval and Tweedie's trim and fill as metafor's trimfill (estimator L0): the side
    from the sign of Egger's slope, studies trimmed until the number missing settles,
    then the model refitted with their mirror images filled in."""
    yi, vi = np.asarray(yi, float), np.asarray(vi, float)
    k = len(yi)
    slope = mixed_fit(yi, vi, np.column_stack([np.ones(k), np.sqrt(vi)]), method).beta[1]
    side = "right" if slope < 0 else "left"
    flipped = -yi if side == "right" else yi.copy()
    order = np.argsort(flipped, kind="stable")
    y, v = flipped[order], vi[order]
    k0, previous = 0, -1
    for _ in range(100):
        if k0 == previous:
            break
        previous = k0
        beta = main_fit(y[: k - k0], v[: k - k0], method)["estimate"]
        centred = y - beta
        ranks = stats.rankdata(np.abs(centred), method="ordinal")
        sr = float(np.sum(ranks[centred > 0]))
        k0 = max(0, _round_half_even((4 * sr - k * (k + 1)) / (2 * k - 1)))
    else:
        raise ReviewflowError("trim and fill did not converge in 100 iterations")
    added: list[tuple[float, float]] = []
    if k0 == 0:
        fit = inverse_variance(yi, vi, method)
    else:
        beta_original = -beta if side == "right" else beta
        extremes = order[k - k0 :]
        filled_y = np.concatenate([yi, 2 * beta_original - yi[extremes]])
        filled_v = np.concatenate([vi, vi[extremes]])
        fit = inverse_variance(filled_y, filled_v, method)
        added = [(float(a), float(b)) for a, b in zip(filled_y[k:], filled_v[k:])]
    return {
        "k0": int(k0),
        "side": side,
        "estimate": fit.estimate,
        "ci_low": fit.ci_low,
        "ci_high": fit.ci_high,
        "filled": added,  # (yi, vi) of each study filled in, for the funnel plot
    }


def _round_half_even(value: float) -> int:
    """R's round(): halves go to the even neighbour."""
    return int(np.round(value))


def small_study_effects(yi, vi, method: str = "REML") -> dict:
    yi = np.asarray(yi, float)
    if len(yi) < 3:
        raise ReviewflowError(f"has {len(yi)} studies; the tests for small-study effects need at least 3")
    return {"egger": egger(yi, vi, method), "begg": begg(yi, vi), "trimfill": trimfill(yi, vi, method)}
