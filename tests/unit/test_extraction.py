"""The extraction sheets: schema errors name sheet, row and column; cross-sheet
checks; comparisons derived from arms."""

import pytest
from helpers import VOCABULARY, make_sheet

from reviewflow.errors import ReviewflowError
from reviewflow.schemas import sheet_schema
from reviewflow.sheets import read_sheet
from reviewflow.studies.comparisons import derive_comparisons
from reviewflow.studies.extraction import check_extraction

FILES = {"registry": "studies.csv", "arms": "arms.csv", "outcomes": "outcomes.csv"}
STUDIES = make_sheet("studies", [{"study_id": "s1", "label": "S 2001", "design": "RCT"}])
ARMS = make_sheet(
    "arms",
    [
        {"study_id": "s1", "arm": "A", "name": "CPMP", "arm_type": "CPMP", "n_randomised": "30", "n_analysed": "28"},
        {"study_id": "s1", "arm": "B", "name": "Waiting list", "arm_type": "waitlist", "n_randomised": "30"},
    ],
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "sheet, text, message",
    [
        (
            "arms",
            "study_id,arm,name,arm_type\ns1,A,Yoga,yoga class\n",
            r"arms.csv, row 2, column 'arm_type': 'yoga class' is not allowed; allowed: IPMP, CPMP, usual "
            r"care, waitlist",
        ),
        (
            "outcomes",
            "study_id,arms,domain,measure,timepoint,result\ns1,A,pain,VAS,,3.1\n",
            r"outcomes.csv, row 2, column 'timepoint': is empty but required",
        ),
        (
            "outcomes",
            "study_id,arms,domain,measure,timepoint,result\ns1,A,mood,PHQ-9,12 months,7\n",
            r"outcomes.csv, row 2, column 'domain': 'mood' is not allowed; allowed: pain, function, opioid use",
        ),
        (
            "outcomes",
            "study_id,arms,domain,measure,timepoint,result\ns1,A to B,pain,VAS,12 months,3\n",
            r"outcomes.csv, row 2, column 'arms': 'A to B' is not valid; expected an arm letter, or two "
            r"joined by ' vs '",
        ),
        (
            "studies",
            "study_id,label,design\ns1,S,RCT\ns1,S again,RCT\n",
            r"studies.csv, row 3, column 'study_id': duplicate entry \(study_id=s1\); first given in row 2",
        ),
        (
            "arms",
            "study_id,arm,name,arm_type,n_randomised\ns1,A,CPMP,CPMP,thirty\n",
            r"arms.csv, row 2, column 'n_randomised': 'thirty' is not valid; expected a whole number",
        ),
    ],
)
def test_schema_errors_name_sheet_row_and_column(tmp_path, sheet, text, message):
    with pytest.raises(ReviewflowError, match=message):
        read_sheet(write(tmp_path, f"{sheet}.csv", text), sheet_schema(sheet, VOCABULARY))


def test_n_analysed_greater_than_randomised_is_an_error():
    arms = ARMS.copy()
    arms.loc[0, "n_analysed"] = "31"
    with pytest.raises(
        ReviewflowError,
        match=r"arms.csv, row 2, column 'n_analysed': N analysed \(31\) is greater than N randomised \(30\)",
    ):
        check_extraction(STUDIES, arms, make_sheet("outcomes", []), FILES, VOCABULARY)


def test_outcome_of_an_arm_the_study_lacks_is_an_error():
    outcomes = make_sheet(
        "outcomes",
        [
            {
                "study_id": "s1",
                "arms": "A vs C",
                "domain": "pain",
                "measure": "VAS",
                "timepoint": "6 months",
                "result": "-1",
            }
        ],
    )
    with pytest.raises(
        ReviewflowError, match=r"outcomes.csv, row 2, column 'arms': study 's1' has no arm C; its arms: A, B"
    ):
        check_extraction(STUDIES, ARMS, outcomes, FILES, VOCABULARY)


def test_arm_of_an_unknown_study_is_an_error_and_a_study_without_arms_awaits_extraction():
    arms = make_sheet("arms", [{"study_id": "s9", "arm": "A", "name": "x", "arm_type": "CPMP"}])
    with pytest.raises(
        ReviewflowError, match=r"arms.csv, row 2, column 'study_id': study 's9' is not in the study registry"
    ):
        check_extraction(STUDIES, arms, make_sheet("outcomes", []), FILES, VOCABULARY)
    empty = check_extraction(STUDIES, make_sheet("arms", []), make_sheet("outcomes", []), FILES, VOCABULARY)
    assert empty.unextracted == tuple(sorted(STUDIES["study_id"])) and empty.comparisons.empty


def test_comparisons_pair_every_arm_with_a_program_arm_program_first():
    arms = make_sheet(
        "arms",
        [
            {"study_id": "s1", "arm": "A", "name": "Usual care", "arm_type": "usual care"},
            {"study_id": "s1", "arm": "B", "name": "CPMP group", "arm_type": "CPMP", "session_format": "group"},
            {
                "study_id": "s1",
                "arm": "C",
                "name": "CPMP one-to-one",
                "arm_type": "CPMP",
                "session_format": "individual",
            },
            {"study_id": "s1", "arm": "D", "name": "Exercise", "arm_type": "physical activity"},
        ],
    )
    comparisons = derive_comparisons(arms, VOCABULARY)
    assert list(
        zip(
            comparisons["comparison_id"],
            comparisons["kind"],
            comparisons["comparator_type"],
            comparisons["differences"],
        )
    ) == [
        ("B vs A", "intervention vs comparator", "usual care", ""),
        ("C vs A", "intervention vs comparator", "usual care", ""),
        ("B vs C", "intervention variants", "intervention variant", "session_format"),
        ("B vs D", "intervention vs comparator", "physical activity", ""),
        ("C vs D", "intervention vs comparator", "physical activity", ""),
    ]  # usual care vs exercise (A vs D) has no program arm: no comparison
