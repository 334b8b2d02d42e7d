import pandas as pd
import pytest
from conftest import make_sheet

from reviewflow.errors import ReviewflowError
from reviewflow.studies import SheetFiles, build_studies

FILES = SheetFiles("studies.csv", "publications.csv", "comparisons.csv")
KQS = [
    {"id": "KQ1", "question": "q1", "comparator_categories": ["usual care or waitlist", "physical activity"], "group_by": "comparator_category"},
    {"id": "KQ2", "question": "q2", "comparator_categories": ["program variant"], "group_by": "variant_difference"},
]



def citations(ids):
    columns = ["citation_id", "record_ids", "doi", "pmid", "authors", "title", "journal", "year", "volume", "issue", "pages", "first_search"]
    return pd.DataFrame([{**dict.fromkeys(columns, ""), "citation_id": c, "record_ids": "R" + c[1:], "year": "2000", "title": c} for c in ids])


def status(included, excluded=()):
    rows = [{"citation_id": c, "status": "included"} for c in included]
    rows += [{"citation_id": c, "status": "excluded at full text"} for c in excluded]
    return pd.DataFrame(rows)


@pytest.fixture
def review():
    registry = make_sheet("studies", [
        {"study_id": "trial-a", "label": "Able 2001, 2003", "design": "RCT", "program_type": "CPMP", "n_randomised": "100", "illustrative": "country"},
        {"study_id": "trial-b", "label": "Baker 2005", "design": "RCT", "program_type": "IPMP"},
        {"study_id": "trial-c", "label": "Cole 2007", "design": "RCT", "program_type": "CPMP"},
    ])  # fmt: skip
    publications = make_sheet("publications", [
        {"study_id": "trial-a", "citation": "C0000000000000001", "primary": "yes"},
        {"study_id": "trial-a", "citation": "C0000000000000002", "primary": "no"},
        {"study_id": "trial-b", "citation": "C0000000000000003", "primary": "yes"},
        {"study_id": "trial-c", "citation": "C0000000000000004", "primary": "yes"},
    ])  # fmt: skip
    comparisons = make_sheet("comparisons", [
        {"study_id": "trial-a", "comparison_id": "A vs C", "intervention": "CPMP", "comparator": "PT", "comparator_category": "physical activity"},
        {"study_id": "trial-a", "comparison_id": "A vs B", "intervention": "CPMP long", "comparator": "CPMP short", "comparator_category": "program variant", "variant_difference": "delivery"},
        {"study_id": "trial-b", "comparison_id": "A vs B", "intervention": "IPMP", "comparator": "Usual care", "comparator_category": "usual care or waitlist"},
        {"study_id": "trial-c", "comparison_id": "A vs B", "intervention": "CPMP", "comparator": "Drug", "comparator_category": "pharmacologic therapy"},
    ])  # fmt: skip
    ids = [f"C000000000000000{i}" for i in range(1, 5)]
    return dict(registry=registry, publications=publications, comparisons=comparisons, citations=citations(ids), status=status(ids))


def build(review, **changes):
    parts = {**review, **changes}
    return build_studies(parts["registry"], parts["publications"], parts["comparisons"], parts["citations"], parts["status"], KQS, FILES)


def test_comparisons_map_to_kqs_by_declared_rules(review):
    built = build(review)
    rows = built["evidence_rows"]
    assert list(zip(rows["kq"], rows["kq_group"], rows["study_id"])) == [
        ("KQ1", "usual care or waitlist", "trial-b"),
        ("KQ1", "physical activity", "trial-a"),
        ("KQ2", "delivery", "trial-a"),
    ]
    matrix = built["kq_matrix"].set_index("study_id")
    assert matrix.loc["trial-a", ["KQ1", "KQ2", "mapped"]].tolist() == ["1", "1", "yes"]
    assert matrix.loc["trial-c", "mapped"] == "no"  # listed, not dropped
    studies = built["studies"].set_index("study_id")
    assert studies.loc["trial-a", "kqs"] == "KQ1; KQ2"
    assert studies.loc["trial-a", "citation_ids"] == "C0000000000000001; C0000000000000002"
    assert studies.loc["trial-a", "primary_citation"] == "C0000000000000001"


def test_included_citation_without_study_is_an_error(review):
    extra = citations([f"C000000000000000{i}" for i in range(1, 6)])
    with pytest.raises(ReviewflowError, match="publications.csv: included citation C0000000000000005 is linked to no study"):
        build(review, citations=extra, status=status(list(extra["citation_id"])))


def test_study_resting_on_an_excluded_citation_is_an_error(review):
    ids = [f"C000000000000000{i}" for i in range(1, 4)]
    with pytest.raises(ReviewflowError, match=r"publications.csv, row 5, column 'citation': citation C0000000000000004 is not included"):
        build(review, status=status(ids, excluded=["C0000000000000004"]))


def test_each_study_needs_exactly_one_primary_publication(review):
    publications = review["publications"].copy()
    publications.loc[1, "primary"] = "yes"
    with pytest.raises(ReviewflowError, match=r"studies.csv, row 2, column 'study_id': study 'trial-a' has 2 primary publications"):
        build(review, publications=publications)


def test_kq2_row_without_its_grouping_value_is_an_error(review):
    comparisons = review["comparisons"].copy()
    comparisons.loc[1, "variant_difference"] = ""
    with pytest.raises(ReviewflowError, match=r"comparisons.csv, row 3, column 'variant_difference': KQ2 groups comparisons by variant_difference"):
        build(review, comparisons=comparisons)


def test_illustrative_must_name_real_columns(review):
    registry = review["registry"].copy()
    registry.loc[0, "illustrative"] = "contry"
    with pytest.raises(ReviewflowError, match=r"studies.csv, row 2, column 'illustrative': 'contry' is not a column"):
        build(review, registry=registry)
