import pandas as pd
import pytest
from conftest import make_records

from reviewflow.dedup import deduplicate, title_key
from reviewflow.errors import ReviewflowError


def clusters(frame):
    """Record ids grouped by citation, as a set of frozensets (order-free)."""
    return {frozenset(g["record_id"]) for _, g in frame.groupby("citation_id")}


def test_merges_on_doi_pmid_and_title_with_year():
    records = make_records([
        {"record_id": "R1", "title": "Alpha trial", "year": 2001, "doi": "10.1/a"},
        {"record_id": "R2", "title": "Alpha trial (different wording)", "year": 2001, "doi": "10.1/a"},
        {"record_id": "R3", "title": "Beta", "year": 2002, "pmid": "123"},
        {"record_id": "R4", "title": "Beta, again", "year": 2002, "pmid": "123"},
        {"record_id": "R5", "title": "Gamma: a Randomised Trial.", "year": 2003},
        {"record_id": "R6", "title": "GAMMA - a randomised trial", "year": 2003},
    ])  # fmt: skip
    deduped, citations = deduplicate(records)
    assert clusters(deduped) == {frozenset({"R1", "R2"}), frozenset({"R3", "R4"}), frozenset({"R5", "R6"})}
    assert dict(zip(deduped["record_id"], deduped["match_rule"])) == {
        "R1": "first", "R2": "doi", "R3": "first", "R4": "pmid", "R5": "first", "R6": "title+year",
    }  # fmt: skip
    assert len(citations) == 3


def test_same_title_in_another_year_is_another_citation():
    records = make_records([
        {"record_id": "R1", "title": "Follow-up of a pain programme", "year": 1997},
        {"record_id": "R2", "title": "Follow-up of a pain programme", "year": 1998},
    ])  # fmt: skip
    assert len(deduplicate(records)[1]) == 2


def test_never_merges_two_different_dois_even_with_same_title():
    records = make_records([
        {"record_id": "R1", "title": "Erratum to a trial of pain programmes", "year": 2001, "doi": "10.1/a"},
        {"record_id": "R2", "title": "Erratum to a trial of pain programmes", "year": 2001, "doi": "10.1/b"},
        {"record_id": "R3", "title": "Erratum to a trial of pain programmes", "year": 2001},
    ])  # fmt: skip
    deduped, citations = deduplicate(records)
    for _, group in deduped.groupby("citation_id"):
        assert len(set(group["doi"]) - {""}) <= 1
    assert len(citations) == 2  # R3 may join one of them, never both


def test_citation_ids_survive_new_records():
    first = make_records([
        {"record_id": "Raaaa", "title": "Alpha trial of pain programmes", "year": 2001, "doi": "10.1/a"},
        {"record_id": "Rbbbb", "title": "Beta trial of pain programmes", "year": 2002},
    ])  # fmt: skip
    later = make_records([
        {"record_id": "Rcccc", "title": "Alpha trial of pain programmes", "year": 2001, "search": "s2"},
        {"record_id": "Rdddd", "title": "Delta trial of pain programmes", "year": 2005, "search": "s2"},
    ])  # fmt: skip
    before, _ = deduplicate(first)
    after, citations = deduplicate(pd.concat([first, later], ignore_index=True))
    old = dict(zip(before["record_id"], before["citation_id"]))
    new = dict(zip(after["record_id"], after["citation_id"]))
    assert all(new[r] == old[r] for r in old)
    assert new["Rcccc"] == old["Raaaa"] == "Caaaa"
    assert new["Rdddd"] == "Cdddd"
    merged = citations.set_index("citation_id").loc["Caaaa"]
    assert merged["record_ids"] == "Raaaa; Rcccc" and merged["searches"] == "s1; s2"


def test_merged_metadata_prefers_the_fullest_record_and_fills_gaps():
    records = make_records([
        {"record_id": "R1", "title": "Alpha", "year": 2001, "doi": "10.1/a"},
        {"record_id": "R2", "title": "Alpha.", "year": 2001, "doi": "10.1/a", "journal": "J", "volume": "3", "pmid": "9"},
    ])  # fmt: skip
    citation = deduplicate(records)[1].iloc[0]
    assert (citation["title"], citation["journal"], citation["pmid"]) == ("Alpha.", "J", "9")


def test_the_same_record_id_twice_is_an_error():
    records = make_records([{"record_id": "R1", "title": "A", "year": 1}, {"record_id": "R1", "title": "A", "year": 1}])
    with pytest.raises(ReviewflowError, match="record id R1 occurs twice"):
        deduplicate(records)


def test_title_key_folds_case_accents_and_punctuation():
    assert title_key("Sj\u00f6gren's  SYNDROME: a Trial.") == title_key("sjogren s syndrome a trial")


def test_same_title_and_year_with_other_volume_pages_or_author_stay_apart():
    records = make_records([
        {"record_id": "R1", "title": "Cervical cytology in women living with HIV", "year": 2011, "volume": "57", "pages": "S1-S6", "authors": "Pinto, V"},
        {"record_id": "R2", "title": "Cervical cytology in women living with HIV", "year": 2011, "volume": "87", "pages": "A186", "authors": "Pinto, V"},
        {"record_id": "R3", "title": "Cervical cytology in women living with HIV.", "year": 2011, "volume": "57", "authors": "Pinto, VM"},
        {"record_id": "R4", "title": "Editorial", "year": 2015, "journal": "J A"},
        {"record_id": "R5", "title": "Editorial", "year": 2015, "journal": "J B"},
    ])  # fmt: skip
    deduped, _ = deduplicate(records)
    assert clusters(deduped) == {frozenset({"R1", "R3"}), frozenset({"R2"}), frozenset({"R4"}), frozenset({"R5"})}
