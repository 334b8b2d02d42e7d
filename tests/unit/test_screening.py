import pytest
from helpers import make_records, make_sheet

from reviewflow.dedup import deduplicate
from reviewflow.errors import ReviewflowError
from reviewflow.screening import (
    agreement,
    cohen_kappa,
    disagreements,
    needs_decision,
    resolve_decisions,
    screening_status,
)

REASONS = ["ineligible population", "ineligible study design"]


@pytest.fixture
def library():
    records = make_records(
        [
            {
                "record_id": "R0000000000000001",
                "title": "Alpha trial of pain programmes",
                "year": 2001,
                "doi": "10.1/a",
                "source": "MEDLINE",
                "authors": "Able, A",
                "journal": "Pain",
                "volume": "5",
            },
            {
                "record_id": "R0000000000000002",
                "title": "Alpha trial of pain programmes",
                "year": 2001,
                "source": "PsycINFO",
                "authors": "Able, A",
                "journal": "Pain",
                "volume": "5",
            },
            {
                "record_id": "R0000000000000003",
                "title": "Beta trial of pain programmes",
                "year": 2002,
                "pmid": "42",
                "source": "MEDLINE",
            },
            {
                "record_id": "R0000000000000004",
                "title": "Gamma trial of pain programmes",
                "year": 2003,
                "source": "PsycINFO",
            },
            {
                "record_id": "R0000000000000005",
                "title": "Delta trial of pain programmes",
                "year": 2004,
                "source": "PsycINFO",
            },
        ]
    )
    return deduplicate(records)


def decisions(rows, votes=()):
    frame = make_sheet("screening", rows)
    for vote in votes:
        frame[vote] = [row.get(vote, "") for row in rows]
    return frame


def test_decisions_resolve_by_doi_pmid_record_and_citation_id(library):
    _, citations = library
    sheet = decisions(
        [
            {"citation": "doi:10.1/A", "stage": "title_abstract", "decision": "include"},
            {"citation": "pmid:42", "stage": "title_abstract", "decision": "exclude"},
            {"citation": "R0000000000000004", "stage": "title_abstract", "decision": "include"},
            {
                "citation": "C0000000000000004",
                "stage": "full_text",
                "decision": "exclude",
                "reason": "Ineligible Study Design",
            },
            {"citation": "R0000000000000002", "stage": "full_text", "decision": "include"},
        ]
    )
    resolved = resolve_decisions(sheet, citations, REASONS, "screening.csv")
    assert list(resolved["citation_id"]) == [
        "C0000000000000001",
        "C0000000000000003",
        "C0000000000000004",
        "C0000000000000004",
        "C0000000000000001",
    ]
    assert resolved["reason"][3] == "ineligible study design"
    status = screening_status(citations, resolved).set_index("citation_id")["status"]
    assert status.to_dict() == {
        "C0000000000000001": "included",
        "C0000000000000003": "excluded at title/abstract",
        "C0000000000000004": "excluded at full text",
        "C0000000000000005": "awaiting title/abstract screening",
    }


def test_votes_decide_when_they_agree_and_wait_for_resolution_when_not(library):
    _, citations = library
    sheet = decisions(
        [
            {"citation": "doi:10.1/a", "stage": "title_abstract", "vote_AS": "include", "vote_RC": "include"},
            {"citation": "pmid:42", "stage": "title_abstract", "vote_AS": "include", "vote_RC": "exclude"},
            {
                "citation": "R0000000000000004",
                "stage": "title_abstract",
                "vote_AS": "include",
                "vote_RC": "exclude",
                "decision": "include",
            },
            {"citation": "R0000000000000004", "stage": "full_text", "decision": "not retrieved"},
        ],
        votes=["vote_AS", "vote_RC"],
    )
    resolved = resolve_decisions(sheet, citations, REASONS, "s.csv")
    assert list(resolved["final"]) == ["include", "", "include", "not retrieved"]
    assert list(disagreements(resolved)["citation_id"]) == ["C0000000000000003"]
    status = screening_status(citations, resolved)
    by_id = status.set_index("citation_id")["status"]
    assert by_id["C0000000000000003"] == "awaiting resolution of title/abstract votes"
    assert by_id["C0000000000000004"] == "full text not retrieved"
    assert by_id["C0000000000000001"] == "awaiting full-text screening"
    assert list(status.loc[needs_decision(status, "full_text"), "citation_id"]) == ["C0000000000000001"]
    assert list(status.loc[needs_decision(status, "title_abstract"), "citation_id"]) == ["C0000000000000005"]
    (row,) = [r for r in agreement(resolved) if r["stage"] == "title_abstract"]
    assert (row["reviewers"], row["n"], row["agreement"]) == ("AS and RC", 3, 0.333)
    assert row["illustrative"] is False  # real votes
    invented = resolved.assign(illustrative=["vote_RC", "", "", ""])
    (row,) = [r for r in agreement(invented) if r["stage"] == "title_abstract"]
    assert row["illustrative"] is True  # one invented vote: the kappa rests on it


def test_cohen_kappa_matches_a_worked_example():
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(["a", "b"], ["a", "b"]) == 1.0
    assert cohen_kappa(["a", "a"], ["a", "a"]) is None  # no variation: kappa undefined


@pytest.mark.parametrize(
    "row, message",
    [
        (
            {"citation": "pmid:999", "stage": "title_abstract", "decision": "include"},
            "row 2, column 'citation': 'pmid:999' names no known citation",
        ),
        (
            {"citation": "pmid:42", "stage": "full_text", "decision": "exclude", "reason": "too long"},
            "row 2, column 'reason': 'too long' is not a configured exclusion reason; allowed: ineligible "
            "population; ineligible study design",
        ),
        (
            {"citation": "pmid:42", "stage": "full_text", "decision": "exclude"},
            "row 2, column 'reason': a full-text exclusion needs a reason",
        ),
        (
            {"citation": "pmid:42", "stage": "title_abstract"},
            "row 2, column 'decision': gives neither a decision nor any vote",
        ),
        (
            {"citation": "pmid:42", "stage": "title_abstract", "decision": "not retrieved"},
            "row 2, column 'decision': 'not retrieved' is a full-text decision",
        ),
    ],
)
def test_bad_decisions_name_row_and_column(library, row, message):
    with pytest.raises(ReviewflowError) as raised:
        resolve_decisions(decisions([row]), library[1], REASONS, "screening.csv")
    assert str(raised.value) == f"screening.csv, {message}"


def test_two_decisions_for_one_citation_and_stage_is_an_error(library):
    sheet = decisions(
        [
            {"citation": "doi:10.1/a", "stage": "title_abstract", "decision": "include"},
            {"citation": "R0000000000000002", "stage": "title_abstract", "decision": "exclude"},
        ]
    )
    with pytest.raises(
        ReviewflowError, match=r"row 3, column 'citation': a second title_abstract decision .* \(first in row 2\)"
    ):
        resolve_decisions(sheet, library[1], REASONS, "screening.csv")


def test_a_doi_two_citations_share_names_neither(library):
    _, citations = library
    shared = citations.copy()
    shared.loc[shared.index[1], "doi"] = shared.loc[shared.index[0], "doi"]  # a reviewer kept them apart
    first, second = shared["citation_id"].iloc[0], shared["citation_id"].iloc[1]
    sheet = decisions([{"citation": f"doi:{shared['doi'].iloc[0]}", "stage": "title_abstract", "decision": "include"}])
    with pytest.raises(ReviewflowError) as raised:
        resolve_decisions(sheet, shared, REASONS, "screening.csv")
    assert str(raised.value) == (
        f"screening.csv, row 2, column 'citation': 'doi:{shared['doi'].iloc[0]}' matches 2 citations "
        f"({first}, {second}); name one by its citation id"
    )
    by_id = decisions([{"citation": second, "stage": "title_abstract", "decision": "include"}])
    assert list(resolve_decisions(by_id, shared, REASONS, "screening.csv")["citation_id"]) == [second]
