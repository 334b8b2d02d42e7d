"""The deduplication engine: what it merges, what it keeps apart, how people overrule it,
and that citation ids survive new searches."""

import openpyxl
import pandas as pd
import pytest
from helpers import make_records, make_sheet

from reviewflow.dedup import deduplicate, deduplicate_explained, title_key
from reviewflow.dedup.decisions import add_queue_decisions, checked_decisions, write_review_queue
from reviewflow.dedup.keys import author_surnames, journal_key, journals_match, title_match_key, title_signature
from reviewflow.errors import ReviewflowError

TRIAL = {
    "authors": "Peters, J. L.; Large, R. G.",
    "journal": "Pain",
    "volume": "41",
    "pages": "283-293",
    "year": "1990",
}


def clusters(frame):
    """Record ids grouped by citation, as a set of frozensets (order-free)."""
    return {frozenset(g["record_id"]) for _, g in frame.groupby("citation_id")}


def together(records, *ids) -> bool:
    deduped, _ = deduplicate(make_records(records))
    owner = dict(zip(deduped["record_id"], deduped["citation_id"]))
    return len({owner[i] for i in ids}) == 1


def test_identifiers_merge_whatever_the_form():
    records = [
        {
            "record_id": "R1",
            "title": "A randomised control trial of pain programmes",
            "doi": "10.1016/0304-3959(90)90005-X",
            **TRIAL,
        },
        {
            "record_id": "R2",
            "title": "A randomized control trial of pain programmes.",
            "doi": "10.1016/0304-3959(90)90005-x",
        },
        {"record_id": "R3", "title": "A randomised control trial of pain programmes", "pmid": "1697057", **TRIAL},
        {
            "record_id": "R4",
            "title": "A randomised controlled trial of pain programmes",
            "pmid": "1697057",
            "year": "1990",
        },
    ]
    deduped, citations = deduplicate(make_records(records))
    assert clusters(deduped) == {frozenset({"R1", "R2", "R3", "R4"})}
    assert deduped.set_index("record_id").loc["R2", "match_rule"] == "identifier"


@pytest.mark.parametrize(
    "a, b",
    [
        (
            {"title": "Effect of \u03b2-blockers on pain behaviour in paediatric tumours"},
            {"title": "Effect of beta-blockers on pain behavior in pediatric tumors"},
        ),
        (
            {"title": "Pain programmes in general practice: a randomised trial", "journal": "Curr Opin Lipidol"},
            {
                "title": "Pain programs in general practice: a randomized trial",
                "journal": "Current Opinion in Lipidology",
            },
        ),
        (
            {"title": "Crowdwork and pain at work [Schmerz und Crowdarbeit: eine Studie]"},
            {"title": "Schmerz und Crowdarbeit: eine Studie"},
        ),
        (
            {"title": "Outcomes of a pain programme: a cohort study. [Review] [42 refs]"},
            {"title": "Outcomes of a pain programme: a cohort study"},
        ),
    ],
)
def test_normalisation_lets_variants_of_one_work_meet(a, b):
    records = [
        {"record_id": "R1", **TRIAL, **a},
        {"record_id": "R2", **TRIAL, "authors": "J. L. Peters and R. G. Large", **b},
    ]
    assert together(records, "R1", "R2")


def test_match_keys():
    assert author_surnames("Peters, J. L.; Large, R. G.") == author_surnames("Peters JL; Large RG") == "peters large"
    assert author_surnames("Zuna, R E and van der Schaar, Mihaela") == "zuna vanderschaar"
    assert author_surnames("K. Meyer, J. Fransen and A. Klipstein") == "meyer fransen klipstein"
    assert journals_match(
        journal_key("Arch Phys Med Rehabil"), journal_key("Archives of Physical Medicine and Rehabilitation")
    )
    assert not journals_match(journal_key("Diabetes"), journal_key("Diabetologia"))
    assert (
        title_match_key("Organisation of \u03b1-care [Erratum appears in Pain 2001;5:3]")
        == "organization of alpha care"
    )
    assert title_signature(title_match_key("Outcome of a programme. Part I.")) != title_signature(
        title_match_key("Outcome of a programme. Part II.")
    )
    assert title_signature(title_match_key("HPV16/18 in 10 000 women")) == title_signature(
        title_match_key("HPV 16/18 in 10000 women")
    )
    assert title_key("Sj\u00f6gren's  SYNDROME: a Trial.") == title_key("sjogren s syndrome a trial")


@pytest.mark.parametrize(
    "title, signature",
    [
        ("Erratum: a trial of back pain care", "|erratum|"),  # a title without numbers: the quick way
        ("Erratum: a trial of back pain care in 2 clinics", "2|erratum|"),
        ("Reply to a letter on back pain care", "|reply|"),
        ("Back pain care: the second report", "||2"),
        ("Back pain care programmes", "||"),
        ("Back pain care, part B", "||b"),
    ],
)
def test_title_signature_says_numbers_notices_and_parts(title, signature):
    """Numbers, notice words and parts of a series, each sorted: the same whichever way the
    title is read (titles without a digit or a series word take a quicker way)."""
    assert title_signature(title_match_key(title)) == signature


@pytest.mark.parametrize(
    "a, b",
    [  # the classic false friends: reports of one trial, parts, notices, another year
        (
            {
                "title": "Functional restoration for chronic low back pain. Two-year follow-up of two "
                "randomized clinical trials",
                "year": "1998",
            },
            {
                "title": "Functional restoration for chronic low back pain. Five-year follow-up of two "
                "randomized clinical trials",
                "year": "1998",
            },
        ),
        (
            {"title": "Chronic low back pain rehabilitation programs: duration and group therapy (Part 1)"},
            {"title": "Chronic low back pain rehabilitation programs: duration and group therapy (Part 2)"},
        ),
        (
            {"title": "A trial of pain management programmes in primary care"},
            {"title": "Erratum: A trial of pain management programmes in primary care"},
        ),
        (
            {"title": "A trial of pain management programmes in primary care"},
            {"title": "Reply to: A trial of pain management programmes in primary care"},
        ),
        (
            {"title": "A trial of pain management programmes in primary care", "year": "1997"},
            {"title": "A trial of pain management programmes in primary care", "year": "1999"},
        ),
        (
            {"title": "Treatment of low back pain: first extended follow up up to 24 months"},
            {"title": "Treatment of low back pain: second extended follow up up to 24 months"},
        ),
    ],
)
def test_false_friends_stay_apart(a, b):
    records = [{"record_id": "R1", **TRIAL, **a}, {"record_id": "R2", **TRIAL, **b}]
    assert not together(records, "R1", "R2")


def two_trials(first_title: str, second_title: str):
    """Records R1 and R2: the same trial's details under two titles."""
    return make_records(
        [{"record_id": "R1", **TRIAL, "title": first_title}, {"record_id": "R2", **TRIAL, "title": second_title}]
    )


def test_near_pairs_kept_apart_are_listed_with_the_reason():
    records = two_trials(
        "Chronic low back pain rehabilitation programs: duration and group therapy (Part 1)",
        "Chronic low back pain rehabilitation programs: duration and group therapy (Part 2)",
    )
    apart = deduplicate_explained(records).apart
    assert list(zip(apart["record_a"], apart["record_b"])) == [("R1", "R2")]
    assert "differ in a number" in apart["reason"].iloc[0]


def test_conference_abstract_is_linked_not_merged_unless_configured():
    records = make_records(
        [
            {
                "record_id": "R1",
                **TRIAL,
                "title": "Outcomes of an online pain program: a randomized trial of 200 adults",
            },
            {
                "record_id": "R2",
                **TRIAL,
                "title": "Outcomes of an online pain program: a randomized trial of 200 adults",
                "type": "Conference Abstract",
                "journal": "Pain Medicine Meeting Abstracts",
                "volume": "9",
                "pages": "S12",
            },
        ]
    )
    separate = deduplicate_explained(records)
    assert len(separate.citations) == 2 and list(separate.apart["kind"]) == ["conference abstract linked to its report"]
    assert len(deduplicate_explained(records, conference_abstracts="merge").citations) == 1


def test_never_two_dois_in_one_citation_even_through_a_chain():
    records = make_records(
        [
            {
                "record_id": "R1",
                **TRIAL,
                "title": "Erratum to a trial of pain programmes in primary care",
                "doi": "10.1/a",
            },
            {
                "record_id": "R2",
                **TRIAL,
                "title": "Erratum to a trial of pain programmes in primary care",
                "doi": "10.1/b",
            },
            {"record_id": "R3", **TRIAL, "title": "Erratum to a trial of pain programmes in primary care"},
        ]
    )
    deduped, citations = deduplicate(records)
    for _, group in deduped.groupby("citation_id"):
        assert len(set(group["doi"]) - {""}) <= 1
    assert len(citations) == 2  # R3 joins one of them, never both


def test_every_merge_is_explained_with_rule_and_scores():
    records = two_trials(
        "Inpatient vs. outpatient pain management: results of a randomised controlled trial",
        "Inpatient versus outpatient pain management: results of a randomized controlled trial",
    )
    merges = deduplicate_explained(records).merges
    row = merges.iloc[0]
    assert (row["record_a"], row["record_b"], row["rule"]) == ("R1", "R2", "title+details")
    assert (
        0.9 < float(row["title_similarity"]) < 1
        and row["author_similarity"] == "1.000"
        and row["same_journal"] == "yes"
    )


UNCERTAIN = [  # same title, one year apart, no volume or pages: for people to decide
    {
        "record_id": "R00000000000000a1",
        "title": "Group pain education for older adults in community settings",
        "authors": "Smith, J",
        "year": "2017",
    },
    {
        "record_id": "R00000000000000a2",
        "title": "Group pain education for older adults in community settings",
        "authors": "Jones, K",
        "year": "2017",
    },
]
A1, A2 = "R00000000000000a1", "R00000000000000a2"


def test_uncertain_pairs_go_to_the_queue_and_decisions_always_win(tmp_path):
    records = make_records(UNCERTAIN)
    result = deduplicate_explained(records)
    assert len(result.citations) == 2 and list(zip(result.queue["record_a"], result.queue["record_b"])) == [(A1, A2)]
    assert result.queue["reason"].iloc[0] == "different authors"
    assert len(deduplicate_explained(records, decisions=[(A1, A2, "same")]).citations) == 1
    assert deduplicate_explained(records, decisions=[(A2, A1, "different")]).queue.empty  # decided: off the queue

    # 'different' holds even when a third record would chain the two together
    chain = make_records(
        [
            {"record_id": "R1", **TRIAL, "title": "Pain programmes in primary care: a cluster randomized trial"},
            {"record_id": "R2", **TRIAL, "title": "Pain programmes in primary care: a cluster randomised trial."},
            {"record_id": "R3", **TRIAL, "title": "Pain programmes in primary care - a cluster randomized trial"},
        ]
    )
    assert len(deduplicate_explained(chain).citations) == 1
    kept = deduplicate_explained(chain, decisions=[("R1", "R3", "different")])
    owner = dict(zip(kept.records["record_id"], kept.records["citation_id"]))
    assert owner["R1"] != owner["R3"]


def test_review_queue_round_trip(tmp_path):
    records = make_records(UNCERTAIN)
    queue = tmp_path / "review_queue.xlsx"
    write_review_queue(deduplicate_explained(records).queue, queue, pd.Timestamp("2021-05-24").date())
    workbook = openpyxl.load_workbook(queue)
    sheet = workbook["review queue"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["record_a", "record_b", "reason"] and "title_a" in header and "title_b" in header
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"same,different"'
    sheet.cell(row=2, column=header.index("decision") + 1, value="same")
    sheet.cell(row=2, column=header.index("note") + 1, value="same DOI in the full text")
    workbook.save(queue)
    sheet_csv = tmp_path / "dedup_decisions.csv"
    assert add_queue_decisions(queue, sheet_csv) == 1
    assert "same DOI in the full text" in sheet_csv.read_text()  # every column a person filled is kept
    assert add_queue_decisions(queue, sheet_csv) == 0  # a second add changes nothing
    from reviewflow.sheets import read_sheet

    decisions = checked_decisions(read_sheet(sheet_csv, "dedup_decisions"), set(records["record_id"]), str(sheet_csv))
    assert decisions == [(A1, A2, "same")]
    assert len(deduplicate_explained(records, decisions=decisions).citations) == 1


def test_decision_naming_an_unknown_record_is_an_error():
    sheet = make_sheet(
        "dedup_decisions", [{"record_a": "R0000000000000001", "record_b": "R00000000000000ff", "decision": "same"}]
    )
    with pytest.raises(
        ReviewflowError, match=r"d.csv, row 2, column 'record_b': record R00000000000000ff is in no search export"
    ):
        checked_decisions(sheet, {"R0000000000000001"}, "d.csv")


def test_citation_ids_never_change_when_a_search_is_added():
    first = make_records(
        [
            {"record_id": "Raaaa", **TRIAL, "title": "Alpha trial of pain programmes in primary care", "doi": "10.1/a"},
            {"record_id": "Rbbbb", **TRIAL, "title": "Beta trial of pain programmes in primary care", "year": "1991"},
            {
                "record_id": "Rcccc",
                "title": "Gamma trial of pain programmes in rural primary care",
                "authors": "Cole, D",
                "year": "1995",
            },
            {
                "record_id": "Rdddd",
                "title": "Gamma trial of pain programmes in rural primary care",
                "authors": "Cole, D",
                "year": "1996",
            },
        ]
    )
    later = make_records(
        [
            {
                "record_id": "Reeee",
                **TRIAL,
                "title": "Alpha trial of pain programs in primary care",
                "search": "s2",
            },  # known: joins Caaaa
            {"record_id": "Rffff", "title": "Delta trial of pain programmes", "year": "2005", "search": "s2"},  # new
            # would link the two Gamma records that the first search kept apart: held back for people
            {
                "record_id": "Rgggg",
                "title": "Gamma trial of pain programmes in rural primary care",
                "authors": "Cole, D",
                "year": "1995",
                "volume": "3",
                "search": "s2",
            },
        ]
    )
    before = deduplicate_explained(first)
    after = deduplicate_explained(pd.concat([first, later], ignore_index=True))
    old = dict(zip(before.records["record_id"], before.records["citation_id"]))
    new = dict(zip(after.records["record_id"], after.records["citation_id"]))
    assert all(new[r] == old[r] for r in old)
    assert new["Reeee"] == "Caaaa" and new["Rffff"] == "Cffff"
    merged = after.citations.set_index("citation_id").loc["Caaaa"]
    assert merged["record_ids"] == "Raaaa; Reeee" and merged["searches"] == "s1; s2"


def test_merged_metadata_prefers_the_fullest_record_and_fills_gaps():
    records = make_records(
        [
            {"record_id": "R1", "title": "Alpha", "year": 2001, "doi": "10.1/a"},
            {
                "record_id": "R2",
                "title": "Alpha.",
                "year": 2001,
                "doi": "10.1/a",
                "journal": "J",
                "volume": "3",
                "pmid": "9",
            },
        ]
    )
    citation = deduplicate(records)[1].iloc[0]
    assert (citation["title"], citation["journal"], citation["pmid"]) == ("Alpha.", "J", "9")


def test_the_same_record_id_twice_is_an_error():
    records = make_records([{"record_id": "R1", "title": "A", "year": 1}, {"record_id": "R1", "title": "A", "year": 1}])
    with pytest.raises(ReviewflowError, match="record id R1 occurs twice"):
        deduplicate(records)


def test_same_title_and_year_with_other_volume_pages_or_journal_stay_apart():
    records = make_records(
        [
            {
                "record_id": "R1",
                "title": "Cervical cytology in women living with HIV in Sao Paulo",
                "year": 2011,
                "volume": "57",
                "pages": "S1-S6",
                "authors": "Pinto, V",
                "journal": "J Acquir Immune Defic Syndr",
            },
            {
                "record_id": "R2",
                "title": "Cervical cytology in women living with HIV in Sao Paulo",
                "year": 2011,
                "volume": "87",
                "pages": "A186",
                "authors": "Pinto, V",
                "journal": "Sex Transm Infect",
            },
            {
                "record_id": "R3",
                "title": "Cervical cytology in women living with HIV in Sao Paulo.",
                "year": 2011,
                "volume": "57",
                "authors": "Pinto, VM",
                "journal": "J Acquir Immune Defic Syndr",
            },
            {"record_id": "R4", "title": "Editorial", "year": 2015, "journal": "J A"},
            {"record_id": "R5", "title": "Editorial", "year": 2015, "journal": "J B"},
        ]
    )
    deduped, _ = deduplicate(records)
    assert clusters(deduped) == {frozenset({"R1", "R3"}), frozenset({"R2"}), frozenset({"R4"}), frozenset({"R5"})}


def test_a_title_in_two_languages_merges_on_venue_and_page_range():
    venue = {
        "journal": "Industrielle Beziehungen",
        "volume": "25",
        "issue": "1",
        "year": "2018",
        "authors": "Heiland, H",
    }
    records = [
        {
            "record_id": "R1",
            "title": "Review-Artikel: Zum aktuellen Stand des Plattformkapitalismus",
            "pages": "128 -- 139",
            **venue,
        },
        {
            "record_id": "R2",
            "title": "Review article: the current situation of platform capitalism",
            "pages": "128-39",
            **venue,
        },
        {"record_id": "R3", "title": "Another article of the same issue", "pages": "140-151", **venue},
    ]
    assert together(records, "R1", "R2") and not together(records, "R1", "R3")


def test_short_titles_merge_only_within_one_issue_with_the_same_authors():
    issue = {
        "title": "2015 BioIron Meeting Abstracts",
        "journal": "Am J Hematol",
        "volume": "91",
        "issue": "3",
        "year": "2016",
        "authors": "Anonymous",
    }
    records = [
        {"record_id": "R1", **issue},
        {"record_id": "R2", **issue},
        {"record_id": "R3", **issue, "issue": "4"},
    ]
    assert together(records, "R1", "R2") and not together(records, "R1", "R3")


def test_a_doi_shared_by_different_titles_keeps_them_apart_without_asking():
    records = make_records(
        [
            {
                "record_id": "R1",
                **TRIAL,
                "title": "Liraglutide in mice with early atherosclerosis",
                "doi": "10.1007/s00125-018-4693-0",
            },
            {
                "record_id": "R2",
                **TRIAL,
                "title": "Exendin and vascular smooth muscle proliferation",
                "doi": "10.1007/s00125-018-4693-0",
            },
        ]
    )
    result = deduplicate_explained(records)
    assert len(result.citations) == 2 and result.queue.empty
    assert "shared DOI" in result.apart["reason"].iloc[0]


def test_the_queue_asks_once_per_pair_of_citations():
    copies = [
        {
            "record_id": f"R{n}",
            "title": "Group pain education for older adults in community settings",
            "year": "2017",
            "authors": "Smith, J" if n < 3 else "Jones, K",
            "journal": "Pain" if n < 3 else "",
            "volume": "9" if n < 3 else "",
        }
        for n in range(1, 5)
    ]
    result = deduplicate_explained(make_records(copies))
    # R1+R2 and R3+R4 merge; the four record pairs between the two citations are one question
    assert len(result.citations) == 2 and len(result.queue) == 1


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORKS = [
    f"{topic} in {setting}: a randomised trial"
    for topic in ("Pain education", "Graded exercise", "Group CBT")
    for setting in ("primary care", "rehabilitation", "the community")
]


@st.composite
def searches(draw):
    def record(search: str, n: int) -> dict:
        work = draw(st.integers(0, len(WORKS) - 1))
        title = WORKS[work]
        if draw(st.booleans()):
            title = title.replace("randomised", "randomized").upper()
        return {
            "record_id": f"R{search}{n:03d}",
            "search": search,
            "title": title,
            "year": str(2000 + work % 3),
            "authors": draw(st.sampled_from(["Peters, J", "Peters JL", "Large, R"])),
            "journal": draw(st.sampled_from(["Pain", "", "J Pain"])),
            "volume": draw(st.sampled_from(["", str(work)])),
            "doi": draw(st.sampled_from(["", f"10.1/{work}", f"10.1/{work}x"])),
        }

    first = [record("a", n) for n in range(draw(st.integers(1, 12)))]
    later = [record("b", n) for n in range(draw(st.integers(1, 12)))]
    return first, later


@settings(max_examples=60, deadline=None)
@given(searches())
def test_adding_a_search_never_renames_or_regroups_earlier_citations(batches):
    first, later = make_records(batches[0]), make_records(batches[1])
    before = deduplicate_explained(first).records
    after = deduplicate_explained(pd.concat([first, later], ignore_index=True)).records
    old, new = (
        dict(zip(before["record_id"], before["citation_id"])),
        dict(zip(after["record_id"], after["citation_id"])),
    )
    assert all(new[r] == old[r] for r in old)
    for _, group in after.groupby("citation_id"):
        assert len(set(group["doi"].str.lower()) - {""}) <= 1


def test_a_mistyped_number_merges_only_where_journal_volume_page_and_authors_agree():
    venue = {"journal": "Int J Gynecol Cancer", "volume": "17", "year": "2007", "authors": "Guedes, A C; Brenna, S M"}
    records = [
        {
            "record_id": "R1",
            "title": "p16(INK4a) expression does not predict the outcome of cervical neoplasia grade 2",
            "pages": "1099-1103",
            **venue,
        },
        {
            "record_id": "R2",
            "title": "p6INK4a expression does not predict the outcome of cervical neoplasia grade 2",
            "pages": "1099-103",
            **venue,
        },
        {
            "record_id": "R3",
            "title": "p16(INK4a) expression does not predict the outcome of cervical neoplasia grade 3",
            "pages": "1104-1110",
            **venue,
        },
    ]
    assert together(records, "R1", "R2") and not together(records, "R1", "R3")


def test_given_names_taken_for_surnames_still_match_and_a_year_in_the_volume_says_nothing():
    records = [
        {
            "record_id": "R1",
            "title": "We don't need no education: required abilities in online labor markets",
            "year": "2010",
            "authors": "Carignani, Andrea and Negri, Lorenzo",
            "type": "inproceedings",
        },
        {
            "record_id": "R2",
            "title": '"We Don\'t Need no Education" - Required Abilities in Online Labor Markets',
            "year": "2010",
            "authors": "Andrea, C. and Lorenzo, N.",
            "type": "inproceedings",
        },
        {
            "record_id": "R3",
            "title": "How did it ... Upwork's CEO on how an introverted engineer learned to lead",
            "year": "2016",
            "authors": "Kasriel, Stephane",
            "journal": "Harvard Business Review",
            "volume": "94",
            "pages": "35",
        },
        {
            "record_id": "R4",
            "title": "Upwork's CEO on how an introverted engineer learned to lead",
            "year": "2016",
            "authors": "Kasriel, S.",
            "journal": "Harvard Business Review",
            "volume": "2016",
        },
    ]
    assert together(records, "R1", "R2") and together(records, "R3", "R4") and not together(records, "R1", "R3")


def test_contradicting_reviewer_decisions_are_errors_naming_the_rows():
    ids = {"R1", "R2", "R3"}
    both_ways = make_sheet(
        "dedup_decisions",
        [
            {"record_a": "R1", "record_b": "R2", "decision": "same"},
            {"record_a": "R2", "record_b": "R1", "decision": "different"},
        ],
    )
    with pytest.raises(
        ReviewflowError, match=r"d.csv, row 3, column 'decision': judges the pair 'different' but row 2"
    ):
        checked_decisions(both_ways, ids, "d.csv")
    chain = make_sheet(
        "dedup_decisions",
        [
            {"record_a": "R1", "record_b": "R2", "decision": "same"},
            {"record_a": "R2", "record_b": "R3", "decision": "same"},
            {"record_a": "R1", "record_b": "R3", "decision": "different"},
        ],
    )
    with pytest.raises(ReviewflowError, match=r"row 4, column 'decision': says R1 and R3 are different, but 'same'"):
        checked_decisions(chain, ids, "d.csv")
    agreeing = make_sheet("dedup_decisions", [{"record_a": "R1", "record_b": "R2", "decision": "same"}] * 2)
    assert len(checked_decisions(agreeing, ids, "d.csv")) == 2  # the same judgement twice is no contradiction


def test_records_exported_without_a_title_are_kept_and_put_to_people():
    """A title-less record (EndNote's catalogue entry, a placeholder) is kept as exported: it
    merges by itself only on a shared DOI or PMID; a pair the other rules would merge goes
    to the review queue; a record that pairs with nothing still gets a row of its own."""
    venue = {"journal": "Industrielle Beziehungen", "volume": "25", "issue": "1", "year": "2018"}
    records = [
        {"record_id": "R1", "title": "Review-Artikel: Plattformkapitalismus", "pages": "128-139", **venue},
        {"record_id": "R2", "title": "", "pages": "128-139", "authors": "Heiland, H", **venue},
        {"record_id": "R3", "title": "", "doi": "10.1000/xyz", "year": "2019"},
        {"record_id": "R4", "title": "", "doi": "10.1000/XYZ", "year": "2019"},
        {"record_id": "R5", "title": "", "authors": "Alone, A", "year": "2001"},
    ]
    records[0]["authors"] = "Heiland, H"
    explained = deduplicate_explained(make_records(records))
    owner = dict(zip(explained.records["record_id"], explained.records["citation_id"]))
    assert owner["R1"] != owner["R2"]  # venue and pages agree, but with no title people decide
    assert owner["R3"] == owner["R4"]  # one DOI: merged
    queue = explained.queue
    pair = queue[(queue["record_a"] == "R1") & (queue["record_b"] == "R2")]
    assert len(pair) == 1 and "without a title" in pair["reason"].iloc[0]
    alone = queue[queue["record_a"] == "R5"]
    assert alone["record_b"].tolist() == [""] and alone["reason"].str.startswith("has no title").all()
    assert "R2" not in set(queue.loc[queue["record_b"] == "", "record_a"])  # already in a pair: no second row


def test_blocking_pairs_every_two_records_that_share_a_key_and_skips_oversized_blocks(monkeypatch):
    """The pairs of candidate_pairs against a brute force over the same blocks, with blocks
    of every size up to and past the limit (shrunk here to keep the test small)."""
    import itertools

    import numpy as np

    from reviewflow.dedup import pairs as blocking

    monkeypatch.setattr(blocking, "BLOCK_LIMIT", 40)
    rng = np.random.default_rng(7)
    n = 600
    blocks = {
        name: pd.Series([f"k{v}" if v >= 0 else "" for v in rng.integers(-1, high, n)])
        for name, high in (("doi", 400), ("pmid", 30), ("title", 12), ("title_start", 60), ("author_page", 3))
    }
    blocks["alt_title_start"] = pd.Series([f"k{v}" if v < 20 else "" for v in rng.integers(0, 200, n)])
    monkeypatch.setattr(blocking, "blocking_keys", lambda keys: dict(blocks))
    expected = set()
    for name, key in blocks.items():
        if name == "alt_title_start":
            continue
        entries = list(enumerate(key))
        if name == "title_start":
            entries += list(enumerate(blocks["alt_title_start"]))
        members: dict[str, set] = {}
        for position, value in entries:
            if value:
                members.setdefault(value, set()).add(position)
        for group in members.values():
            if 1 < len(group) <= 40:
                expected |= set(itertools.combinations(sorted(group), 2))
    found = blocking.candidate_pairs(pd.DataFrame(index=range(n)))
    assert {tuple(pair) for pair in found.tolist()} == expected
    assert found.tolist() == sorted(found.tolist())  # in record order
    assert any(len(g) > 40 for g in [[v for v in blocks["author_page"] if v == "k0"]])  # an oversized block was there
