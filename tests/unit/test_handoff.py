"""Hand-offs to the next tools: the PRISMA2020 R package's CSV and labelled RIS.

The PRISMA2020 format rule (columns data, node, box, description, boxtext, tooltips, url,
n; each count found by its `data` name; reasons and databases as "name, n; name, n")
comes from the package's template inst/extdata/PRISMA.csv and its PRISMA_data() reader
(github.com/prisma-flowdiagram/PRISMA2020)."""

import csv
import io

import pandas as pd
from helpers import make_records
from test_prisma import scenario

from reviewflow.dedup import deduplicate
from reviewflow.handoff import PRISMA2020_COLUMNS, labelled_ris, meta_analysed, prisma2020_csv
from reviewflow.ingest import loads
from reviewflow.tables import BIBLIOGRAPHIC_FIELDS

# every name PRISMA_data() looks up in the `data` column
PRISMA_DATA_NAMES = """previous_studies previous_reports register_results database_results
database_specific_results register_specific_results website_results organisation_results
citations_results duplicates excluded_automatic excluded_other records_screened records_excluded
dbr_sought_reports dbr_notretrieved_reports other_sought_reports other_notretrieved_reports
dbr_assessed dbr_excluded other_assessed other_excluded new_studies new_reports total_studies
total_reports total_studies_ma total_reports_ma""".split()


def test_prisma2020_csv_carries_every_box_of_the_run():
    counts = scenario()
    rows = list(csv.DictReader(io.StringIO(prisma2020_csv(counts, (5, 7)))))
    assert list(rows[0]) == PRISMA2020_COLUMNS
    n = {r["data"]: r["n"] for r in rows if r["data"] != "NA"}
    assert set(PRISMA_DATA_NAMES) <= set(n)
    p = counts["prisma"]
    assert int(n["records_screened"]) == p["screened"] and int(n["database_results"]) == p["identified"]["total"]
    assert int(n["records_excluded"]) == p["screening"]["excluded"]
    assert int(n["dbr_assessed"]) == p["retrieval"]["assessed"] and int(n["total_studies"]) == p["total_studies"]
    assert (int(n["total_studies_ma"]), int(n["total_reports_ma"])) == (5, 7)
    removed = p["removed_before_screening"]
    duplicates = removed["duplicates_of_earlier_searches"] + removed["duplicates_within_search"]
    assert int(n["duplicates"]) == duplicates
    # the boxes of reasons and databases read as PRISMA_data() splits them
    databases = [part.rsplit(", ", 1) for part in n["database_specific_results"].split("; ")]
    assert [(d, int(k)) for d, k in databases] == [
        (b["database"], b["records"]) for b in p["identified"]["by_database"]
    ]
    reasons = [part.rsplit(", ", 1) for part in n["dbr_excluded"].split("; ")]
    assert sum(int(k) for _, k in reasons) == sum(r["count"] for r in p["eligibility"]["excluded"])


def test_studies_in_a_meta_analysis_are_those_pooled_with_another():
    estimates = pd.DataFrame(
        [
            {"analysis_id": "a", "study_id": "s1", "pooled": "yes"},
            {"analysis_id": "a", "study_id": "s2", "pooled": "yes"},
            {"analysis_id": "a", "study_id": "s3", "pooled": "no"},  # left out of the pooling
            {"analysis_id": "b", "study_id": "s4", "pooled": "yes"},  # alone in its analysis
            {"analysis_id": "c", "study_id": "s2", "pooled": "yes"},
            {"analysis_id": "c", "study_id": "s5", "pooled": "yes"},
        ]
    )
    publications = pd.DataFrame({"study_id": ["s1", "s1", "s2", "s3", "s4", "s5", "s5", "s5"]})
    assert meta_analysed(estimates, publications) == (3, 6)


def test_labelled_ris_round_trips_the_citations_and_carries_their_status():
    records = make_records(
        [
            {
                "record_id": "R1",
                "title": "Pain programmes: a trial",
                "authors": "Smith, J; Roe, A",
                "year": "2001",
                "doi": "10.1000/a1",
                "pmid": "123",
                "journal": "Pain",
                "volume": "3",
                "pages": "1-9",
            },
            {"record_id": "R2", "title": "Another trial of exercise", "authors": "Doe, B", "year": "2003"},
            {"record_id": "R3", "title": "", "authors": "Nameless, A", "year": "1999"},  # kept without a title
        ]
    )
    records["type"] = "journal article"
    _, citations = deduplicate(records)
    ids = citations["citation_id"].tolist()
    status = pd.DataFrame(
        {
            "citation_id": ids,
            "status": ["included", "excluded at full text", ""],
            "exclusion_reason": ["", "wrong population", ""],
        }
    )
    publications = pd.DataFrame({"study_id": ["smith-2001"], "citation_id": [ids[0]]})
    text = labelled_ris(citations, status, publications)
    assert "LB  - included" in text and "N1  - reviewflow: included; study: smith-2001" in text
    assert "N1  - reviewflow: excluded at full text; reason: wrong population" in text
    back, rejected = loads(text, source="db", search="s1", file="library.ris")
    assert rejected.empty and len(back) == 3
    fields = [f for f in BIBLIOGRAPHIC_FIELDS if f in back.columns]
    assert back[fields].reset_index(drop=True).equals(citations[fields].reset_index(drop=True))
