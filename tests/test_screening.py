import pytest
from conftest import make_records, make_sheet

from reviewflow.dedup import deduplicate
from reviewflow.errors import ReviewflowError
from reviewflow.screening import flow_counts, resolve_decisions, screening_status

REASONS = ["ineligible population", "ineligible study design"]
SEARCHES = [{"batch": "s1", "date_searched": "2021-05-24", "exports": []}]


@pytest.fixture
def library():
    records = make_records([
        {"record_id": "R0000000000000001", "title": "Alpha", "year": 2001, "doi": "10.1/a", "source": "MEDLINE"},
        {"record_id": "R0000000000000002", "title": "Alpha", "year": 2001, "source": "PsycINFO"},
        {"record_id": "R0000000000000003", "title": "Beta", "year": 2002, "pmid": "42", "source": "MEDLINE"},
        {"record_id": "R0000000000000004", "title": "Gamma", "year": 2003, "source": "PsycINFO"},
        {"record_id": "R0000000000000005", "title": "Delta", "year": 2004, "source": "PsycINFO"},
    ])  # fmt: skip
    return deduplicate(records)


def decisions(rows):
    return make_sheet("screening", rows)


def test_decisions_resolve_by_doi_pmid_record_and_citation_id(library):
    _, citations = library
    sheet = decisions([
        {"citation": "doi:10.1/A", "stage": "title_abstract", "decision": "include"},
        {"citation": "pmid:42", "stage": "title_abstract", "decision": "exclude"},
        {"citation": "R0000000000000004", "stage": "title_abstract", "decision": "include"},
        {"citation": "C0000000000000004", "stage": "full_text", "decision": "exclude", "reason": "Ineligible Study Design"},
        {"citation": "R0000000000000002", "stage": "full_text", "decision": "include"},
    ])  # fmt: skip
    resolved = resolve_decisions(sheet, citations, REASONS, "screening.csv")
    assert list(resolved["citation_id"]) == ["C0000000000000001", "C0000000000000003", "C0000000000000004", "C0000000000000004", "C0000000000000001"]
    assert resolved["reason"][3] == "ineligible study design"
    status = screening_status(citations, resolved).set_index("citation_id")["status"]
    assert status.to_dict() == {
        "C0000000000000001": "included",
        "C0000000000000003": "excluded at title/abstract",
        "C0000000000000004": "excluded at full text",
        "C0000000000000005": "awaiting title/abstract screening",
    }


@pytest.mark.parametrize(
    "row, message",
    [
        ({"citation": "pmid:999", "stage": "title_abstract", "decision": "include"}, "row 2, column 'citation': 'pmid:999' names no known citation"),
        ({"citation": "pmid:42", "stage": "full_text", "decision": "exclude", "reason": "too long"}, "row 2, column 'reason': 'too long' is not a configured exclusion reason; allowed: ineligible population; ineligible study design"),
        ({"citation": "pmid:42", "stage": "full_text", "decision": "exclude"}, "row 2, column 'reason': a full-text exclusion needs a reason"),
    ],
)
def test_bad_decisions_name_row_and_column(library, row, message):
    with pytest.raises(ReviewflowError) as raised:
        resolve_decisions(decisions([row]), library[1], REASONS, "screening.csv")
    assert str(raised.value) == f"screening.csv, {message}"


def test_two_decisions_for_one_citation_and_stage_is_an_error(library):
    sheet = decisions([
        {"citation": "doi:10.1/a", "stage": "title_abstract", "decision": "include"},
        {"citation": "R0000000000000002", "stage": "title_abstract", "decision": "exclude"},
    ])  # fmt: skip
    with pytest.raises(ReviewflowError, match=r"row 3, column 'citation': a second title_abstract decision .* \(first in row 2\)"):
        resolve_decisions(sheet, library[1], REASONS, "screening.csv")


def test_flow_counts_add_up(library):
    records, citations = library
    sheet = decisions([
        {"citation": "doi:10.1/a", "stage": "title_abstract", "decision": "include"},
        {"citation": "doi:10.1/a", "stage": "full_text", "decision": "include"},
        {"citation": "pmid:42", "stage": "title_abstract", "decision": "exclude"},
        {"citation": "R0000000000000004", "stage": "title_abstract", "decision": "maybe"},
        {"citation": "R0000000000000004", "stage": "full_text", "decision": "exclude", "reason": "ineligible population"},
    ])  # fmt: skip
    status = screening_status(citations, resolve_decisions(sheet, citations, REASONS, "s.csv"))
    flow = flow_counts(records, citations, status, SEARCHES)
    assert sum(row["records"] for row in flow["identified"]) == flow["records"] == 5
    assert flow["records"] - flow["duplicates_removed"] == flow["citations"] == 4
    assert flow["citations"] == flow["screened"] + flow["awaiting_title_abstract"]
    assert flow["screened"] == flow["excluded_title_abstract"] + flow["full_text_assessed"] + flow["awaiting_full_text"]
    assert flow["full_text_assessed"] == flow["excluded_full_text"] + flow["included_reports"] + flow["undecided_full_text"]
    assert flow["excluded_full_text_reasons"] == [{"reason": "ineligible population", "count": 1}]
    assert [(r["database"], r["records"]) for r in flow["identified"]] == [("MEDLINE", 2), ("PsycINFO", 3)]
