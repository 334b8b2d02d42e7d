"""Certainty of each index test's sensitivity and specificity: risk of bias (AHRQ: study
limitations) by rule from the QUADAS-2 judgements of the studies analysed, every other
domain the team's, GRADE starting High for accuracy studies, the team's grade kept beside
the one the domains give, and a sheet row about a test with no analysis refused."""

import pandas as pd
import pytest

from reviewflow.certainty import load_system
from reviewflow.errors import ReviewflowError
from reviewflow.rob import load_tool
from reviewflow.schemas import sheet_schema
from reviewflow.sheets import check_rows
from reviewflow.synthesis.accuracy_certainty import certainty_table

QUADAS = load_tool("quadas-2")
VOCABULARY = {
    "designs": [{"name": "cross-sectional accuracy study"}],
    "outcome_domains": [],
    "index_tests": [{"name": "ultrasound"}, {"name": "d-dimer"}],
    "reference_standards": [{"name": "venography"}],
    "target_conditions": [{"name": "dvt"}],
}
# Constructed: four studies of ultrasound for dvt (counts not from any study).
STUDIES = pd.DataFrame(
    [
        {"analysis_id": "dvt-ultrasound", "study_id": s, "tp": "40", "fn": "10", "fp": "5", "tn": "95"}
        for s in ("a", "b", "c", "d")
    ]
)


def _analyses(ci_low="0.7"):
    row = {"analysis_id": "dvt-ultrasound", "target_condition": "dvt", "index_test": "ultrasound", "subgroup": ""}
    row.update(k="4", sensitivity="0.8", sensitivity_ci_low=ci_low, sensitivity_ci_high="0.88")
    row.update(specificity="0.95", specificity_ci_low="0.9", specificity_ci_high="0.97")
    subgroup = {**row, "analysis_id": "dvt-ultrasound-setting-x", "subgroup": "setting"}
    return pd.DataFrame([row, subgroup])


def _rob(overalls, illustrative=""):
    return pd.DataFrame([{"study_id": s, "overall": o, "illustrative": illustrative} for s, o in zip("abcd", overalls)])


def _sheet(rows, system):
    schema = sheet_schema("accuracy_certainty", VOCABULARY, system)
    header = list(schema["properties"])
    return check_rows(header, [[row.get(c, "") for c in header] for row in rows], schema, "accuracy_certainty.csv")


def _rated(rob, rows=(), system="grade", analyses=None):
    table = certainty_table(
        _analyses() if analyses is None else analyses,
        STUDIES,
        rob,
        _sheet(list(rows), system),
        load_system(system),
        QUADAS,
        "accuracy_certainty.csv",
    )
    return {row["measure"]: row for row in table.to_dict("records")}


def test_grade_starts_high_and_risk_of_bias_comes_from_the_quadas_judgements():
    rated = _rated(_rob(["Low"] * 4))
    assert set(rated) == {"sensitivity", "specificity"}  # the main analysis only, both measures
    assert rated["sensitivity"]["risk_of_bias"] == "Not serious" and rated["sensitivity"]["grade"] == "High"
    assert rated["sensitivity"]["participants"] == 200 and rated["specificity"]["participants"] == 400
    some = _rated(_rob(["Low", "Low", "Unclear", "High"]))
    assert some["sensitivity"]["risk_of_bias"] == "Serious" and some["sensitivity"]["grade"] == "Moderate"
    half = _rated(_rob(["High", "Low", "High", "Low"]))
    assert half["specificity"]["risk_of_bias"] == "Very serious" and half["specificity"]["grade"] == "Low"


def test_the_teams_domains_lower_the_grade_and_a_stated_grade_is_kept_beside_the_rules():
    team = [
        {"target_condition": "dvt", "index_test": "ultrasound", "measure": "sensitivity", "inconsistency": "Serious"},
        {
            "target_condition": "dvt",
            "index_test": "ultrasound",
            "measure": "specificity",
            "imprecision": "Very serious",
            "risk_of_bias": "Not serious",
            "grade": "Moderate",
        },
    ]
    rated = _rated(_rob(["Low", "Low", "Unclear", "High"]), team)
    assert rated["sensitivity"]["grade"] == "Low"  # serious risk of bias (rule) and inconsistency (team)
    assert rated["specificity"]["risk_of_bias"] == "Not serious"  # the team's judgement wins over the rule's
    assert rated["specificity"]["grade_by_rule"] == "Low" and rated["specificity"]["grade"] == "Moderate"
    assert rated["specificity"]["stated"] == "risk_of_bias; imprecision; grade"


def test_ahrq_starts_from_study_limitations_and_without_an_estimate_is_insufficient():
    rated = _rated(_rob(["Low"] * 4), system="ahrq-soe")
    assert rated["sensitivity"]["study_limitations"] == "Low" and rated["sensitivity"]["grade"] == "High"
    team = [
        {"target_condition": "dvt", "index_test": "ultrasound", "measure": "sensitivity", "consistency": "Inconsistent"}
    ]
    lowered = _rated(_rob(["High", "High", "Low", "Low"]), team, system="ahrq-soe")
    assert lowered["sensitivity"]["study_limitations"] == "High" and lowered["sensitivity"]["grade"] == "Insufficient"
    unestimated = _rated(_rob(["Low"] * 4), system="ahrq-soe", analyses=_analyses(ci_low=""))
    assert unestimated["sensitivity"]["grade"] == "Insufficient" and unestimated["specificity"]["grade"] == "High"


def test_a_rule_resting_on_illustrative_judgements_is_marked_illustrative():
    rated = _rated(_rob(["Low"] * 4, illustrative="all"))
    assert rated["sensitivity"]["illustrative"] == "risk_of_bias; grade"
    assert _rated(_rob(["Low"] * 4))["sensitivity"]["illustrative"] == ""


def test_a_judgement_about_a_test_with_no_analysis_is_refused():
    team = [{"target_condition": "dvt", "index_test": "d-dimer", "measure": "sensitivity", "imprecision": "Serious"}]
    with pytest.raises(ReviewflowError) as caught:
        _rated(_rob(["Low"] * 4), team)
    assert str(caught.value) == (
        "accuracy_certainty.csv, row 2, column 'index_test': no analysis of d-dimer for dvt: the accuracy sheet has "
        "no 2x2 table of it"
    )
