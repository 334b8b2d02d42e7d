import pandas as pd
from helpers import make_records, make_sheet

import reviewflow.screening as sc
from reviewflow.dedup import deduplicate
from reviewflow.prisma import prisma_counts, prisma_svg
from reviewflow.screening import resolve_decisions, screening_status
from reviewflow.tables import REJECTED_COLUMNS

SEARCHES = [
    {"batch": "s1", "date_searched": "2020-01-01", "exports": [{"file": "a.ris", "database": "MEDLINE"}]},
    {
        "batch": "s2",
        "date_searched": "2021-01-01",
        "exports": [{"file": "a.ris", "database": "MEDLINE"}, {"file": "b.ris", "database": "PsycINFO"}],
    },
]


def scenario(stopped: bool = False):
    """An update search whose records land in every box of the diagram (with `stopped`, the
    citation still awaiting title/abstract screening is left out by the stopping rule)."""

    def details(i: int) -> dict:
        return {"authors": f"Author{i}, A", "journal": "Pain", "volume": str(i), "pages": f"{i}0-{i}9"}

    old = [
        {
            "record_id": f"R00000000000000{i:02d}",
            "title": f"Old trial number {i}",
            "year": 2000,
            "search": "s1",
            "file": "a.ris",
            "source": "MEDLINE",
            **details(i),
        }
        for i in range(1, 4)
    ]
    new = [
        {
            "record_id": f"R00000000000001{i:02d}",
            "title": f"New trial number {i}",
            "year": 2020,
            "search": "s2",
            "file": "a.ris",
            "source": "MEDLINE",
            **details(i),
        }
        for i in range(1, 9)
    ]
    again = [
        {
            "record_id": "R0000000000000201",
            "title": "Old trial number 1",
            "year": 2000,
            "search": "s2",
            "file": "b.ris",
            "source": "PsycINFO",
            **details(1),
        },  # already known
        {
            "record_id": "R0000000000000202",
            "title": "New trial number 1",
            "year": 2020,
            "search": "s2",
            "file": "b.ris",
            "source": "PsycINFO",
            **details(1),
        },  # duplicate within
    ]
    records, citations = deduplicate(make_records(old + new + again))
    rejected = pd.DataFrame(
        [["R0000000000000999", "PsycINFO", "s2", "b.ris", "3", "record 3", "has no title", "raw"]],
        columns=REJECTED_COLUMNS,
    )
    ta = {
        1: "include",
        2: "include",
        3: "exclude",
        4: "include",
        5: "include",
        6: "include",
        7: "include",
    }  # New 8 awaits
    ft = {
        1: "include",
        2: "include",
        4: ("exclude", "ineligible population"),
        5: "not retrieved",
        6: "maybe",
    }  # New 7 awaits
    rows = [
        {"citation": "C0000000000000001", "stage": s, "decision": "include"} for s in ("title_abstract", "full_text")
    ]
    rows += [{"citation": f"C00000000000001{i:02d}", "stage": "title_abstract", "decision": d} for i, d in ta.items()]
    for i, d in ft.items():
        decision, reason = d if isinstance(d, tuple) else (d, "")
        rows.append(
            {"citation": f"C00000000000001{i:02d}", "stage": "full_text", "decision": decision, "reason": reason}
        )
    status = screening_status(
        citations, resolve_decisions(make_sheet("screening", rows), citations, ["ineligible population"], "s.csv")
    )
    if stopped:
        status.loc[status["status"] == sc.AWAITING_TA, "status"] = sc.STOPPED_TA
    publications = pd.DataFrame(
        {
            "study_id": ["old-study", "old-study", "new-study"],
            "citation_id": ["C0000000000000001", "C0000000000000101", "C0000000000000102"],
        }
    )
    studies = pd.DataFrame({"study_id": ["old-study", "new-study"]})
    return prisma_counts(records, rejected, citations, status, studies, publications, SEARCHES)


def test_every_box_equals_the_sum_of_its_parts():
    counts = scenario()
    p = counts["prisma"]
    removed = p["removed_before_screening"]
    assert p["identified"]["total"] == sum(d["records"] for d in p["identified"]["by_database"]) == 11
    assert p["identified"]["total"] == sum(removed.values()) + p["screened"] + p["screening"]["awaiting"]
    screening = p["screening"]
    assert p["screened"] == screening["excluded"] + screening["awaiting_resolution"] + screening["sought"]
    assert (
        p["screening"]["sought"]
        == p["retrieval"]["not_retrieved"] + p["retrieval"]["awaiting"] + p["retrieval"]["assessed"]
    )
    eligibility = p["eligibility"]
    assert (
        p["retrieval"]["assessed"]
        == sum(e["count"] for e in eligibility["excluded"]) + eligibility["undecided"] + eligibility["included_reports"]
    )
    assert (
        eligibility["included_reports"] == p["new_reports"]["of_new_studies"] + p["new_reports"]["of_previous_studies"]
    )
    assert p["total_studies"] == p["previous_studies"] + p["new_studies"] == 2
    assert p["total_reports"] == p["previous_reports"] + eligibility["included_reports"] == 3


def test_each_box_holds_the_records_it_should():
    p = scenario()["prisma"]
    assert p["removed_before_screening"] == {
        "duplicates_of_earlier_searches": 1,
        "duplicates_within_search": 1,
        "set_aside_unreadable": 1,
        "marked_ineligible_by_automation": 0,
    }
    assert (p["screened"], p["screening"]["excluded"], p["screening"]["awaiting"]) == (7, 1, 1)  # 1 not screened yet
    assert p["retrieval"] == {"not_retrieved": 1, "awaiting": 1, "assessed": 4}
    assert p["eligibility"] == {
        "excluded": [{"reason": "ineligible population", "count": 1}],
        "undecided": 1,
        "included_reports": 2,
    }
    assert (p["previous_studies"], p["new_studies"]) == (1, 1)
    assert p["new_reports"] == {"of_new_studies": 1, "of_previous_studies": 1}


def test_svg_shows_the_counts_and_escapes_text():
    counts = scenario()
    counts["prisma"]["identified"]["by_database"][0]["database"] = "<b>MEDLINE</b>"
    svg = prisma_svg(counts)
    assert svg.startswith("<svg") and "Records screened" in svg and "(n\u00a0=\u00a07)" in svg
    assert "Not screened yet (n\u00a0=\u00a01)" in svg
    assert "&lt;b&gt;MEDLINE&lt;/b&gt; (n\u00a0=\u00a08)" in svg and "<b>" not in svg
    assert "Total studies included in review (n\u00a0=\u00a02)" in svg
    assert "(n = " not in svg  # 'n = 2' is held together: a line never breaks inside it


def test_citations_left_by_the_stopping_rule_count_as_marked_by_automation():
    p = scenario(stopped=True)["prisma"]
    assert p["removed_before_screening"]["marked_ineligible_by_automation"] == 1
    assert (p["screened"], p["screening"]["excluded"], p["screening"]["awaiting"]) == (7, 1, 0)
    svg = prisma_svg(scenario(stopped=True))
    assert ">Records marked as ineligible by automation<" in svg and ">tools (n\u00a0=\u00a01)<" in svg


def test_records_without_a_title_are_counted_and_shown():
    from reviewflow.prisma.counts import batch_counts

    records = make_records([{"title": "A trial"}, {"title": ""}, {"title": ""}])
    searches = [{"batch": "s1", "date_searched": "2020-01-01", "exports": [{"file": "f.ris", "database": "X"}]}]
    rejected = pd.DataFrame(columns=REJECTED_COLUMNS)
    (batch,) = batch_counts(records, rejected, searches)
    assert (batch["records"], batch["without_title"], batch["set_aside"]) == (3, 2, 0)
    counts = scenario()
    assert counts["prisma"]["identified"]["without_title"] == 0
    assert "without a title" not in prisma_svg(counts)
    counts["prisma"]["identified"]["without_title"] = 2
    assert "of which without a title, kept (n\u00a0=\u00a02)" in prisma_svg(counts)
