"""After the pooled estimate: double-zero studies as metafor keeps them, subgroups,
meta-regression, leave one out, cumulative analysis and small-study effects. Each
property is checked by computing it a second, independent way; the shared metafor
results (../shared/benchmarks/meta_depth) are compared key by key where present, and
`make bench-meta` runs metafor itself beside all of it."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from helpers import FIXTURES, ROOT

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.synthesis import meta, meta_analyses
from reviewflow.synthesis.effects import binary_effects
from reviewflow.synthesis.pooling import inverse_variance

DOUBLE_ZERO = FIXTURES / "meta" / "double_zero.csv"
DEPTH = ROOT.parent / "shared" / "benchmarks" / "meta_depth"


def _data() -> pd.DataFrame:
    return pd.read_csv(DOUBLE_ZERO)


def test_double_zero_studies_are_kept_with_a_half_added_as_metafor_does():
    data = _data()
    kept = meta(data, "RR", "REML")
    assert kept["k"] == 9  # Ahn and Gray (no events) and Evans (only events) stay in
    a, n1, c, n2 = (data[col].to_numpy(float) for col in ("events_1", "total_1", "events_2", "total_2"))
    zero = (a == 0) | (c == 0) | (a == n1) | (c == n2)
    a2, b2, c2, d2 = (np.where(zero, x + 0.5, x) for x in (a, n1 - a, c, n2 - c))
    by_hand = inverse_variance(
        np.log((a2 / (a2 + b2)) / (c2 / (c2 + d2))), 1 / a2 - 1 / (a2 + b2) + 1 / c2 - 1 / (c2 + d2), "REML"
    )
    assert math.isclose(kept["estimate"], by_hand.estimate, rel_tol=1e-12)
    revman = meta(data, "RR", "REML", drop_double_zero=True)
    assert revman["k"] == 6 and revman["yi"][0] is None and revman["yi"][4] is None
    assert meta(data, "RD", "REML", drop_double_zero=True)["k"] == 9  # RevMan keeps them for RD


def test_mantel_haenszel_counts_every_study_but_takes_q_over_the_informative_ones():
    mh = meta(_data(), "RD", "MH")
    assert mh["k"] == 9 and mh["q_df"] == 5  # three studies without a defined observed outcome


@pytest.fixture
def rich(tmp_path) -> pd.DataFrame:
    """Twelve trials with a subgroup, a covariate and a year."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(12):
        total = int(rng.integers(40, 400))
        risk = 0.3 + 0.02 * (i % 4)
        events_2 = int(rng.binomial(total, risk))
        events_1 = int(rng.binomial(total, risk * (0.6 if i % 3 else 0.9)))
        rows.append(
            {
                "study": f"Trial {i:02d}",
                "events_1": events_1,
                "total_1": total,
                "events_2": events_2,
                "total_2": total,
                "setting": "clinic" if i % 3 else "community",
                "dose": str(10 + 5 * (i % 5)),
                "year": str(2000 + (i * 7) % 12),
            }
        )
    return pd.DataFrame(rows)


def test_leave_one_out_and_cumulative_are_the_plain_fits_of_their_studies(rich):
    result = meta_analyses(rich, "RR", "REML", order="year", leave_one_out=True)
    yi, vi = np.array(result["yi"]), np.array(result["vi"])
    third = result["leave_one_out"][2]
    without = inverse_variance(np.delete(yi, 2), np.delete(vi, 2), "REML")
    assert third["study"] == "Trial 02" and math.isclose(third["estimate"], without.estimate, rel_tol=1e-12)
    order = np.argsort(rich["year"].astype(int).to_numpy(), kind="stable")
    assert [c["study"] for c in result["cumulative"]] == [rich["study"][i] for i in order]
    assert math.isclose(result["cumulative"][-1]["estimate"], result["estimate"], rel_tol=1e-9)
    first = result["cumulative"][0]
    assert math.isclose(first["estimate"], yi[order[0]]) and math.isclose(
        first["ci_high"] - first["estimate"], 1.959963984540054 * math.sqrt(vi[order[0]])
    )


def test_subgroups_test_differences_two_ways(rich):
    result = meta_analyses(rich, "RR", "REML", by="setting")["subgroups"]
    groups = {g["name"]: g for g in result["groups"]}
    assert set(groups) == {"clinic", "community"} and groups["community"]["k"] == 4
    estimates = np.array([groups[n]["estimate"] for n in ("clinic", "community")])
    ses = np.array([(groups[n]["ci_high"] - groups[n]["ci_low"]) / (2 * 1.959963984540054) for n in groups])
    common = inverse_variance(estimates, ses**2, "FE")
    assert math.isclose(result["q_between"], common.q, rel_tol=1e-9) and result["q_between_df"] == 1
    assert 0 <= result["qm_p"] <= 1 and result["qm_df"] == 1


def test_meta_regression_leaves_out_and_counts_studies_without_the_covariate(rich):
    rich.loc[3, "dose"] = ""
    result = meta_analyses(rich, "RR", "REML", mods="dose")["metareg"]
    assert result["k"] == 11 and result["left_out"] == 1
    assert [t["name"] for t in result["terms"]] == ["intercept", "dose"]
    slope = result["terms"][1]
    assert math.isclose(slope["p"], result["qm_p"], rel_tol=1e-9)  # one covariate: the Wald test is its z test
    assert 0 <= result["r2"] <= 100


def test_small_study_effects_find_nothing_in_a_symmetric_funnel_and_fill_an_empty_side():
    studies = [f"s{i}" for i in range(10)]
    vi = np.repeat([0.01, 0.04, 0.09, 0.16, 0.25], 2)
    spread = np.sqrt(vi)
    symmetric = pd.DataFrame({"study": studies, "yi": np.tile([1.0, -1.0], 5) * spread * 0.5, "vi": vi})
    bias = meta_analyses(symmetric, "GEN", "REML", bias=True)["bias"]
    assert abs(bias["egger"]["z"]) < 1e-6 and bias["trimfill"]["k0"] <= 1  # L0 may add one by rank noise
    lopsided = pd.DataFrame({"study": studies, "yi": 0.1 + spread * 1.5, "vi": vi})
    lopsided.loc[[0, 1], "yi"] = [0.05, 0.12]
    filled = meta_analyses(lopsided, "GEN", "REML", bias=True)["bias"]
    assert filled["egger"]["z"] > 2 and filled["trimfill"]["k0"] > 0 and filled["trimfill"]["side"] == "left"
    assert filled["trimfill"]["estimate"] < meta(lopsided, "GEN", "REML")["estimate"]
    assert -1 <= filled["begg"]["tau"] <= 1


@pytest.mark.skipif(not DEPTH.is_dir(), reason="the shared meta_depth set is not beside the checkout")
def test_every_key_of_the_shared_set_agrees_with_metafor_but_its_misordered_cumulative():
    """The stored cumulative analysis was made with order = order(year), which metafor 3.8
    warns is "probably erroneous" (it adds studies in another order than the years');
    `make bench-meta` compares ours with metafor's cumul(fit, order = year), live."""
    data = pd.read_csv(DEPTH / "bcg_moderators.csv")
    got = meta_analyses(data, "RR", "REML", by="alloc", mods="ablat", order="year", bias=True, leave_one_out=True)
    expected = json.loads((DEPTH / "bcg_moderators_RR_REML_expected.json").read_text())
    checked = 0

    def compare(ours, theirs, where):
        nonlocal checked
        if isinstance(theirs, dict):
            for key, value in theirs.items():
                compare(ours[key], value, f"{where}.{key}")
        elif isinstance(theirs, list):
            assert len(ours) == len(theirs), where
            for index, (a, b) in enumerate(zip(ours, theirs)):
                compare(a, b, f"{where}[{index}]")
        elif isinstance(theirs, str):
            assert ours == theirs, where
        else:
            checked += 1
            assert abs(ours - theirs) <= 1e-4 * max(abs(theirs), 1e-12), (where, ours, theirs)

    for key in ("k", "main", "bias", "leave_one_out", "subgroups", "metareg"):
        compare(got[key], expected[key], key)
    assert checked > 100


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        (lambda d: d.drop(columns="setting"), ["--by", "setting"], "has no column 'setting'"),
        (lambda d: d.assign(setting=["", *d["setting"][1:]]), ["--by", "setting"], "row 2, column 'setting': is empty"),
        (lambda d: d.assign(dose=["ten", *d["dose"][1:]]), ["--mods", "dose"], "row 2, column 'dose': 'ten' is not"),
        (lambda d: d.head(2), ["--bias"], "has 2 studies; the tests for small-study effects need at least 3"),
        (lambda d: d.assign(setting="clinic"), ["--by", "setting"], "has one subgroup only ('clinic')"),
        (lambda d: d, ["--bias", "--method", "DL"], "use --method REML or FE (not DL)"),
    ],
)
def test_bad_requests_give_one_line_and_no_output(rich, tmp_path, capsys, change, args, message):
    data = tmp_path / "data.csv"
    change(rich).to_csv(data, index=False)
    out = tmp_path / "out.json"
    method = [] if "--method" in args else ["--method", "REML"]
    assert main(["meta", str(data), "--measure", "RR", *method, *args, "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("reviewflow: ") and message in err[0], err
    assert not out.exists()


def test_the_command_writes_every_section_asked_for(rich, tmp_path):
    data = tmp_path / "data.csv"
    rich.to_csv(data, index=False)
    out = tmp_path / "out.json"
    argv = ["meta", str(data), "--measure", "RR", "--method", "REML", "--by", "setting", "--mods", "dose"]
    assert main([*argv, "--order", "year", "--bias", "--leave-one-out", "-o", str(out)]) == 0
    result = json.loads(out.read_text())
    assert {"main", "bias", "leave_one_out", "cumulative", "subgroups", "metareg", "estimate", "yi"} <= set(result)
    assert set(result["bias"]) == {"egger", "begg", "trimfill"}


def test_binary_effects_default_keeps_and_option_drops():
    yi, _ = binary_effects("OR", [0], [10], [0], [12])
    dropped, _ = binary_effects("OR", [0], [10], [0], [12], drop_double_zero=True)
    assert not math.isnan(yi[0]) and math.isnan(dropped[0])
    with pytest.raises(ReviewflowError):
        meta(pd.DataFrame({"study": ["a"], "yi": ["x"], "vi": ["1"]}), "GEN", "FE")
