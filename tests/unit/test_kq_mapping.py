"""Key-question rules and per-study overrides."""

import pytest
from helpers import VOCABULARY, make_sheet
from test_studies import KQS

from reviewflow.errors import ReviewflowError
from reviewflow.marks import MARK
from reviewflow.studies.comparisons import derive_comparisons
from reviewflow.studies.kq_mapping import apply_overrides, apply_rules, kq_matrix

ARMS = make_sheet(
    "arms",
    [
        {"study_id": "s1", "arm": "A", "name": "CPMP", "arm_type": "CPMP", "components": "CBT; exercise"},
        {
            "study_id": "s1",
            "arm": "B",
            "name": "CPMP plus body awareness",
            "arm_type": "CPMP",
            "components": "CBT; exercise; body awareness",
        },
        {"study_id": "s1", "arm": "C", "name": "Waiting list", "arm_type": "waitlist"},
        {"study_id": "s2", "arm": "A", "name": "CPMP", "arm_type": "CPMP"},
        {"study_id": "s2", "arm": "B", "name": "Usual care", "arm_type": "usual care"},
    ],
)
COMPARISONS = derive_comparisons(ARMS, VOCABULARY)


def mapped(*overrides):
    rules = apply_rules(COMPARISONS, KQS)
    sheet = make_sheet("kq_overrides", list(overrides))
    return apply_overrides(rules, sheet, COMPARISONS, {"s1", "s2"}, KQS, "kq_overrides.csv")


def keys(frame):
    return sorted(zip(frame["kq"], frame["kq_group"], frame["study_id"], frame["comparison_id"]))


def test_rules_alone():
    assert keys(mapped()) == [
        ("KQ1", "usual care or waitlist", "s1", "A vs C"),
        ("KQ1", "usual care or waitlist", "s1", "B vs C"),
        ("KQ1", "usual care or waitlist", "s2", "A vs B"),
        ("KQ2", "B", "s1", "A vs B"),
    ]


def test_include_adds_a_comparison_to_a_group_and_says_why():
    out = mapped(
        {
            "study_id": "s1",
            "comparison": "A vs B",
            "kq": "KQ2",
            "group": "D",
            "action": "include",
            "reason": "changes the emphasis",
            "illustrative": "all",
        }
    )
    row = out[(out["kq_group"] == "D")].iloc[0]
    assert (row["study_id"], row["comparison_id"], row["mapped_by"]) == (
        "s1",
        "A vs B",
        f"placed by the review team: changes the emphasis{MARK}",
    )


def test_exclude_without_comparison_removes_every_comparison_of_the_study_from_the_kq():
    out = mapped({"study_id": "s1", "kq": "KQ1", "action": "exclude", "reason": "reported elsewhere"})
    assert keys(out) == [("KQ1", "usual care or waitlist", "s2", "A vs B"), ("KQ2", "B", "s1", "A vs B")]


@pytest.mark.parametrize(
    "override, message",
    [
        (
            {"study_id": "s1", "kq": "KQ7", "action": "exclude", "reason": "r"},
            r"row 2, column 'kq': 'KQ7' is not a key question of the config; allowed: KQ1, KQ2",
        ),
        (
            {"study_id": "s3", "kq": "KQ1", "action": "exclude", "reason": "r"},
            r"row 2, column 'study_id': study 's3' is not in the study registry",
        ),
        (
            {"study_id": "s1", "comparison": "A vs D", "kq": "KQ1", "action": "exclude", "reason": "r"},
            r"row 2, column 'comparison': study 's1' has no comparison 'A vs D'; it has: A vs B, A vs C, B vs C",
        ),
        (
            {"study_id": "s1", "comparison": "A vs B", "kq": "KQ2", "action": "include", "reason": "r"},
            r"row 2, column 'group': an include needs the group of KQ2",
        ),
        (
            {"study_id": "s1", "comparison": "A vs B", "kq": "KQ2", "group": "Z", "action": "include", "reason": "r"},
            r"row 2, column 'group': 'Z' is not a group of KQ2; allowed: A, B, D",
        ),
        (
            {"study_id": "s1", "comparison": "A vs B", "kq": "KQ2", "group": "B", "action": "include", "reason": "r"},
            r"row 2, column 'action': s1 A vs B is already in KQ2 B by the rules",
        ),
        (
            {"study_id": "s2", "kq": "KQ2", "action": "exclude", "reason": "r"},
            r"row 2, column 'action': nothing of study 's2' is in KQ2 to exclude",
        ),
    ],
)
def test_override_errors_name_row_and_column(override, message):
    with pytest.raises(ReviewflowError, match=r"kq_overrides.csv, " + message):
        mapped(override)


def test_matrix_lists_unmapped_studies_with_the_reason_and_shows_overrides():
    studies = make_sheet("studies", [{"study_id": "s1", "label": "S1"}, {"study_id": "s2", "label": "S2"}])
    override = {"study_id": "s2", "kq": "KQ1", "action": "exclude", "reason": "not a program"}
    ruled = apply_rules(COMPARISONS, KQS)
    matrix = kq_matrix(
        studies, mapped(override), COMPARISONS, ["KQ1", "KQ2"], make_sheet("kq_overrides", [override]), ruled
    ).set_index("study_id")
    assert matrix.loc["s1", ["KQ1", "KQ2", "mapped"]].tolist() == ["2", "1", "yes"]
    assert matrix.loc["s2", ["KQ1", "mapped"]].tolist() == ["0", "no"]
    reason = matrix.loc["s2", "unmapped_reason"]
    assert reason.startswith("its comparisons fit a key question, but the review team set every one aside")
    assert matrix.loc["s2", "overrides"] == "KQ1 excluded (all comparisons): not a program"
