"""Diagnostic test accuracy: per-study values, the bivariate REML fit and its boundaries,
test comparisons, pictures and the meta-dta command. metafor's own numbers are compared
live in `make bench-meta`; here the fit is checked by what must hold at a REML maximum."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.synthesis import accuracy
from reviewflow.synthesis.accuracy import bivariate, meta_dta, read_counts
from reviewflow.synthesis.accuracy_plots import paired_forest, sroc_plot
from reviewflow.synthesis.pooling import inverse_variance


@pytest.fixture
def dta(fixtures):
    return fixtures / "dta"


def tables(seed=7, k=12):
    """Seeded 2x2 tables with heterogeneity in both logits and a negative correlation."""
    rng = np.random.default_rng(seed)
    logits = rng.multivariate_normal([1.4, 2.0], [[0.6, -0.2], [-0.2, 0.5]], size=k)
    diseased, healthy = rng.integers(20, 120, size=k), rng.integers(40, 300, size=k)
    tp = rng.binomial(diseased, 1 / (1 + np.exp(-logits[:, 0])))
    tn = rng.binomial(healthy, 1 / (1 + np.exp(-logits[:, 1])))
    return pd.DataFrame(
        {"study": [f"S{i:02d}" for i in range(k)], "tp": tp, "fp": healthy - tn, "fn": diseased - tp, "tn": tn}
    )


def dense(theta, y, v, x):
    """The REML score, information and log-likelihood from the full 2k x 2k matrices."""
    k, p = len(y), x.shape[2]
    sigma = accuracy._sigma(theta)
    s = np.zeros((2 * k, 2 * k))
    for i in range(k):
        s[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = sigma + np.diag(v[i])
    design, w = x.reshape(2 * k, p), np.linalg.inv(s)
    proj = w - w @ design @ np.linalg.inv(design.T @ w @ design) @ design.T @ w
    y_long = y.reshape(-1)
    bases = [np.kron(np.eye(k), e) for e in accuracy._BASES]
    score = [-0.5 * np.trace(proj @ d) + 0.5 * y_long @ proj @ d @ proj @ y_long for d in bases]
    info = [[0.5 * np.trace(proj @ a @ proj @ b) for b in bases] for a in bases]
    loglik = -0.5 * (np.linalg.slogdet(s)[1] + np.linalg.slogdet(design.T @ w @ design)[1] + y_long @ proj @ y_long)
    return np.array(score), np.array(info), loglik


@pytest.mark.parametrize("p", [2, 4])
def test_the_block_formulas_equal_the_dense_matrices(p):
    rng = np.random.default_rng(3)
    k = 9
    y, v = rng.normal(size=(k, 2)), rng.uniform(0.05, 0.6, size=(k, 2))
    x = np.zeros((k, 2, p))
    x[:, 0, 0] = x[:, 1, 1] = 1
    if p == 4:
        x[:, 0, 2] = x[:, 1, 3] = np.arange(k) % 2
    theta = np.array([0.4, 0.8, -0.35])
    sigma, w, wx, a_inv, beta, u, loglik = accuracy._blocks(theta, y, v, x)
    score, info = accuracy._score_and_information(w, wx, a_inv, u)
    want_score, want_info, want_loglik = dense(theta, y, v, x)
    assert np.allclose(score, want_score, atol=1e-12)
    assert np.allclose(info, want_info, atol=1e-12)
    assert loglik == pytest.approx(want_loglik, abs=1e-10)


def test_the_fit_is_a_maximum_of_the_reml_likelihood():
    counts = read_counts(tables())
    y, v = accuracy._logits(counts)
    x = np.broadcast_to(np.eye(2), (len(y), 2, 2))
    fit = bivariate(y, v)
    assert fit is not None and fit.boundary is None
    theta = np.array([fit.sigma[0, 0], fit.sigma[1, 1], fit.rho])
    score, _, loglik = dense(theta, y, v, x)
    assert np.max(np.abs(score)) < 1e-6
    assert loglik == pytest.approx(fit.loglik, abs=1e-9)
    for delta in np.eye(3) * 0.01:
        for sign in (1, -1):
            assert dense(theta + sign * delta, y, v, x)[2] < fit.loglik
    # the coefficients are the generalised least squares means at that covariance
    weights = np.linalg.inv(fit.sigma[None] + v[:, :, None] * np.eye(2)[None])
    gls = np.linalg.solve(weights.sum(axis=0), np.einsum("iab,ib->a", weights, y))
    assert np.allclose(fit.mu, gls, atol=1e-12)


def test_per_study_values_have_exact_limits():
    frame = pd.DataFrame({"study": ["A", "B"], "tp": [9, 0], "fp": [3, 4], "fn": [1, 12], "tn": [40, 0]})
    rows = accuracy.per_study(read_counts(frame))
    for row, (tp, fn, tn, fp) in zip(rows, ((9, 1, 40, 3), (0, 12, 0, 4))):
        sens = stats.binomtest(tp, tp + fn).proportion_ci(method="exact")
        spec = stats.binomtest(tn, tn + fp).proportion_ci(method="exact")
        assert (row["sens_ci_low"], row["sens_ci_high"]) == pytest.approx((sens.low, sens.high), abs=1e-12)
        assert (row["spec_ci_low"], row["spec_ci_high"]) == pytest.approx((spec.low, spec.high), abs=1e-12)
    first, second = rows
    assert first["dor"] == pytest.approx(9 * 40 / (3 * 1)) and not first["corrected"]
    assert second["corrected"] and second["sensitivity"] == 0 and second["specificity"] == 0
    assert second["dor"] == pytest.approx(0.5 * 0.5 / (4.5 * 12.5))  # 1/2 added to all four cells


def test_zero_cells_get_one_half_on_the_logit_scale_only_where_needed():
    y, v = accuracy.logit_proportion(np.array([0.0, 5.0, 7.0]), np.array([10.0, 5.0, 0.0]))
    assert y == pytest.approx([math.log(0.5 / 10.5), 0.0, math.log(7.5 / 0.5)])
    assert v == pytest.approx([1 / 0.5 + 1 / 10.5, 0.4, 1 / 7.5 + 1 / 0.5])


def test_swapping_the_diseased_and_the_healthy_swaps_sensitivity_and_specificity():
    frame = tables(seed=11)
    swapped = frame.rename(columns={"tp": "tn", "tn": "tp", "fp": "fn", "fn": "fp"})
    a, b = meta_dta(frame), meta_dta(swapped)
    assert a["sensitivity"]["estimate"] == pytest.approx(b["specificity"]["estimate"], rel=1e-8)
    assert a["tau2_logit_sens"] == pytest.approx(b["tau2_logit_spec"], rel=1e-6)
    assert a["rho"] == pytest.approx(b["rho"], rel=1e-6)
    assert a["dor"]["estimate"] == pytest.approx(b["dor"]["estimate"], rel=1e-8)


def test_hsroc_parameters_reproduce_the_bivariate_model():
    result = meta_dta(tables(seed=5))
    h, logit = result["hsroc"], result["logit"]
    sd_a, sd_b = math.sqrt(result["tau2_logit_sens"]), math.sqrt(result["tau2_logit_spec"])
    covariance = result["rho"] * sd_a * sd_b
    scale = math.exp(h["beta"] / 2)
    # the HSROC model's means and variances, written from its parameters, are the bivariate ones
    assert (h["theta"] + h["lambda"] / 2) / scale == pytest.approx(logit["sensitivity"], rel=1e-10)
    assert (h["lambda"] / 2 - h["theta"]) * scale == pytest.approx(logit["specificity"], rel=1e-10)
    assert (h["sigma2_theta"] + h["sigma2_alpha"] / 4) / scale**2 == pytest.approx(sd_a**2, rel=1e-10)
    assert h["sigma2_alpha"] / 4 - h["sigma2_theta"] == pytest.approx(covariance, rel=1e-10)
    # and the summary point lies on the SROC curve
    on_curve = accuracy.sroc_curve(h, np.array([1 - result["specificity"]["estimate"]]))[0]
    assert on_curve == pytest.approx(result["sensitivity"]["estimate"], rel=1e-10)


def test_likelihood_ratios_and_dor_follow_from_the_summary_point():
    result = meta_dta(tables(seed=2))
    sens, spec = result["sensitivity"]["estimate"], result["specificity"]["estimate"]
    assert result["lr_pos"]["estimate"] == pytest.approx(sens / (1 - spec))
    assert result["lr_neg"]["estimate"] == pytest.approx((1 - sens) / spec)
    assert result["dor"]["estimate"] == pytest.approx(sens / (1 - sens) * spec / (1 - spec))
    for name in ("dor", "lr_pos", "lr_neg", "sensitivity", "specificity"):
        assert result[name]["ci_low"] < result[name]["estimate"] < result[name]["ci_high"]


def test_a_variance_at_zero_is_fitted_on_the_boundary(dta):
    result = meta_dta(pd.read_csv(dta / "homogeneous_specificity.csv"))
    assert result["model"] == "bivariate" and result["boundary"] == "tau2 of logit specificity = 0"
    assert result["tau2_logit_spec"] == 0 and result["rho"] is None and result["hsroc"] is None
    # with that variance at 0 the sensitivity side is the univariate REML fit of its own logits
    counts = read_counts(pd.read_csv(dta / "homogeneous_specificity.csv"))
    y, v = accuracy._logits(counts)
    alone = inverse_variance(y[:, 0], v[:, 0], "REML")
    assert result["tau2_logit_sens"] == pytest.approx(alone.tau2, rel=1e-6)
    assert result["logit"]["sensitivity"] == pytest.approx(alone.estimate, rel=1e-8)


def test_a_correlation_at_one_is_held_there_and_beats_the_inside(dta):
    counts = read_counts(pd.read_csv(dta / "four_studies.csv"))
    y, v = accuracy._logits(counts)
    fit = bivariate(y, v)
    assert fit.boundary == "rho = 1" and fit.rho == pytest.approx(1.0)
    x = np.broadcast_to(np.eye(2), (len(y), 2, 2))
    for rho in (0.99, 0.9, 0.0, -0.5):
        inside = np.array([fit.sigma[0, 0], fit.sigma[1, 1], rho])
        assert dense(inside, y, v, x)[2] < fit.loglik


def test_fewer_than_four_studies_are_pooled_apart_with_the_reason():
    frame = tables(k=3)
    result = meta_dta(frame)
    assert result["model"] == "univariate" and "needs 4 or more" in result["reason"]
    counts = read_counts(frame)
    y, v = accuracy._logits(counts)
    alone = inverse_variance(y[:, 1], v[:, 1], "REML")
    assert result["logit"]["specificity"] == pytest.approx(alone.estimate)
    assert result["rho"] is None and result["prediction_region"] is None


def test_two_tests_compared_with_the_test_as_a_covariate():
    frame = tables(seed=9, k=10)
    same = pd.concat([frame.assign(test="A"), frame.assign(test="B", study=frame["study"] + "b")])
    result = meta_dta(same, compare="test")["comparison"]
    assert result["wald"]["statistic"] == pytest.approx(0, abs=1e-8)  # identical tables: no difference
    better = frame.assign(tp=frame["tp"] + frame["fn"] - frame["fn"] // 5, fn=frame["fn"] // 5, test="B")
    shifted = pd.concat([frame.assign(test="A"), better.assign(study=better["study"] + "b")])
    result = meta_dta(shifted, compare="test")["comparison"]
    difference = result["difference"]["logit_sensitivity"]
    assert difference["estimate"] > 0 and difference["p"] < 0.05 and result["wald"]["p"] < 0.05
    assert result["tests"]["B"]["sensitivity"]["estimate"] > result["tests"]["A"]["sensitivity"]["estimate"]
    with pytest.raises(ReviewflowError, match="exactly two values"):
        meta_dta(frame.assign(test="A"), compare="test")


def test_subgroups_are_analysed_apart():
    frame = tables(seed=4, k=10)
    frame["setting"] = ["primary"] * 6 + ["hospital"] * 4
    result = meta_dta(frame, by="setting")
    groups = {g["value"]: g for g in result["subgroups"]}
    assert groups["primary"]["k"] == 6 and groups["hospital"]["k"] == 4
    alone = meta_dta(frame[frame["setting"] == "hospital"])
    assert groups["hospital"]["sensitivity"] == alone["sensitivity"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("C,3,-1,2,5", "row 4, column 'fp': '-1' is not a count"),
        ("C,3,1.5,2,5", "row 4, column 'fp': '1.5' is not a count"),
        ("C,0,1,0,5", "row 4: TP + FN = 0"),
        ("C,3,0,2,0", "row 4: FP + TN = 0"),
    ],
)
def test_bad_counts_stop_with_one_line_and_write_nothing(tmp_path, capsys, row, message):
    data = tmp_path / "bad.csv"
    data.write_text(f"study,tp,fp,fn,tn\nA,5,1,2,9\nB,4,2,1,8\n{row}\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["meta-dta", str(data), "-o", str(out), "--sroc", str(tmp_path / "s.svg")]) != 0
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and f"{data}, {message}" in error
    assert not out.exists() and not (tmp_path / "s.svg").exists()


def test_meta_dta_command_writes_the_named_keys_and_pictures(dta, tmp_path):
    out, sroc, forest = tmp_path / "out.json", tmp_path / "sroc.svg", tmp_path / "forest.svg"
    args = ["meta-dta", str(dta / "homogeneous_specificity.csv"), "-o", str(out), "--sroc", str(sroc)]
    assert main([*args, "--forest", str(forest), "--sort", "sensitivity"]) == 0
    result = json.loads(out.read_text())
    for key in ("sensitivity", "specificity", "dor", "lr_pos", "lr_neg"):
        assert set(result[key]) == {"estimate", "ci_low", "ci_high"}
    assert {"k", "tau2_logit_sens", "tau2_logit_spec", "rho", "per_study"} <= set(result)
    assert result["k"] == 7 == len(result["per_study"])
    assert sroc.read_text().count("<circle") == 7 + 1  # the studies and the legend's one
    text = forest.read_text()
    sens = sorted(result["per_study"], key=lambda row: row["sensitivity"])
    positions = [text.index(f">{row['study']}<") for row in sens]
    assert positions == sorted(positions)
    again = tmp_path / "again.svg"
    assert main([*args[:-1], str(again)]) == 0 and again.read_bytes() == sroc.read_bytes()


def test_pictures_state_a_univariate_fallback():
    result = meta_dta(tables(k=3))
    assert "pooled apart" in sroc_plot(result) and "pooled apart" in paired_forest(result)
    with pytest.raises(ReviewflowError, match="allowed: as given, sensitivity"):
        paired_forest(result, "year")


def test_a_bad_option_leaves_no_partial_output(dta, tmp_path):
    out = tmp_path / "out.json"
    args = ["meta-dta", str(dta / "four_studies.csv"), "-o", str(out), "--forest", str(tmp_path / "f.svg")]
    assert main([*args, "--sort", "year"]) != 0
    assert not out.exists()
