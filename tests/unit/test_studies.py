"""Studies built from the registry, publications and extraction sheets: links,
Ns, population text, evidence rows and the study x KQ matrix."""

import pandas as pd
import pytest
from helpers import VOCABULARY, make_sheet

from reviewflow.errors import ReviewflowError
from reviewflow.marks import MARK
from reviewflow.sheets import empty_sheet
from reviewflow.studies import SheetFiles, build_studies

FILES = SheetFiles("studies.csv", "publications.csv", "arms.csv", "outcomes.csv", "kq_overrides.csv")
KQS = [
    {
        "id": "KQ1",
        "question": "q1",
        "compares": "intervention vs comparator",
        "groups": [
            {"name": "usual care or waitlist", "arm_types": ["usual care", "waitlist"]},
            {"name": "physical activity", "arm_types": ["physical activity"]},
        ],
    },
    {
        "id": "KQ2",
        "question": "q2",
        "compares": "intervention variants",
        "groups": [
            {"name": "A", "title": "A. delivery", "differ_in": ["session_format", "duration_intensity"]},
            {"name": "B", "title": "B. components", "differ_in": ["components"]},
            {"name": "D", "title": "D. program characteristics"},
        ],
    },
]


def citations(ids):
    columns = [
        "citation_id",
        "record_ids",
        "doi",
        "pmid",
        "authors",
        "title",
        "journal",
        "year",
        "volume",
        "issue",
        "pages",
        "first_search",
    ]
    return pd.DataFrame(
        [
            {**dict.fromkeys(columns, ""), "citation_id": c, "record_ids": "R" + c[1:], "year": "2000", "title": c}
            for c in ids
        ]
    )


def status(included, excluded=()):
    rows = [{"citation_id": c, "status": "included"} for c in included]
    rows += [{"citation_id": c, "status": "excluded at full text"} for c in excluded]
    return pd.DataFrame(rows)


@pytest.fixture
def review():
    registry = make_sheet(
        "studies",
        [
            {
                "study_id": "trial-a",
                "label": "Able 2001, 2003",
                "design": "RCT",
                "mean_age": "44",
                "pct_male": "30",
                "pain_condition": "Chronic low back pain",
                "illustrative": "country; pct_male",
            },
            {"study_id": "trial-b", "label": "Baker 2005", "design": "RCT"},
            {"study_id": "trial-c", "label": "Cole 2007", "design": "RCT"},
        ],
    )
    publications = make_sheet(
        "publications",
        [
            {"study_id": "trial-a", "citation": "C0000000000000001", "primary": "yes"},
            {"study_id": "trial-a", "citation": "C0000000000000002", "primary": "no"},
            {"study_id": "trial-b", "citation": "C0000000000000003", "primary": "yes"},
            {"study_id": "trial-c", "citation": "C0000000000000004", "primary": "yes"},
        ],
    )
    arms = make_sheet(
        "arms",
        [
            {
                "study_id": "trial-a",
                "arm": "A",
                "name": "CPMP, 6 weeks",
                "arm_type": "CPMP",
                "duration_intensity": "6 weeks",
                "session_format": "group",
                "n_randomised": "40",
                "n_analysed": "35",
            },
            {
                "study_id": "trial-a",
                "arm": "B",
                "name": "CPMP, 3 weeks",
                "arm_type": "CPMP",
                "duration_intensity": "3 weeks",
                "session_format": "group",
                "n_randomised": "40",
                "n_analysed": "36",
                "illustrative": "n_randomised",
            },
            {
                "study_id": "trial-a",
                "arm": "C",
                "name": "Exercise",
                "arm_type": "physical activity",
                "n_randomised": "20",
                "n_analysed": "20",
            },
            {"study_id": "trial-b", "arm": "A", "name": "IPMP", "arm_type": "IPMP", "components": "care management"},
            {"study_id": "trial-b", "arm": "B", "name": "Usual care", "arm_type": "usual care"},
            {"study_id": "trial-c", "arm": "A", "name": "CPMP", "arm_type": "CPMP"},
            {"study_id": "trial-c", "arm": "B", "name": "Opioids", "arm_type": "pharmacologic"},
        ],
    )
    outcomes = make_sheet(
        "outcomes",
        [
            {
                "study_id": "trial-a",
                "arms": "A",
                "domain": "pain",
                "measure": "VAS (0-10)",
                "timepoint": "12 months",
                "result": "3.1 (2.0)",
            },
            {
                "study_id": "trial-a",
                "arms": "C",
                "domain": "pain",
                "measure": "VAS (0-10)",
                "timepoint": "12 months",
                "result": "4.0 (2.1)",
                "illustrative": "result",
            },
            {
                "study_id": "trial-a",
                "arms": "A vs C",
                "domain": "pain",
                "measure": "VAS (0-10)",
                "timepoint": "12 months",
                "result": "-0.9 (95% CI -1.7 to -0.1)",
            },
            {
                "study_id": "trial-a",
                "arms": "A",
                "domain": "quality of life",
                "measure": "SF-36 PCS",
                "timepoint": "12 months",
                "result": "40",
            },
            {
                "study_id": "trial-a",
                "arms": "C",
                "domain": "quality of life",
                "measure": "SF-36 PCS",
                "timepoint": "12 months",
                "result": "38",
            },
        ],
    )
    ids = [f"C000000000000000{i}" for i in range(1, 5)]
    return dict(
        registry=registry,
        publications=publications,
        arms=arms,
        outcomes=outcomes,
        overrides=empty_sheet("kq_overrides"),
        citations=citations(ids),
        status=status(ids),
    )


def build(review, **changes):
    p = {**review, **changes}
    return build_studies(
        p["registry"],
        p["publications"],
        p["arms"],
        p["outcomes"],
        p["overrides"],
        p["citations"],
        p["status"],
        KQS,
        FILES,
        VOCABULARY,
    )


def test_comparisons_from_arms_map_to_kqs_by_declared_rules(review):
    built = build(review)
    rows = built["evidence_rows"]
    assert list(zip(rows["kq"], rows["kq_group"], rows["study_id"], rows["comparison_id"])) == [
        ("KQ1", "usual care or waitlist", "trial-b", "A vs B"),
        ("KQ1", "physical activity", "trial-a", "A vs C"),
        ("KQ1", "physical activity", "trial-a", "B vs C"),
        ("KQ2", "A", "trial-a", "A vs B"),
    ]
    assert rows["mapped_by"].iloc[3] == "the arms differ in duration, intensity"  # the heading, not the id
    matrix = built["kq_matrix"].set_index("study_id")
    assert matrix.loc["trial-a", ["KQ1", "KQ2", "mapped"]].tolist() == ["2", "1", "yes"]
    # trial-c compares a program with a drug, a comparator no KQ of this config lists: listed, never dropped
    assert matrix.loc["trial-c", ["mapped", "unmapped_reason"]].tolist() == [
        "no",
        "none of its comparisons fits a key question, and the review team placed none by hand",
    ]
    studies = built["studies"].set_index("study_id")
    assert studies.loc["trial-a", "kqs"] == "KQ1; KQ2"
    assert studies.loc["trial-a", "citation_ids"] == "C0000000000000001; C0000000000000002"
    assert studies.loc["trial-a", "primary_citation"] == "C0000000000000001"


def test_study_ns_are_summed_over_arms_and_carry_the_arms_marks(review):
    studies = build(review)["studies"].set_index("study_id")
    assert studies.loc["trial-a", ["n_randomised", "n_analysed"]].tolist() == ["100", "91"]
    assert (
        "n_randomised" in studies.loc["trial-a", "illustrative"]
        and "n_analysed" not in studies.loc["trial-a", "illustrative"]
    )
    assert studies.loc["trial-b", "n_randomised"] == ""  # an arm without N: the total is unknown, not a partial sum


def test_population_text_marks_only_illustrative_items(review):
    population = build(review)["studies"].set_index("study_id").loc["trial-a", "population"]
    assert population == f"Mean age 44 years; Male 30%{MARK}; Chronic low back pain"


def test_evidence_row_shows_both_arms_per_measure_and_timepoint(review):
    row = build(review)["evidence_rows"].set_index(["kq", "comparison_id"]).loc[("KQ1", "A vs C")]
    assert row["intervention"] == "A. CPMP, 6 weeks" and row["comparator_n"] == "20"
    assert (
        row["primary_outcomes"]
        == f"VAS (0-10). 12 months: A 3.1 (2.0) vs C 4.0 (2.1), A vs C -0.9 (95% CI -1.7 to -0.1){MARK}"
    )
    assert row["secondary_outcomes"] == "SF-36 PCS. 12 months: A 40 vs C 38"
    assert row["harms"] == "NR"  # outcomes were extracted for this pair, none on harms
    b_vs_c = build(review)["evidence_rows"].set_index(["kq", "comparison_id"]).loc[("KQ1", "B vs C")]
    assert b_vs_c["primary_outcomes"] == ""  # arm B has no results: not extracted, not 'NR'


def test_variant_rows_show_the_characteristics_that_differ(review):
    arms = review["arms"].copy()
    arms.loc[1, "components"] = "exercise"
    row = build(review, arms=arms)["evidence_rows"]
    kq2 = row[row["kq"] == "KQ2"]
    assert list(kq2["kq_group"]) == ["A", "B"]
    assert kq2["delivery"].iloc[0] == "A: 6 weeks; group\nB: 3 weeks; group; exercise"


def test_an_include_without_a_study_and_a_study_without_arms_wait_instead_of_stopping(review):
    """A review in progress: a new include not linked yet, a new study not extracted yet."""
    registry = pd.concat(
        [review["registry"], make_sheet("studies", [{"study_id": "trial-d", "label": "Dunn 2009", "design": "RCT"}])]
    )
    publications = pd.concat(
        [
            review["publications"],
            make_sheet("publications", [{"study_id": "trial-d", "citation": "C0000000000000005", "primary": "yes"}]),
        ]
    )
    extra = citations([f"C000000000000000{i}" for i in range(1, 7)])
    built = build(
        review, citations=extra, status=status(list(extra["citation_id"])), registry=registry, publications=publications
    )
    assert built["awaiting"].values.tolist() == [
        ["citation", "C0000000000000006", "awaiting linking to a study", "C0000000000000006"],
        ["study", "trial-d", "awaiting extraction", "Dunn 2009"],
    ]
    assert "trial-d" not in set(built["evidence_rows"]["study_id"])  # no arms, so in no evidence table
    assert "C0000000000000006" not in set(built["publications"]["citation_id"])
    assert build(review)["awaiting"].empty


def test_study_resting_on_an_excluded_citation_is_an_error(review):
    ids = [f"C000000000000000{i}" for i in range(1, 4)]
    with pytest.raises(
        ReviewflowError, match=r"publications.csv, row 5, column 'citation': citation C0000000000000004 is not included"
    ):
        build(review, status=status(ids, excluded=["C0000000000000004"]))


def test_each_study_needs_exactly_one_primary_publication(review):
    publications = review["publications"].copy()
    publications.loc[1, "primary"] = "yes"
    with pytest.raises(
        ReviewflowError, match=r"studies.csv, row 2, column 'study_id': study 'trial-a' has 2 primary publications"
    ):
        build(review, publications=publications)


def test_illustrative_must_name_real_columns(review):
    registry = review["registry"].copy()
    registry.loc[0, "illustrative"] = "contry"
    with pytest.raises(ReviewflowError, match=r"studies.csv, row 2, column 'illustrative': 'contry' is not a column"):
        build(review, registry=registry)
