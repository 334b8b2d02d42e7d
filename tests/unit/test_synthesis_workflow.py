"""Synthesis in the workflow: structured results into analyses, pooled estimates that
agree with `meta`, strength of evidence per outcome and timepoint, forest plots."""

import re

import pandas as pd
import pytest
from helpers import make_sheet

from reviewflow.errors import ReviewflowError
from reviewflow.rob import load_tool
from reviewflow.synthesis import meta
from reviewflow.synthesis.analyses import Settings, run_analyses
from reviewflow.synthesis.forest import forest_plot
from reviewflow.synthesis.pooling import inverse_variance
from reviewflow.synthesis.results import category_of, check_numbers, months_of, structured_results
from reviewflow.synthesis.soe import precision, sheet_units, soe_table

CATEGORIES = [
    {"name": "end of treatment", "from_months": 0, "to_months": 1, "definition": ""},
    {"name": "short term", "from_months": 1, "to_months": 6, "definition": ""},
    {"name": "long term", "from_months": 6, "definition": ""},
]
OUTCOME_FIELDS = ["months", "mean", "sd", "n", "events", "total", "effect_measure", "effect", "ci_low", "ci_high"]
SETTINGS = Settings.from_config(
    {
        "method": "REML",
        "measures": [
            {"name": "pain 0-10", "better": "lower", "mid": 1},
            {"name": "pain 0-100", "better": "lower", "mid": 10},
            {"name": "wellbeing 0-100", "better": "higher", "mid": 10},
        ],
    }
)


def test_timepoints_fall_into_categories_by_months_or_by_name():
    assert months_of("postintervention") == 0 and months_of("End of treatment") == 0
    assert months_of("2 years") == 24 and months_of("12 months") == 12
    assert months_of("6 weeks") == pytest.approx(1.38, abs=0.01)
    assert months_of("baseline") is None and months_of("during treatment") is None
    assert category_of("postintervention", "", CATEGORIES) == "end of treatment"
    assert category_of("6 weeks", "", CATEGORIES) == "short term"
    assert category_of("6 months", "", CATEGORIES) == "long term"
    assert category_of("12 months", "3", CATEGORIES) == "short term"  # the sheet's months win
    assert category_of("Short term", "", CATEGORIES) == "short term"
    assert category_of("baseline", "", CATEGORIES) == ""


def _outcome(study, arms, measure, timepoint, **fields):
    row = {"study_id": study, "arms": arms, "domain": "pain", "measure": measure, "timepoint": timepoint}
    return {
        **row,
        "result": "as reported",
        "source": "",
        "illustrative": "",
        **dict.fromkeys(OUTCOME_FIELDS, ""),
        **fields,
    }


def _study(study, measure="pain 0-10", timepoint="3 months", means=(3.0, 4.0), sds=(2.0, 2.0), n=(50, 50)):
    return [
        _outcome(study, "A", measure, timepoint, mean=str(means[0]), sd=str(sds[0]), n=str(n[0])),
        _outcome(study, "B", measure, timepoint, mean=str(means[1]), sd=str(sds[1]), n=str(n[1])),
    ]


def _frames(outcome_rows, studies):
    evidence = pd.DataFrame(
        [
            {"kq": "KQ1", "kq_group": "usual care", "study_id": s, "label": s.title(), "comparison_id": "A vs B"}
            for s in studies
        ]
    )
    comparisons = pd.DataFrame(
        [{"study_id": s, "comparison_id": "A vs B", "intervention_arm": "A", "comparator_arm": "B"} for s in studies]
    )
    arms = pd.DataFrame(
        [
            {"study_id": s, "arm": arm, "arm_type": kind, "n_analysed": "", "n_randomised": "60", "illustrative": ""}
            for s in studies
            for arm, kind in (("A", "program"), ("B", "usual care"))
        ]
    )
    outcomes = pd.DataFrame(outcome_rows)
    return structured_results(outcomes, evidence, comparisons, arms, CATEGORIES)


def test_one_measure_pools_as_md_and_agrees_with_meta():
    rows = _study("s1", means=(3.0, 4.0)) + _study("s2", means=(2.5, 4.5), sds=(1.5, 2.5), n=(30, 35))
    rows += _study("s3", means=(3.2, 3.6), n=(80, 75))
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2", "s3"]), SETTINGS)
    assert len(analyses) == 1
    analysis = analyses.iloc[0]
    assert (analysis["measure"], analysis["timepoint"], analysis["k"], analysis["participants"]) == (
        "MD",
        "short term",
        3,
        320,
    )
    data = pd.DataFrame(
        {
            "study": ["s1", "s2", "s3"],
            "mean_1": [3.0, 2.5, 3.2],
            "sd_1": [2.0, 1.5, 2.0],
            "n_1": [50, 30, 80],
            "mean_2": [4.0, 4.5, 3.6],
            "sd_2": [2.0, 2.5, 2.0],
            "n_2": [50, 35, 75],
        }
    )
    expected = meta(data, "MD", "REML")
    for key in ("estimate", "ci_low", "ci_high", "tau2", "i2"):
        assert float(analysis[key]) == pytest.approx(expected[key], rel=1e-5, abs=1e-9)
    assert sum(float(w) for w in estimates["weight"]) == pytest.approx(100, abs=0.2)


def test_mixed_measures_pool_as_smd_with_direction_aligned_and_text_only_counted():
    rows = _study("s1") + _study("s2", measure="pain 0-100", means=(30, 45), sds=(20, 20))
    # higher is better: the program's higher wellbeing must come out as a negative (better) SMD
    rows += _study("s3", measure="wellbeing 0-100", means=(60, 50), sds=(20, 20))
    rows.append(_outcome("s4", "A vs B", "pain 0-10", "3 months", result="no difference (p>0.05)"))
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2", "s3", "s4"]), SETTINGS)
    analysis = analyses.iloc[0]
    assert (analysis["measure"], analysis["k"], analysis["n_studies"]) == ("SMD", 3, 4)
    by_study = estimates.set_index("study_id")
    assert float(by_study.loc["s3", "estimate"]) < 0
    assert by_study.loc["s4", "pooled"] == "no" and by_study.loc["s4", "reason"] == "reported in words only"


def test_reported_effect_written_the_other_way_round_is_reversed():
    rows = _study("s1", means=(3.0, 4.0))
    rows.append(
        _outcome(
            "s2", "B vs A", "pain 0-10", "3 months", effect_measure="MD", effect="1.0", ci_low="0.2", ci_high="1.8"
        )
    )
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2"]), SETTINGS)
    s2 = estimates.set_index("study_id").loc["s2"]
    assert float(s2["estimate"]) == pytest.approx(-1.0)
    assert float(s2["ci_low"]) == pytest.approx(-1.8, abs=1e-6) and float(s2["ci_high"]) == pytest.approx(
        -0.2, abs=1e-6
    )
    assert s2["participants"] == 120  # from the arms' n_randomised


def test_counts_follow_the_outcome_and_timepoint_that_report_them():
    rows = _study("s1") + _study("s2") + _study("s1", timepoint="12 months") + _study("s3", timepoint="12 months")
    rows += _study("s4", timepoint="12 months")
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2", "s3", "s4"]), SETTINGS)
    assert dict(zip(analyses["timepoint"], analyses["n_studies"])) == {"long term": 3, "short term": 2}


def _graded(rows, studies, sheet_rows, overall):
    results = _frames(rows, studies)
    sheet = make_sheet("soe", sheet_rows)
    evidence = results[["kq", "kq_group"]].drop_duplicates()
    units = sheet_units(sheet, evidence, ["KQ1"], "soe.csv")
    analyses, estimates = run_analyses(results, SETTINGS, units)
    rob = pd.DataFrame({"study_id": studies, "overall": overall})
    return soe_table(sheet, analyses, estimates, rob, load_tool("quality-rating"), SETTINGS)


def test_strength_of_evidence_rules_and_the_teams_grade_kept():
    rows = [r for s in ("s1", "s2", "s3", "s4") for r in _study(s, n=(60, 60))]
    sheet = [
        {
            "kq": "KQ1",
            "comparison": "usual care",
            "intervention": "program",
            "outcome": "pain",
            "timepoint": "short term",
            "directness": "Direct",
            "reporting_bias": "Undetected",
            "grade": "High",
        }
    ]
    table = _graded(rows, ["s1", "s2", "s3", "s4"], sheet, ["Good", "Good", "Fair", "Poor"])
    row = table.iloc[0]
    assert (row["n_studies"], row["participants"]) == ("4", "480")
    assert row["study_limitations_by_rule"] == "Medium"
    assert row["consistency_by_rule"] == "Consistent"  # identical studies: I2 0, all one way
    assert row["precision_by_rule"] == "Precise"  # 480 participants, CI excludes 0
    assert row["grade_by_rule"] == "Moderate" and row["grade"] == "High" and row["differs"] == "grade"
    assert row["effect"].startswith("MD \u22121.00 (95% CI")


def test_one_small_study_is_unknown_consistency_and_imprecise():
    table = _graded(_study("s1"), ["s1"], [], ["Good"])
    row = table.iloc[0]
    assert (row["consistency_by_rule"], row["precision_by_rule"], row["grade"]) == ("Unknown", "Imprecise", "")
    assert row["grade_by_rule"] == "Low"  # High, less one for unknown consistency, one for imprecision


def test_precision_against_the_minimal_important_difference():
    analysis = {"measure": "MD", "note": "mean difference on pain 0-10", "ci_low": "-0.5", "ci_high": "0.6"}
    assert precision(analysis, 1000, SETTINGS) == "Precise"  # rules out 1 point either way
    assert precision({**analysis, "ci_high": "1.4"}, 1000, SETTINGS) == "Imprecise"
    assert precision(analysis, 100, SETTINGS) == "Imprecise"  # below the optimal information size
    ratio = {"measure": "RR", "note": "risk ratio", "ci_low": "0.9", "ci_high": "1.1"}
    assert (
        precision(ratio, 1000, SETTINGS) == "Precise"
        and precision({**ratio, "ci_high": "1.3"}, 1000, SETTINGS) == "Imprecise"
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"arms": "A vs B", "mean": "3"}, r"row 2, column 'mean': a between-arm result"),
        ({"effect_measure": "MD", "effect": "1"}, r"row 2, column 'effect_measure': one arm's result"),
        (
            {"arms": "A vs B", "effect_measure": "RR", "effect": "0.5", "ci_low": "0", "ci_high": "0.9"},
            r"row 2, column 'ci_low': a RR and its CI are ratios above 0",
        ),
        ({"events": "12", "total": "10"}, r"row 2, column 'events': 12 events among 10 participants"),
        ({"arms": "A vs B", "effect_measure": "MD", "effect": "1"}, r"row 2, column 'ci_low': .* ci_low is empty"),
    ],
)
def test_numbers_that_cannot_go_together_are_refused(fields, message):
    row = _outcome("s1", "A", "pain 0-10", "3 months")
    with pytest.raises(ReviewflowError, match=re.compile(r"outcomes.csv, " + message)):
        check_numbers(pd.DataFrame([{**row, **fields}]), "outcomes.csv")


def test_forest_plot_keeps_forty_long_labels_readable():
    studies = [
        {
            "study_id": f"s{i}",
            "label": f"Investigators of a very long multicentre trial name number {i} (2020)",
            "participants": 100,
            "estimate": -0.2 - i / 100,
            "ci_low": -0.6 - i / 100,
            "ci_high": 0.2 - i / 100,
            "weight": 2.5,
            "illustrative": "all" if i == 3 else "",
        }
        for i in range(40)
    ]
    analysis = {
        "kq": "KQ1",
        "kq_group": "usual care",
        "outcome": "pain",
        "timepoint": "short term",
        "measure": "SMD",
        "k": 40,
        "method": "REML",
        "estimate": "-0.4",
        "ci_low": "-0.5",
        "ci_high": "-0.3",
        "pi_low": "-0.7",
        "pi_high": "-0.1",
        "tau2": "0.01",
        "i2": "12",
        "q": "44.1",
        "q_p": "0.27",
        "participants": 4000,
        "illustrative": "all",
    }
    svg = forest_plot(analysis, studies, {"s1": ("Good", "low")}, "cochrane", ("favours program", "favours usual care"))
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert all(len(t) <= 34 for t in texts if "trial" in t or "Investigators" in t)  # labels wrapped
    assert sum("(2020)" in t for t in texts) == 40
    assert "\u2020" in svg and "Pooled, REML \u2020" in svg  # the illustrative study and the pooled row marked
    assert svg.count("<polygon") == 1 and 'stroke-dasharray="4 3"' in svg  # diamond and prediction interval
    assert "I\u00b2 = 12%" in svg and "favours program" in svg
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    assert height > 40 * 30  # two lines per label, nothing overlaps
    as_columns = forest_plot(
        analysis, pd.DataFrame(studies), {"s1": ("Good", "low")}, "cochrane", ("favours program", "favours usual care")
    )
    assert as_columns == svg  # the rows read as a frame's columns draw the same bytes


def _one_ratio_study(kq: str) -> tuple[list[dict], dict]:
    """One study's risk ratio of 0.5 (0.25 to 1.0) and its analysis, for forest plots."""
    studies = [{"study_id": "s1", "label": "A", "participants": 10, "estimate": 0.5, "ci_low": 0.25, "ci_high": 1.0}]
    analysis = {"kq": kq, "kq_group": "g", "outcome": "o", "timepoint": "t", "measure": "RR", "k": 1, "estimate": "0.5"}
    return studies, analysis


def test_forest_plot_of_ratios_has_a_log_axis():
    studies, analysis = _one_ratio_study("KQ1")
    svg = forest_plot(analysis, studies, {}, "cochrane", ("favours a", "favours b"))
    ticks = re.findall(r'text-anchor="middle">([0-9.]+)</text>', svg)
    assert ticks == ["0.5", "1"] or {"0.5", "1"} <= set(ticks)


def test_forest_plots_of_two_interventions_in_one_group_have_two_titles():
    """The title names the intervention when the analysis has one, as the report's heading does."""
    studies, analysis = _one_ratio_study("KQ2")
    titles = {
        re.search(
            r"<title>([^<]*)</title>", forest_plot({**analysis, "intervention": i}, studies, {}, "cochrane", ("a", "b"))
        ).group(1)
        for i in ("CPMP", "IPMP")
    }
    assert titles == {
        "Forest plot: KQ2, g (CPMP), o, t: RR of 1 study",
        "Forest plot: KQ2, g (IPMP), o, t: RR of 1 study",
    }


def _twelve(spread: bool = False):
    """Twelve small trials of one measure, the first four at the tool's worst judgement."""
    studies = [f"s{i:02d}" for i in range(12)]
    rows = []
    for i, s in enumerate(studies):
        difference = (0.5 + 0.4 * i) if spread else 1.0
        rows += _study(s, means=(3.0, 3.0 + difference), n=(20 + 10 * i, 20 + 10 * i))
    return rows, studies


def test_after_pooling_every_pooled_analysis_gets_sensitivity_and_small_study_rows():
    from reviewflow.synthesis.beyond import beyond_pooling

    rows, studies = _twelve(spread=True)
    analyses, estimates = run_analyses(_frames(rows, studies), SETTINGS)
    years = {s: str(2020 - i) for i, s in enumerate(studies)}  # the last study is the oldest
    group = {s: ("group" if i % 2 else "individual") for i, s in enumerate(studies)}
    after = beyond_pooling(
        analyses,
        estimates,
        method="REML",
        worst={"s00", "s01", "s02", "s03"},
        years=years,
        subgroups={"KQ1": [("format", lambda study, comparison: group[study])]},
        covariates=[("dose", {s: str(i) for i, s in enumerate(studies)})],
        min_k=10,
        alpha=0.1,
    )
    sensitivity = after["sensitivity"]
    assert (sensitivity["kind"] == "leave one out").sum() == 12
    without = sensitivity[sensitivity["kind"] == "without high risk of bias"].iloc[0]
    assert without["study_id"] == "s00; s01; s02; s03" and without["k"] == "8"
    kept = estimates[~estimates["study_id"].isin(["s00", "s01", "s02", "s03"])]
    alone = inverse_variance(kept["yi"].astype(float), kept["vi"].astype(float), "REML")
    assert float(without["estimate"]) == pytest.approx(alone.estimate, rel=1e-5)
    cumulative = sensitivity[sensitivity["kind"] == "cumulative by year"]
    assert list(cumulative["study_id"]) == studies[::-1] and list(cumulative["note"])[:2] == ["2009", "2010"]
    bias = after["bias"].iloc[0]
    assert bias["k"] == "12" and bias["suggestion"] in ("suspected", "undetected") and bias["egger_p"]
    assert set(after["subgroups"]["level"]) == {"group", "individual"}
    assert after["metareg"].iloc[0]["covariate"] == "dose" and after["metareg"].iloc[0]["k"] == "12"


def test_small_study_tests_wait_for_enough_studies_and_the_soe_says_so():
    from reviewflow.synthesis.beyond import beyond_pooling

    rows = [r for s in ("s1", "s2", "s3") for r in _study(s, n=(60, 60))]
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2", "s3"]), SETTINGS)
    kwargs = {"method": "REML", "worst": set(), "years": {}, "subgroups": {}, "covariates": []}
    after = beyond_pooling(analyses, estimates, min_k=10, alpha=0.1, **kwargs)
    assert after["bias"].iloc[0]["suggestion"] == "not assessable, k < 10"
    without = after["sensitivity"][after["sensitivity"]["kind"] == "without high risk of bias"].iloc[0]
    assert without["note"] == "no study at the tool's worst judgement"
    rob = pd.DataFrame({"study_id": ["s1", "s2", "s3"], "overall": ["Good"] * 3})
    table = soe_table(make_sheet("soe", []), analyses, estimates, rob, load_tool("quality-rating"), SETTINGS, after)
    assert table.iloc[0]["reporting_bias_by_rule"] == "Not assessable"
    assert table.iloc[0]["reporting_bias"] == ""  # the team's column stays the team's


def test_consistency_reads_the_prediction_interval_and_subgroup_differences():
    from reviewflow.synthesis.soe import consistency

    studies = pd.DataFrame({"pooled": ["yes"] * 3, "ci_low": ["-2", "-1.5", "-1"], "ci_high": ["-0.5", "-0.2", "0.1"]})
    analysis = {"measure": "MD", "i2": "10", "ci_low": "-1.2", "ci_high": "-0.4", "pi_low": "-1.5", "pi_high": "-0.1"}
    assert consistency(analysis, studies, SETTINGS) == "Consistent"
    assert consistency({**analysis, "pi_high": "0.3"}, studies, SETTINGS) == "Inconsistent"  # PI crosses no effect
    assert consistency(analysis, studies, SETTINGS, subgroups_p="0.04") == "Inconsistent"
    assert consistency(analysis, studies, SETTINGS, subgroups_p="0.40") == "Consistent"


def test_funnel_plot_draws_each_study_and_the_filled_ones_open():
    from reviewflow.synthesis.funnel import funnel_plot

    analysis = {"kq": "KQ1", "kq_group": "g", "intervention": "", "outcome": "pain", "timepoint": "t"}
    analysis |= {"measure": "RR", "estimate": "0.8"}
    svg = funnel_plot(analysis, [-0.2, -0.1, 0.05], [0.1, 0.2, 0.3], [(0.3, 0.25)])
    assert svg.count('fill="#1d2731"/>') == 3 and svg.count('fill="#ffffff" stroke="#1d2731"') == 1
    assert "RR (log scale)" in svg and "3 studies, 1 filled in" in svg
    assert svg == funnel_plot(analysis, [-0.2, -0.1, 0.05], [0.1, 0.2, 0.3], [(0.3, 0.25)])  # bytes from numbers


def test_leave_one_out_subgroup_and_bubble_plots_draw_every_row_and_point():
    from reviewflow.synthesis.plots import bubble_plot, interval_plot

    rows = [
        {"label": "All 3 studies", "kind": "summary", "estimate": -0.5, "ci_low": -0.8, "ci_high": -0.2},
        {"label": "group (k = 2)", "kind": "heading"},
        {"label": "without Able 2001", "kind": "study", "estimate": -0.4, "ci_low": -0.7, "ci_high": -0.1},
        {"label": "without Baker 2005", "kind": "study", "estimate": -0.6, "ci_low": -0.9, "ci_high": -0.3},
    ]
    svg = interval_plot("Leave-one-out plot: KQ1", "SMD", rows, "Test for subgroup differences: Q = 1.20, df = 1")
    assert svg.count("<polygon") == 1 and svg.count("<rect") == 2 and "\u22120.40 (\u22120.70 to \u22120.10)" in svg
    assert "Test for subgroup differences" in svg and svg == interval_plot(
        "Leave-one-out plot: KQ1", "SMD", rows, "Test for subgroup differences: Q = 1.20, df = 1"
    )
    ratio = interval_plot("x", "RR", rows[:1])
    assert "0.61 (0.45 to 0.82)" in ratio and "RR (log scale)" in ratio  # exp(-0.5), labelled as ratios
    bubbles = bubble_plot(
        "Bubble plot", "SMD", "mean age", [(40, -0.2, 0.04), (50, -0.5, 0.01), (60, -0.7, 0.09)], (0.4, -0.02)
    )
    assert bubbles.count("<circle") == 3 and "mean age" in bubbles
