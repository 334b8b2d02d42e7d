"""Diagnostic test accuracy: each study's 2x2 table, and the bivariate random-effects
meta-analysis of logit sensitivity and logit specificity (Reitsma et al. 2005, the model of
the Cochrane DTA handbook's chapter 10), as metafor fits it:

    rma.mv(yi, vi, mods = ~ outcome - 1, random = ~ outcome | study, struct = "UN",
           method = "REML")

on the logits `escalc("PLO", add = 1/2, to = "only0")` gives (1/2 added to both cells of a
proportion with a zero cell).

Written here because no maintained Python library fits it: statsmodels' MixedLM cannot fix
the within-study variances at known values, and the R packages (mada, metafor) are what it
is checked against (`make bench-meta`). The REML fit is Fisher scoring on the log variances
and Fisher's z of the correlation (metafor's own parameterisation), with every trace in
closed form over the 2x2 blocks, so a step costs O(k).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import ReviewflowError
from .pooling import inverse_variance

COUNTS = ("tp", "fp", "fn", "tn")
COLUMNS = ("study", *COUNTS)
# Fewer studies than this, and the between-study covariance is not estimable with any
# reliability: the Cochrane handbook (ch. 10) and mada pool sensitivity and specificity apart.
MIN_BIVARIATE = 4
# The three between-study parameters, each as the 2x2 matrix it adds to a study's covariance.
_BASES = np.array([[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]]])


def read_counts(data: pd.DataFrame, file: str = "data") -> dict[str, np.ndarray | list[str]]:
    """The study labels and the four counts of `data` (columns study, tp, fp, fn, tn, in any
    letter case), checked: whole numbers, not negative, someone with and someone without the
    target condition in every study. Each row is one study's table, as metafor fits it when
    the study id is the row: choosing one threshold per study is the analysis' job."""
    columns = {str(c).strip().lower(): c for c in data.columns}
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        expected = ", ".join(COLUMNS)
        raise ReviewflowError(f"lacks the columns {', '.join(missing)}; expected {expected}", file=file, row=1)
    if data.empty:
        raise ReviewflowError("holds no studies", file=file)
    studies = data[columns["study"]].astype(str).str.strip().tolist()
    out: dict = {"study": studies}
    for name in COUNTS:
        raw = data[columns[name]].astype(str).str.strip()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        for index, value in enumerate(values):
            if math.isnan(value) or value < 0 or value != math.floor(value):
                raise ReviewflowError(
                    f"'{raw.iloc[index]}' is not a count (a whole number, 0 or more)",
                    file=file,
                    row=index + 2,
                    column=columns[name],
                )
        out[name] = values
    for index, study in enumerate(studies):
        if not study:
            raise ReviewflowError("names no study", file=file, row=index + 2, column=columns["study"])
        empty = empty_margin(*(out[c][index] for c in COUNTS))
        if empty:
            raise ReviewflowError(empty[1], file=file, row=index + 2)
    return out


# The margins a 2x2 table cannot have empty: the cell that closes each, and why.
MARGINS = (
    (("tp", "fn"), "fn", "TP + FN = 0: no participant with the target condition, so sensitivity is undefined"),
    (("fp", "tn"), "tn", "FP + TN = 0: no participant without the target condition, so specificity is undefined"),
)


def empty_margin(tp, fp, fn, tn) -> tuple[str, str] | None:
    """(the cell to look at, what is wrong) when a table has no one with, or no one
    without, the target condition; else None."""
    cells = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    return next(((cell, why) for pair, cell, why in MARGINS if sum(float(cells[c]) for c in pair) == 0), None)


def clopper_pearson(events: np.ndarray, totals: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial confidence limits of events/totals."""
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        low = np.where(events > 0, stats.beta.ppf(alpha / 2, events, totals - events + 1), 0.0)
        high = np.where(events < totals, stats.beta.ppf(1 - alpha / 2, events + 1, totals - events), 1.0)
    return low, high


def logit_proportion(events: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(logit p, its variance) as escalc("PLO", add = 1/2, to = "only0"): 1/2 added to both
    cells of a proportion that has a zero cell."""
    zero = (events == 0) | (others == 0)
    a, b = np.where(zero, events + 0.5, events), np.where(zero, others + 0.5, others)
    return np.log(a / b), 1 / a + 1 / b


def per_study(counts: dict, level: float = 0.95) -> list[dict]:
    """Each study's sensitivity and specificity with exact (Clopper-Pearson) limits, and its
    likelihood ratios and diagnostic odds ratio with log-scale Wald limits (1/2 added to all
    four cells of a table with a zero cell, as for the logits)."""
    tp, fp, fn, tn = (counts[c] for c in COUNTS)
    sens_low, sens_high = clopper_pearson(tp, tp + fn, level)
    spec_low, spec_high = clopper_pearson(tn, fp + tn, level)
    zero = (tp == 0) | (fp == 0) | (fn == 0) | (tn == 0)
    a, b, c, d = (np.where(zero, x + 0.5, x) for x in (tp, fp, fn, tn))
    sens_c, spec_c = a / (a + c), d / (b + d)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    ratios = {
        "lr_pos": (sens_c / (1 - spec_c), 1 / a - 1 / (a + c) + 1 / b - 1 / (b + d)),
        "lr_neg": ((1 - sens_c) / spec_c, 1 / c - 1 / (a + c) + 1 / d - 1 / (b + d)),
        "dor": (a * d / (b * c), 1 / a + 1 / b + 1 / c + 1 / d),
    }
    rows = []
    for i, study in enumerate(counts["study"]):
        row = {
            "study": study,
            **{name: int(counts[name][i]) for name in COUNTS},
            "sensitivity": float(tp[i] / (tp[i] + fn[i])),
            "sens_ci_low": float(sens_low[i]),
            "sens_ci_high": float(sens_high[i]),
            "specificity": float(tn[i] / (fp[i] + tn[i])),
            "spec_ci_low": float(spec_low[i]),
            "spec_ci_high": float(spec_high[i]),
            "corrected": bool(zero[i]),
        }
        for name, (value, variance) in ratios.items():
            half = z * math.sqrt(variance[i])
            row[name] = float(value[i])
            row[f"{name}_ci_low"] = float(math.exp(math.log(value[i]) - half))
            row[f"{name}_ci_high"] = float(math.exp(math.log(value[i]) + half))
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Bivariate:
    """A fitted bivariate model: coefficients (first the mean logits of sensitivity and
    specificity), their covariance, the between-study covariance matrix, the REML
    log-likelihood, and the boundary the fit lies on, if any."""

    mu: np.ndarray
    cov: np.ndarray
    sigma: np.ndarray
    loglik: float
    iterations: int
    boundary: str | None = None

    @property
    def rho(self) -> float | None:
        """The correlation of the logits; None when a variance is 0 (it is then undefined)."""
        if self.sigma[0, 0] <= 0 or self.sigma[1, 1] <= 0:
            return None
        return float(self.sigma[0, 1] / math.sqrt(self.sigma[0, 0] * self.sigma[1, 1]))


def _sigma(theta: np.ndarray) -> np.ndarray:
    t1, t2, rho = theta
    c = rho * math.sqrt(t1 * t2)
    return np.array([[t1, c], [c, t2]])


def _blocks(theta: np.ndarray, y: np.ndarray, v: np.ndarray, x: np.ndarray):
    """At theta = (tau2 sens, tau2 spec, rho): the between-study matrix, each study's inverse
    covariance W_i, W_i X_i, (sum X_i' W_i X_i)^-1, the coefficients, W_i r_i and the REML
    log-likelihood (without its constant)."""
    sigma = _sigma(theta)
    s = sigma[None, :, :] + v[:, :, None] * np.eye(2)[None, :, :]
    w = np.linalg.inv(s)
    wx = np.einsum("iab,ibp->iap", w, x)
    a = np.einsum("iap,iaq->pq", x, wx)
    a_inv = np.linalg.inv(a)
    beta = a_inv @ np.einsum("iap,ia->p", wx, y)
    r = y - np.einsum("iap,p->ia", x, beta)
    u = np.einsum("iab,ib->ia", w, r)
    loglik = -0.5 * (np.sum(np.log(np.linalg.det(s))) + math.log(np.linalg.det(a)) + float(np.einsum("ia,ia->", r, u)))
    return sigma, w, wx, a_inv, beta, u, loglik


def _score_and_information(w, wx, a_inv, u):
    """REML score and expected information in (tau2_sens, tau2_spec, covariance), each trace
    of P = W - W X (X'WX)^-1 X'W taken over the 2x2 blocks (checked against the dense
    matrices in the tests)."""
    we = np.einsum("iab,jbc->jiac", w, _BASES)  # W_i E_j
    c_diag = np.einsum("iap,pq,ibq->iab", wx, a_inv, wx)  # W_i X_i A^-1 X_i' W_i
    h = np.einsum("iap,jab,ibq->jpq", wx, _BASES, wx)  # sum_i X_i' W_i E_j W_i X_i
    score = -0.5 * np.einsum("iab,jba->j", w - c_diag, _BASES) + 0.5 * np.einsum("ia,jab,ib->j", u, _BASES, u)
    info = np.empty((3, 3))
    for j in range(3):
        for k in range(3):
            direct = np.einsum("iab,iba->", we[j], we[k])
            cross = np.einsum("iab,ibc,ca->", we[j], c_diag, _BASES[k])
            cross_t = np.einsum("iab,ibc,ca->", we[k], c_diag, _BASES[j])
            outer = np.trace(a_inv @ h[j] @ a_inv @ h[k])
            info[j, k] = 0.5 * (direct - cross - cross_t + outer)
    return score, info


# The free parameters of each fit tried: 0, 1 and 2 are log tau2 sens, log tau2 spec and
# atanh rho; the others are held at the boundary value named.
_CANDIDATES = (
    ((0, 1, 2), {}, None),
    ((0, 1), {2: 1.0}, "rho = 1"),
    ((0, 1), {2: -1.0}, "rho = -1"),
    ((1,), {0: 0.0, 2: 0.0}, "tau2 of logit sensitivity = 0"),
    ((0,), {1: 0.0, 2: 0.0}, "tau2 of logit specificity = 0"),
    ((), {0: 0.0, 1: 0.0, 2: 0.0}, "both tau2 = 0"),
)
# Past these (tau2 below 2e-9, |rho| within 2e-7 of 1), a fit is on the boundary.
_LOG_TAU2_FLOOR, _ATANH_RHO_CEILING = -20.0, 8.0


def bivariate(y: np.ndarray, v: np.ndarray, x: np.ndarray | None = None) -> Bivariate | None:
    """The REML fit of y (k x 2 logits) with known within-study variances v (k x 2) and
    design x (k x 2 x p; default a mean logit each). When the maximum lies on the boundary
    of the parameter space (a variance at 0, a correlation at +-1; common with few studies),
    the best fit with that parameter held there, as metafor's optimiser reaches it from the
    inside. None when no fit converges."""
    if x is None:
        x = np.broadcast_to(np.eye(2), (len(y), 2, 2))
    start = np.array([max(inverse_variance(y[:, j], v[:, j], "REML").tau2, 0.01) for j in (0, 1)] + [0.0])
    fits = []
    for free, held, boundary in _CANDIDATES:  # each tried: a ridge can lead to a boundary from any start
        theta = start.copy()
        for index, value in held.items():
            theta[index] = value
        fit = _fisher_scoring(theta, free, y, v, x)
        if fit is not None and _inside(fit[0], free):
            fits.append(Bivariate(fit[1], fit[2], _sigma(fit[0]), fit[3], fit[4], boundary))
    return max(fits, key=lambda fit: fit.loglik) if fits else None


def _inside(theta: np.ndarray, free: tuple[int, ...]) -> bool:
    """Whether the free parameters of a converged fit stayed off the boundary."""
    logs = [math.log(theta[i]) if theta[i] > 0 else -math.inf for i in free if i < 2]
    return all(value > _LOG_TAU2_FLOOR for value in logs) and (
        2 not in free or abs(math.atanh(min(abs(theta[2]), 1.0 - 1e-16))) < _ATANH_RHO_CEILING
    )


def _fisher_scoring(theta, free, y, v, x, tolerance: float = 1e-10, steps: int = 200):
    """Fisher scoring over the free parameters, on log tau2 and atanh rho (metafor's own
    scale), with step halving so the REML log-likelihood never falls; where it stalls (the
    expected information can zig-zag along a ridge), BFGS with the analytic score takes
    over from the best point reached. Returns (theta, coefficients, their covariance,
    log-likelihood, iterations), or None."""
    blocks = _blocks(theta, y, v, x)
    if not free:
        return theta, blocks[4], blocks[3], float(blocks[6]), 0
    for iteration in range(1, steps + 1):
        sigma, w, wx, a_inv, beta, u, loglik = blocks
        score, info = _score_and_information(w, wx, a_inv, u)
        jacobian = _jacobian(theta, sigma)[:, list(free)]
        step = np.linalg.solve(jacobian.T @ info @ jacobian, jacobian.T @ score)
        if np.max(np.abs(step)) < tolerance:  # the full Fisher step, not a halved one: a true stationary point
            return theta, beta, a_inv, float(loglik), iteration
        for _ in range(60):
            candidate = _moved(theta, free, step)
            if candidate is not None:
                trial = _blocks(candidate, y, v, x)
                if trial[6] >= loglik - 1e-12:
                    break
            step = step / 2
        else:
            break
        theta, blocks = candidate, trial
        if not _inside(theta, free):  # heading for the boundary: another candidate holds it there
            return None
    return _quasi_newton(theta, free, y, v, x)


def _quasi_newton(theta, free, y, v, x):
    """BFGS on the free parameters' own scale from theta; the fit where it converges inside."""
    free = list(free)

    def unpack(phi):
        return _moved(theta, tuple(free), phi - _scaled(theta, free))

    def objective(phi):
        moved = unpack(phi)
        if moved is None:
            return math.inf, np.zeros(len(free))
        sigma, w, wx, a_inv, _, u, loglik = _blocks(moved, y, v, x)
        score, _ = _score_and_information(w, wx, a_inv, u)
        return -loglik, -(_jacobian(moved, sigma)[:, free].T @ score)

    found = optimize.minimize(objective, _scaled(theta, free), jac=True, method="BFGS", options={"gtol": 1e-9})
    moved = unpack(found.x)
    if moved is None or np.max(np.abs(found.jac)) > 1e-6 or not _inside(moved, tuple(free)):
        return None
    sigma, w, wx, a_inv, beta, u, loglik = _blocks(moved, y, v, x)
    return moved, beta, a_inv, float(loglik), int(found.nit)


def _scaled(theta, free) -> np.ndarray:
    return np.array([math.log(theta[i]) if i < 2 else math.atanh(theta[i]) for i in free])


def _moved(theta: np.ndarray, free: tuple[int, ...], step: np.ndarray) -> np.ndarray | None:
    out = theta.copy()
    for index, change in zip(free, step):
        value = (math.log(theta[index]) if index < 2 else math.atanh(theta[index])) + change
        if not math.isfinite(value) or abs(value) > 40:
            return None
        out[index] = math.exp(value) if index < 2 else math.tanh(value)
    return out if 2 not in free or abs(out[2]) < 1 else None


def _jacobian(theta: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """d(tau2_sens, tau2_spec, covariance) / d(log tau2_sens, log tau2_spec, atanh rho)."""
    t1, t2, rho = theta
    cov = sigma[0, 1]
    return np.array([[t1, 0, 0], [0, t2, 0], [cov / 2, cov / 2, (1 - rho**2) * math.sqrt(t1 * t2)]])


def _expit(x):
    return 1 / (1 + np.exp(-x))


def _interval(estimate: float, se: float, z: float, back=math.exp) -> dict:
    return {"estimate": back(estimate), "ci_low": back(estimate - z * se), "ci_high": back(estimate + z * se)}


def _summaries(mu: np.ndarray, cov: np.ndarray, z: float) -> dict:
    """Summary sensitivity, specificity, DOR and likelihood ratios: Wald limits on the logit
    or log scale, the log ratios' variances by the delta method from the logits' covariance."""
    sens, spec = float(_expit(mu[0])), float(_expit(mu[1]))
    gradients = {
        "dor": np.array([1.0, 1.0]),  # log DOR = logit sens + logit spec
        "lr_pos": np.array([1 - sens, spec]),  # log LR+ = log sens - log (1 - spec)
        "lr_neg": np.array([-sens, -(1 - spec)]),  # log LR- = log (1 - sens) - log spec
    }
    logs = {
        "dor": mu[0] + mu[1],
        "lr_pos": math.log(sens) - math.log(1 - spec),
        "lr_neg": math.log(1 - sens) - math.log(spec),
    }
    out = {
        "sensitivity": _interval(mu[0], math.sqrt(cov[0, 0]), z, lambda x: float(_expit(x))),
        "specificity": _interval(mu[1], math.sqrt(cov[1, 1]), z, lambda x: float(_expit(x))),
    }
    for name, gradient in gradients.items():
        out[name] = _interval(float(logs[name]), math.sqrt(float(gradient @ cov @ gradient)), z)
    return out


def hsroc(mu: np.ndarray, sigma: np.ndarray) -> dict | None:
    """The HSROC parameters equivalent to a bivariate fit without covariates (Harbord et al.
    2007): accuracy Lambda, threshold Theta, shape beta and their variances; None when a
    between-study variance is 0 (the curve's shape is then undefined)."""
    sd_a, sd_b, cov = math.sqrt(sigma[0, 0]), math.sqrt(sigma[1, 1]), float(sigma[0, 1])
    if sd_a <= 0 or sd_b <= 0:
        return None
    ratio = math.sqrt(sd_b / sd_a)
    return {
        "lambda": float(ratio * mu[0] + mu[1] / ratio),
        "theta": float(0.5 * (ratio * mu[0] - mu[1] / ratio)),
        "beta": math.log(sd_b / sd_a),
        "sigma2_alpha": 2 * (sd_a * sd_b + cov),
        "sigma2_theta": 0.5 * (sd_a * sd_b - cov),
    }


def sroc_curve(parameters: dict, fpr: np.ndarray) -> np.ndarray:
    """Sensitivity on the HSROC curve at each false positive rate:
    logit sens = Lambda exp(-beta/2) + exp(-beta) logit FPR."""
    beta, lam = parameters["beta"], parameters["lambda"]
    return _expit(lam * math.exp(-beta / 2) + math.exp(-beta) * np.log(fpr / (1 - fpr)))


def region(mu: np.ndarray, cov: np.ndarray, level: float = 0.95, points: int = 72) -> list[list[float]]:
    """The `level` ellipse of a bivariate normal (mu, cov) on the logit scale, mapped to ROC
    space as [false positive rate, sensitivity] pairs. Its radius is the chi-square quantile
    with 2 degrees of freedom, as mada's ROCellipse and RevMan draw it."""
    radius = math.sqrt(stats.chi2.ppf(level, 2))
    values, vectors = np.linalg.eigh(cov)
    angles = np.linspace(0, 2 * math.pi, points, endpoint=False)
    circle = np.c_[np.cos(angles), np.sin(angles)] * radius * np.sqrt(np.clip(values, 0, None))
    logits = mu + circle @ vectors.T
    return [[float(1 - _expit(spec)), float(_expit(sens))] for sens, spec in logits]


def meta_dta(
    data: pd.DataFrame, file: str = "data", level: float = 0.95, by: str | None = None, compare: str | None = None
) -> dict:
    """The bivariate meta-analysis of `data` (study, tp, fp, fn, tn): summary sensitivity and
    specificity, between-study variances and correlation of their logits, DOR and likelihood
    ratios, confidence and prediction regions, the HSROC parameters and each study's values.
    Fewer than 4 studies, or a fit that does not converge inside the parameter space, and
    sensitivity and specificity are pooled apart by REML (`model` univariate, `reason`).
    `by`: the same analysis for each value of that column (`subgroups`); `compare`: a
    column of two values (two index tests) as a covariate of both logits (`comparison`)."""
    counts = read_counts(data, file)
    result = analyse(counts, level)
    result["per_study"] = per_study(counts, level)
    if by:
        groups = _labels(data, by, file)
        result["subgroups"] = [
            {"value": value, **analyse(_subset(counts, groups == value), level)} for value in sorted(set(groups))
        ]
    if compare:
        result["comparison"] = comparison(counts, _labels(data, compare, file), compare, level, file)
    return result


def _labels(data: pd.DataFrame, column: str, file: str) -> np.ndarray:
    if column not in data.columns:
        raise ReviewflowError(f"has no column '{column}'; its columns: {', '.join(map(str, data.columns))}", file=file)
    values = data[column].astype(str).str.strip()
    for index, value in enumerate(values):
        if not value:
            raise ReviewflowError("is empty; every study needs a value here", file=file, row=index + 2, column=column)
    return values.to_numpy()


def _subset(counts: dict, mask: np.ndarray) -> dict:
    return {
        name: [s for s, keep in zip(values, mask) if keep] if name == "study" else values[mask]
        for name, values in counts.items()
    }


def _logits(counts: dict) -> tuple[np.ndarray, np.ndarray]:
    y_sens, v_sens = logit_proportion(counts["tp"], counts["fn"])
    y_spec, v_spec = logit_proportion(counts["tn"], counts["fp"])
    return np.c_[y_sens, y_spec], np.c_[v_sens, v_spec]


def analyse(counts: dict, level: float = 0.95) -> dict:
    """One analysis of the tables in `counts`: bivariate when it can be, else univariate."""
    k = len(counts["study"])
    y, v = _logits(counts)
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    fit, reason = None, None
    if k < MIN_BIVARIATE:
        reason = f"{k} {'study' if k == 1 else 'studies'}: the bivariate model needs {MIN_BIVARIATE} or more"
    else:
        fit = bivariate(y, v)
        if fit is None:
            reason = "the bivariate model did not converge"
    if fit is not None:
        mu, cov, sigma, rho = fit.mu, fit.cov, fit.sigma, fit.rho
    else:
        pooled = [inverse_variance(y[:, j], v[:, j], "REML" if k > 1 else "FE") for j in (0, 1)]
        mu = np.array([p.estimate for p in pooled])
        cov = np.diag([p.se**2 for p in pooled])
        sigma = np.diag([p.tau2 for p in pooled])
        rho = None
    return {
        "k": k,
        "model": "bivariate" if fit is not None else "univariate",
        "reason": reason,
        "boundary": fit.boundary if fit is not None else None,
        "level": level,
        "zero_cell_correction": "1/2 added to both cells of a proportion with a zero cell (escalc PLO, to = only0)",
        **_summaries(mu, cov, z),
        "tau2_logit_sens": float(sigma[0, 0]),
        "tau2_logit_spec": float(sigma[1, 1]),
        "rho": rho,
        "logit": {
            "sensitivity": float(mu[0]),
            "specificity": float(mu[1]),
            "se_sensitivity": math.sqrt(cov[0, 0]),
            "se_specificity": math.sqrt(cov[1, 1]),
            "covariance": float(cov[0, 1]),
        },
        "loglik": fit.loglik if fit is not None else None,
        "hsroc": hsroc(mu, sigma) if fit is not None else None,
        "confidence_region": region(mu, cov, level),
        "prediction_region": region(mu, cov + sigma, level) if fit is not None else None,
    }


def comparison(counts: dict, groups: np.ndarray, column: str, level: float = 0.95, file: str = "data") -> dict:
    """Two index tests (the two values of `column`) in one bivariate model with the test as a
    covariate of both logits and one between-study covariance (Cochrane DTA handbook ch. 11),
    as rma.mv(yi, vi, mods = ~ outcome + outcome:test - 1, ...): each test's summary point,
    the differences in logit sensitivity and specificity with Wald z tests, and the 2-df Wald
    test that the tests differ in either."""
    values = sorted(set(groups))
    if len(values) != 2:
        raise ReviewflowError(
            f"--compare needs exactly two values in column '{column}' (found {len(values)}: {', '.join(values)}); "
            "use --by for more",
            file=file,
        )
    other = (groups == values[1]).astype(float)
    k = len(groups)
    x = np.zeros((k, 2, 4))
    x[:, 0, 0], x[:, 1, 1], x[:, 0, 2], x[:, 1, 3] = 1, 1, other, other
    y, v = _logits(counts)
    sizes = (int(k - other.sum()), int(other.sum()))
    out = {"column": column, "reference": values[0], "other": values[1]}
    out["tests"] = {name: {"k": size} for name, size in zip(values, sizes)}
    fit = bivariate(y, v, x) if min(sizes) >= 2 and k >= MIN_BIVARIATE + 2 else None
    if fit is None:
        out["reason"] = "too few studies of each test, or the model did not converge: no comparison is made"
        return out
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    beta, cov = fit.mu, fit.cov
    for name, contrast in zip(values, (np.eye(4)[:2], np.eye(4)[:2] + np.eye(4)[2:])):
        mu, c = contrast @ beta, contrast @ cov @ contrast.T
        out["tests"][name].update({key: _summaries(mu, c, z)[key] for key in ("sensitivity", "specificity")})
    differences = {}
    for index, name in ((2, "logit_sensitivity"), (3, "logit_specificity")):
        se = math.sqrt(cov[index, index])
        statistic = beta[index] / se
        differences[name] = {
            "estimate": float(beta[index]),
            "se": se,
            "ci_low": float(beta[index] - z * se),
            "ci_high": float(beta[index] + z * se),
            "z": float(statistic),
            "p": float(2 * stats.norm.sf(abs(statistic))),
        }
    wald = float(beta[2:] @ np.linalg.solve(cov[2:, 2:], beta[2:]))
    out.update(
        difference=differences,
        wald={"statistic": wald, "df": 2, "p": float(stats.chi2.sf(wald, 2))},
        tau2_logit_sens=float(fit.sigma[0, 0]),
        tau2_logit_spec=float(fit.sigma[1, 1]),
        rho=fit.rho,
        boundary=fit.boundary,
        reason=None,
    )
    return out
