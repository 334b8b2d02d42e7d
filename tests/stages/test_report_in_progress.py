"""The report of a review in progress reads right: a new review from `init`, one search,
a few decisions, one study extracted and none assessed, run in process to the PDF."""

import csv
import re

import pytest
from pypdf import PdfReader

from reviewflow.pipeline import run_review
from reviewflow.scaffold import add_search, init_review

CONFIG = "config/demo.yaml"
RESULTS = "results/demo"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in_progress")
    init_review("demo", "A review in progress", "rob2", root=folder)
    export = folder / "medline.ris"
    titles = ["Exercise for knee pain: a randomised trial", "Yoga for back pain", "Massage for neck pain"]
    export.write_text("".join(f"TY  - JOUR\nTI  - {t}\nAU  - Able, A\nPY  - 2020\nER  - \n\n" for t in titles))
    add_search(folder / CONFIG, "2024-01-01", "2024-01-01", [str(export)])
    run_review(folder / CONFIG, until="dedup")
    with open(folder / f"{RESULTS}/dedup/citations.csv", newline="", encoding="utf-8") as handle:
        ids = {row["title"]: row["citation_id"] for row in csv.DictReader(handle)}
    included = ids[titles[0]]
    with open(folder / "resources/demo/screening.csv", "a", encoding="utf-8") as handle:
        handle.write(f"{included},title_abstract,include,,,,\n{included},full_text,include,,,,\n")
    with open(folder / "resources/demo/studies.csv", encoding="utf-8") as handle:
        width = len(handle.readline().split(","))
    with open(folder / "resources/demo/studies.csv", "a", encoding="utf-8") as handle:
        handle.write("able-2020,Able 2020,RCT" + "," * (width - 3) + "\n")
    with open(folder / "resources/demo/publications.csv", "a", encoding="utf-8") as handle:
        handle.write(f"able-2020,{included},yes,,\n")
    with open(folder / "resources/demo/arms.csv", encoding="utf-8") as handle:
        width = len(handle.readline().split(","))
    with open(folder / "resources/demo/arms.csv", "a", encoding="utf-8") as handle:
        handle.write("able-2020,A,Exercise,intervention" + "," * (width - 4) + "\n")
        handle.write("able-2020,B,Control,control" + "," * (width - 4) + "\n")
    run_review(folder / CONFIG)
    html = (folder / RESULTS / "report.html").read_text(encoding="utf-8")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(folder / RESULTS / "report.pdf").pages]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return {"html": html, "text": text, "pages": pages}


def test_the_contents_page_has_its_own_running_header(report):
    contents = next(page for page in report["pages"] if "Contents" in page and "Appendix A" in page)
    assert "Key messages A review" not in contents and contents.count("Key messages") == 1


def test_records_not_screened_are_counted_beside_the_screened_ones(report):
    text = report["text"]
    assert "Records not screened yet 2" in text and "Records screened 1" in text
    svg = report["html"]
    assert "Not screened yet (n\u00a0=\u00a02)" in svg


def test_no_study_assessed_shows_no_empty_chart_and_says_why(report):
    assert "None of the 1 study of KQ1 has a risk-of-bias assessment yet" in report["text"]
    assert "risk-of-bias judgement of each study" not in report["text"]
    assert "judgements are illustrative" not in report["text"]


def test_empty_appendices_and_flags_say_so_in_words(report):
    text = report["text"]
    assert "0 rows" not in text and "no value of the study, arm, evidence-table" in text
    assert "No study included yet." not in text  # one study: Appendix B lists it
    assert "None yet: the references" not in text and "Able A." in text


def test_the_flow_chapter_has_a_space_between_its_sentences(report):
    flow = next(page for page in report["pages"] if "Screening order and when to stop" in page)
    assert "to learn from. Stopping rule" in flow
    assert "None of the new citations" not in flow  # a first search: no 'new since the previous search'
