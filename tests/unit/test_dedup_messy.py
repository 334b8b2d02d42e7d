"""Deduplication on messy exports (issue #20): pairs of records of one work whose weak
fields (issue, pages, journal, year) are shifted, mistyped or mean something else, which
must merge; and pairs that look alike but are two works, which must stay apart.

Every pair below is written for these tests (none is copied from a benchmark set); each
names the kind of mess it stands for."""

import pytest
from helpers import make_records

from reviewflow.dedup import deduplicate

ARTICLE = {
    "title": "Supervised exercise therapy for intermittent claudication in older adults: a randomised trial",
    "authors": "Okafor, N. A.; Lindqvist, B.; Moreau, C.",
    "journal": "Journal of Vascular Surgery",
    "year": "2017",
    "volume": "66",
    "issue": "4",
    "pages": "1123-1131",
}


def merged(a: dict, b: dict) -> bool:
    deduped, _ = deduplicate(make_records([{"record_id": "A", **a}, {"record_id": "B", **b}]))
    return deduped["citation_id"].nunique() == 1


SAME_WORK = {
    "percent-encoded DOI": (
        {**ARTICLE, "doi": "10.1016/S0025-7753(17)30624-3"},
        {**ARTICLE, "doi": "http://dx.doi.org/10.1016/S0025-7753%2817%2930624-3"},
    ),
    "issue field holding an accession number": (
        {**ARTICLE, "issue": "352"},
        {**ARTICLE, "issue": "417", "pages": ""},
    ),
    "issue field holding a record number, pages on one side only": (
        {**ARTICLE, "issue": "4"},
        {**ARTICLE, "issue": "20417", "pages": "", "year": "2017"},
    ),
    "start page one digit mistyped": (
        ARTICLE,
        {**ARTICLE, "pages": "1128-1131", "issue": ""},
    ),
    "start page with two digits swapped, no issue": (
        {**ARTICLE, "issue": ""},
        {**ARTICLE, "pages": "1213-1131", "issue": ""},
    ),
    "page prefix on one side, section title, online year": (
        {
            **ARTICLE,
            "journal": "Journals of Gerontology. Series A, Biological Sciences and Medical Sciences",
            "pages": "S112-S118",
            "year": "2016",
            "issue": "Suppl 2",
        },
        {**ARTICLE, "journal": "Journals of Gerontology", "pages": "112-118", "year": "2017", "issue": ""},
    ),
    "one conference abstract, the meeting in one journal field": (
        {
            **ARTICLE,
            "journal": "Arthritis and Rheumatology.Conference: American College of Rheumatology Annual Meeting",
            "type": "Conference Abstract",
            "pages": "2245",
            "issue": "Supplement 10",
        },
        {**ARTICLE, "journal": "Arthritis & Rheumatology", "pages": "2245", "issue": "Suppl 10"},
    ),
    "supplement issue written two ways": (
        {**ARTICLE, "issue": "Suppl. 1", "pages": "S45"},
        {**ARTICLE, "issue": "S1", "pages": "S45"},
    ),
    "supplement issue written as a number and a word": (
        {**ARTICLE, "issue": "1 Suppl", "pages": "e45"},
        {**ARTICLE, "issue": "Supplement 1", "pages": "e45"},
    ),
    "translated title in brackets, issue holding an accession number": (
        {
            **ARTICLE,
            "title": "[Supervised walking training in peripheral arterial disease: results of a multicentre study]",
            "journal": "Vasa",
            "issue": "2",
            "authors": "Okafor, N.; Lindqvist, B.",
        },
        {
            **ARTICLE,
            "title": "Überwachtes Gehtraining bei peripherer arterieller Verschlusskrankheit: Ergebnisse einer "
            "multizentrischen Studie",
            "journal": "Vasa",
            "issue": "28455",
            "authors": "Okafor N, Lindqvist B",
        },
    ),
    "fields shifted: volume in the issue field, issue in the pages": (
        ARTICLE,
        {**ARTICLE, "volume": "", "issue": "66", "pages": "4"},
    ),
    "Cochrane review re-published with a changed title, the same CD number": (
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication",
            "journal": "Cochrane Database of Systematic Reviews",
            "volume": "",
            "issue": "12",
            "pages": "CD000990",
            "year": "2017",
        },
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication.",
            "journal": "The Cochrane database of systematic reviews",
            "volume": "12",
            "issue": "",
            "pages": "CD000990",
            "year": "2017",
        },
    ),
    "Cochrane review with a slightly changed title": (
        {
            **ARTICLE,
            "title": "Exercise therapy for intermittent claudication in adults",
            "journal": "Cochrane Database of Systematic Reviews",
            "volume": "",
            "issue": "",
            "pages": "CD000990",
        },
        {
            **ARTICLE,
            "title": "Exercise therapy for intermittent claudication",
            "journal": "Cochrane Database Syst Rev",
            "volume": "",
            "issue": "2",
            "pages": "CD000990",
        },
    ),
    "Cochrane review, same title, pages on one side only": (
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication",
            "journal": "Cochrane Database of Systematic Reviews",
            "volume": "",
            "issue": "",
            "pages": "CD000990",
        },
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication",
            "journal": "Cochrane Database of Systematic Reviews",
            "volume": "",
            "issue": "",
            "pages": "",
        },
    ),
    "correct and mistaken DOI, every other field equal": (
        {**ARTICLE, "doi": "10.1016/j.jvs.2017.05.003"},
        {**ARTICLE, "doi": "10.1016/j.regpep.2017.05.039", "issue": ""},
    ),
    "one journal under its English and its romanised name, pages on one side only": (
        {**ARTICLE, "journal": "Transactions of the Japanese Society for Vascular Medicine", "pages": "A-F24_1-10"},
        {**ARTICLE, "journal": "Nihon Kekkan Igakkai Ronbunshi", "pages": ""},
    ),
    "a title cut at its colon, the full one saying 'in response to'": (
        {**ARTICLE, "title": "Walking it off: supervised exercise programs in response to claudication"},
        {**ARTICLE, "title": "Walking it off", "doi": "10.1016/j.jvs.2017.05.003"},
    ),
}


TWO_WORKS = {
    "a journal-club digest and the article it summarises": (
        {**ARTICLE, "journal": "ACP Journal Club", "pages": "JC3-4", "issue": ""},
        {**ARTICLE, "journal": "Annals of Internal Medicine", "pages": "2017-03-04 00:00:00", "issue": ""},
    ),
    "a journal-club digest, section code and plain pages": (
        {**ARTICLE, "journal": "Evidence-Based Medicine", "pages": "EBM12", "issue": "3"},
        {**ARTICLE, "journal": "BMJ", "pages": "Mar-12", "issue": "3"},
    ),
    "an erratum and its article": (
        ARTICLE,
        {**ARTICLE, "title": "Erratum: " + ARTICLE["title"], "pages": "1450"},
    ),
    "a letter and its reply": (
        {**ARTICLE, "title": "Comment on: " + ARTICLE["title"], "pages": "1400"},
        {**ARTICLE, "title": "Reply to: " + ARTICLE["title"], "pages": "1401"},
    ),
    "two trial-registry entries of one sponsor": (
        {
            "title": "A Study of Drug X in Participants With Type 2 Diabetes",
            "authors": "Lilly, Eli and Company",
            "journal": "ClinicalTrials.gov",
            "year": "2019",
            "pages": "NCT03987919",
        },
        {
            "title": "A Study of Drug X in Participants With Type 2 Diabetes",
            "authors": "Lilly, Eli and Company",
            "journal": "ClinicalTrials.gov",
            "year": "2019",
            "pages": "NCT04093752",
        },
    ),
    "two Cochrane reviews with different CD numbers": (
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication",
            "journal": "Cochrane Database of Systematic Reviews",
            "pages": "CD000990",
        },
        {
            **ARTICLE,
            "title": "Exercise for intermittent claudication",
            "journal": "Cochrane Database of Systematic Reviews",
            "pages": "CD005263",
        },
    ),
    "two real issue numbers and two page ranges": (
        ARTICLE,
        {**ARTICLE, "issue": "5", "pages": "1301-1309"},
    ),
}


@pytest.mark.parametrize("kind", SAME_WORK)
def test_one_work_in_messy_fields_merges(kind):
    a, b = SAME_WORK[kind]
    assert merged(a, b), kind


@pytest.mark.parametrize("kind", TWO_WORKS)
def test_two_works_that_look_alike_stay_apart(kind):
    a, b = TWO_WORKS[kind]
    assert not merged(a, b), kind


def test_a_doi_naming_another_journal_neither_merges_nor_splits_and_never_becomes_the_citations():
    right, wrong = SAME_WORK["correct and mistaken DOI, every other field equal"]
    records = make_records([{"record_id": "A", **wrong}, {"record_id": "B", **right}])
    deduped, citations = deduplicate(records)
    assert citations["doi"].tolist() == ["10.1016/j.jvs.2017.05.003"]
    assert deduped["doi"].tolist() == ["10.1016/j.regpep.2017.05.039", "10.1016/j.jvs.2017.05.003"]  # kept as exported
    other_title = {**wrong, "title": "Regulatory peptides in appetite control: a review of animal studies"}
    apart, _ = deduplicate(make_records([{"record_id": "A", **other_title}, {"record_id": "B", **right}]))
    assert apart["citation_id"].nunique() == 2
