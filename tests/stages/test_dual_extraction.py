"""Two reviewers extract blind: each gets a workbook of their own listing the studies
awaiting extraction and none of the other's values, each workbook goes back into its
reviewer's own arms.csv and outcomes.csv only, the run lists every value and row on which
they differ (numbers within the config's tolerance agree) with their percent agreement, and
the team's agreed values become the review's own extraction, naming both reviewers; until
then, a study with open differences takes neither reviewer's values."""

import csv
import json

import pytest
from helpers import as_seen_in
from openpyxl import load_workbook

from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import load_config, run_review
from reviewflow.reviewer_commands import reviewer_worksheet, take_consensus
from reviewflow.scaffold import add_search, init_review
from reviewflow.study_commands import add_extraction

CONFIG = "config/demo.yaml"
RESULTS = "results/demo"
STUDIES = ["able-2020", "baker-2021"]
ARMS = ["study_id", "arm", "name", "arm_type", "n_randomised"]
OUTCOMES = ["study_id", "arms", "domain", "measure", "timepoint", "result", "mean", "sd", "n"]
# What each reviewer typed (constructed for the test): JS and AB agree on able-2020 but for
# a mean 0.04 apart (within the tolerance of 0.05) and an N randomised; on baker-2021 AB
# typed a different SD and a result row JS did not extract.
TYPED = {
    "JS": {
        "arms": [
            ["able-2020", "A", "Exercise", "intervention", "40"],
            ["able-2020", "B", "Usual care", "control", "40"],
            ["baker-2021", "A", "Exercise", "intervention", "30"],
            ["baker-2021", "B", "Usual care", "control", "31"],
        ],
        "outcomes": [
            ["able-2020", "A", "primary outcome", "Pain VAS (0-10)", "12 weeks", "4.1 (1.2)", "4.1", "1.2", "38"],
            ["able-2020", "B", "primary outcome", "Pain VAS (0-10)", "12 weeks", "5.0 (1.3)", "5.0", "1.3", "37"],
            ["baker-2021", "A", "primary outcome", "Pain NRS", "6 months", "3.2 (1.1)", "3.2", "1.1", "29"],
            ["baker-2021", "B", "primary outcome", "Pain NRS", "6 months", "4.4 (1.0)", "4.4", "1.0", "30"],
        ],
    },
    "AB": {
        "arms": [
            ["able-2020", "A", "Exercise", "intervention", "40"],
            ["able-2020", "B", "Usual care", "control", "44"],
            ["baker-2021", "A", "Exercise", "intervention", "30"],
            ["baker-2021", "B", "Usual care", "control", "31"],
        ],
        "outcomes": [
            ["able-2020", "A", "primary outcome", "pain VAS  (0-10)", "12 weeks", "4.1 (1.2)", "4.14", "1.2", "38"],
            ["able-2020", "B", "primary outcome", "Pain VAS (0-10)", "12 weeks", "5.0 (1.3)", "5.0", "1.3", "37"],
            ["baker-2021", "A", "primary outcome", "Pain NRS", "6 months", "3.2 (1.1)", "3.2", "1.4", "29"],
            ["baker-2021", "B", "primary outcome", "Pain NRS", "6 months", "4.4 (1.0)", "4.4", "1.0", "30"],
            ["baker-2021", "A vs B", "adverse events", "Falls", "6 months", "2 vs 1 falls", "", "", ""],
        ],
    },
}


def _fill(path, reviewer):
    book = load_workbook(path)
    for name, columns in (("arms", ARMS), ("outcomes", OUTCOMES)):
        sheet = book[name]
        header = [cell.value for cell in sheet[1]]
        for offset, values in enumerate(TYPED[reviewer][name], start=2):
            for column, value in zip(columns, values):
                sheet.cell(row=offset, column=header.index(column) + 1).value = value
    book.save(path)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dual_extraction")
    init_review("demo", "Two reviewers extract", "rob2", root=folder)
    text = (folder / CONFIG).read_text().replace("studies:\n", "studies:\n  extraction_tolerance: 0.05\n", 1)
    if "extraction_tolerance" not in text:
        text += "studies:\n  extraction_tolerance: 0.05\n"
    (folder / CONFIG).write_text(text)
    export = folder / "medline.ris"
    titles = ["Exercise for knee pain: a randomised trial", "Exercise for hip pain: a trial"]
    export.write_text("".join(f"TY  - JOUR\nTI  - {t}\nAU  - Able, A\nPY  - 2020\nER  - \n\n" for t in titles))
    add_search(folder / CONFIG, "2024-01-01", "2024-01-01", [str(export)])
    run_review(folder / CONFIG, until="dedup")
    ids = {row["title"]: row["citation_id"] for row in _rows(folder / f"{RESULTS}/dedup/citations.csv")}
    resources = folder / "resources/demo"
    with open(resources / "screening.csv", "a", encoding="utf-8") as handle:
        for title in titles:
            handle.write(f"{ids[title]},title_abstract,include,,,,,\n{ids[title]},full_text,include,,,,,\n")
    width = len((resources / "studies.csv").read_text().splitlines()[0].split(","))
    with open(resources / "studies.csv", "a", encoding="utf-8") as handle:
        for study in STUDIES:
            handle.write(f"{study},{study.replace('-', ' ').title()},RCT" + "," * (width - 3) + "\n")
    with open(resources / "publications.csv", "a", encoding="utf-8") as handle:
        for study, title in zip(STUDIES, titles):
            handle.write(f"{study},{ids[title]},yes,,\n")
    run_review(folder / CONFIG, until="studies")
    config = load_config(folder / CONFIG)
    books = {r: folder / f"{r}-extraction.xlsx" for r in TYPED}
    listed = {}
    for reviewer in TYPED:
        listed[reviewer] = reviewer_worksheet(config, reviewer, "extraction", books[reviewer])
        _fill(books[reviewer], reviewer)
    refused = {}
    for name, call in {
        "into the other's sheets": lambda: add_extraction(
            config, str(books["AB"]), str(folder / "resources/demo/reviewers/JS")
        ),
        "into the review's sheets": lambda: add_extraction(config, str(books["AB"]), str(folder / "resources/demo")),
    }.items():
        with pytest.raises(ReviewflowError) as caught:
            call()
        refused[name] = as_seen_in(folder, str(caught.value))
    added = {r: add_extraction(config, str(books[r])) for r in TYPED}
    with pytest.raises(ReviewflowError) as caught:
        add_extraction(config, str(books["JS"]))  # the same studies a second time
    refused["twice"] = as_seen_in(folder, str(caught.value))
    run_review(folder / CONFIG, until="studies")
    from reviewflow.status import review_status

    said = as_seen_in(folder, review_status(config, CONFIG))
    before = {
        "differences": [
            [c.value for c in row]
            for row in load_workbook(folder / f"{RESULTS}/studies/disagreements.xlsx")["differences"].iter_rows()
        ],
        "agreement": _rows(folder / f"{RESULTS}/studies/agreement.csv"),
        "awaiting": _rows(folder / f"{RESULTS}/studies/awaiting.csv"),
    }
    yield {
        "folder": folder,
        "config": config,
        "listed": listed,
        "refused": refused,
        "added": added,
        "before": before,
        "resources": resources,
        "said": said,
    }


def test_each_reviewer_gets_the_studies_awaiting_extraction_marked_as_theirs(review):
    assert review["listed"] == {"JS": 2, "AB": 2}
    book = load_workbook(review["folder"] / "AB-extraction.xlsx")
    assert [[c.value for c in row] for row in book["reviewer"].iter_rows()] == [["reviewer", "AB"]]


def test_a_workbook_goes_into_its_reviewers_own_sheets_only(review):
    assert (
        "AB's blind worksheet; it goes into reviewers/AB/arms.csv, not JS's own sheet"
        in review["refused"]["into the other's sheets"]
    )
    assert "not the consensus sheet" in review["refused"]["into the review's sheets"]
    assert "has arms in" in review["refused"]["twice"] and "reviewers/JS/arms.csv" in review["refused"]["twice"]
    assert review["added"] == {"JS": (4, 4), "AB": (4, 5)}
    own = _rows(review["resources"] / "reviewers/AB/outcomes.csv")
    assert len(own) == 5 and own[0]["mean"] == "4.14"
    assert _rows(review["resources"] / "arms.csv") == []  # the review's own sheet untouched


def test_every_difference_is_listed_and_numbers_within_the_tolerance_agree(review):
    header, *rows = review["before"]["differences"]
    found = sorted((r[header.index("study_id")], r[header.index("row")], r[header.index("column")]) for r in rows)
    assert found == [
        ("able-2020", "B", "n_randomised"),
        ("baker-2021", "A vs B, adverse events, Falls, 6 months", "(row)"),
        ("baker-2021", "A, primary outcome, Pain NRS, 6 months", "sd"),
    ]
    assert all(r[header.index("status")] == "open" for r in rows)
    by_sheet = {row["sheet"]: row for row in review["before"]["agreement"]}
    # arms: 4 rows both gave, 3 filled values each (name, arm_type, n_randomised) -> 11/12;
    # outcomes: 4 rows both gave, 4 values each (result, mean, sd, n); the means 0.04 apart agree -> 15/16
    assert by_sheet["arms"]["values"] == "12" and by_sheet["arms"]["agreement"] == str(round(11 / 12, 3))
    assert by_sheet["outcomes"]["rows_both"] == "4" and by_sheet["outcomes"]["rows_one"] == "1"
    assert by_sheet["outcomes"]["values"] == "16" and by_sheet["outcomes"]["agreement"] == str(round(15 / 16, 3))


def test_a_study_with_open_differences_takes_neither_reviewers_values(review):
    awaiting = {row["id"] for row in review["before"]["awaiting"] if row["kind"] == "study"}
    assert awaiting == set(STUDIES)


def test_the_agreed_values_become_the_reviews_extraction_naming_both_reviewers(review):
    workbook = str(review["folder"] / f"{RESULTS}/studies/disagreements.xlsx")
    book = load_workbook(workbook)
    sheet = book["differences"]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    agreed = {"n_randomised": ("40", "JS, AB", "the CONSORT diagram says 40"), "sd": ("1.1", "JS, AB", "")}
    for row in rows:
        column = row[header.index("column")].value
        if column in agreed:
            for name, value in zip(("agreed", "agreed_by", "note"), agreed[column]):
                row[header.index(name)].value = value
    book.save(workbook)
    assert take_consensus(review["config"], workbook) == (1, 1)  # baker-2021's row still open
    arms = _rows(review["resources"] / "arms.csv")
    assert [(r["study_id"], r["arm"], r["n_randomised"]) for r in arms] == [
        ("able-2020", "A", "40"),
        ("able-2020", "B", "40"),
    ]
    assert all(r["source"] == "consensus of AB and JS, agreed by JS, AB" for r in arms)
    means = {r["arms"]: r["mean"] for r in _rows(review["resources"] / "outcomes.csv")}
    assert means == {"A": "4.14", "B": "5.0"}  # AB is the first reviewer: their value within the tolerance

    run_review(review["folder"] / CONFIG, until="report_html")  # the study still open is named, and takes no values
    html = (review["folder"] / RESULTS / "report.html").read_text(encoding="utf-8")
    awaiting = {r["id"] for r in _rows(review["folder"] / f"{RESULTS}/studies/awaiting.csv") if r["kind"] == "study"}
    assert awaiting == {"baker-2021"}
    assert "2 differences are not resolved yet, in baker-2021: that study takes no reviewer" in " ".join(html.split())

    for row in rows:
        if row[header.index("column")].value == "(row)":
            row[header.index("agreed")].value = "Present"
            row[header.index("agreed_by")].value = "JS"
    book.save(workbook)
    with pytest.raises(ReviewflowError, match="agrees '40', neither reviewer's value"):
        bad = load_workbook(workbook)
        for row in bad["differences"].iter_rows(min_row=2):
            if row[header.index("column")].value == "sd":
                row[header.index("agreed")].value = "40"
        bad.save(review["folder"] / "bad.xlsx")
        take_consensus(review["config"], review["folder"] / "bad.xlsx")
    assert take_consensus(review["config"], workbook) == (1, 0)
    baker = [r for r in _rows(review["resources"] / "outcomes.csv") if r["study_id"] == "baker-2021"]
    assert sorted((r["arms"], r["sd"]) for r in baker) == [("A", "1.1"), ("A vs B", ""), ("B", "1.0")]

    run_review(review["folder"] / CONFIG, until="report_context")
    context = json.loads((review["folder"] / RESULTS / "report/context.json").read_text(encoding="utf-8"))
    differences = [[c.value for c in r] for r in load_workbook(workbook)["differences"].iter_rows(min_row=2)]
    status = {row[9] for row in differences}
    assert status == {"resolved"}
    assert context["extraction_agreement"]["open"] == 0
    assert {row["sheet"] for row in context["extraction_agreement"]["rows"]} == {"arms", "outcomes"}
    assert context["extraction_agreement"]["open_studies"] == []


def test_a_consensus_naming_nobody_is_refused_and_nothing_is_written(review, tmp_path):
    from reviewflow.reviewer_commands import extraction_consensus
    from reviewflow.studies.dual import CONSENSUS_TYPED, DISAGREEMENT_COLUMNS

    header = [*DISAGREEMENT_COLUMNS, *CONSENSUS_TYPED]
    row = ["zed-2022", "arms", "B", "n_randomised", "AB", "44", "JS", "40", "", "open", "40", "", ""]
    with pytest.raises(ReviewflowError, match="names no one who agreed") as caught:
        extraction_consensus(review["config"], "d.xlsx", header, [row], to=str(tmp_path))
    assert "row 2" in str(caught.value) and "agreed_by" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_status_says_what_is_open_and_the_command_that_closes_it(review):
    said = review["said"]
    assert (
        "Studies: 2 studies in the registry; 0 included citations awaiting linking; 2 studies awaiting extraction"
        in said
    )
    assert "Two reviewers (AB and JS): 3 differences not resolved yet, in 2 studies" in said
    workbook = f"{RESULTS}/studies/disagreements.xlsx"
    assert f"Next: fill agreed and agreed_by in {workbook}, then reviewflow consensus {CONFIG} {workbook}" in said
    assert "to extract" not in said  # each reviewer has extracted both studies


def test_a_diagnostic_review_extracts_its_2x2_tables_blind_too(tmp_path):
    """Two reviewers' 2x2 tables of a diagnostic review, compared and agreed into accuracy.csv."""
    from test_diagnostic_review import CONFIG as DTA_CONFIG
    from test_diagnostic_review import RESULTS as DTA_RESULTS
    from test_diagnostic_review import _project

    _project(tmp_path)
    accuracy = tmp_path / "resources/dta/accuracy.csv"
    kept = [line for line in accuracy.read_text(encoding="utf-8").splitlines() if not line.startswith("dunn-2017")]
    accuracy.write_text("\n".join(kept) + "\n", encoding="utf-8")  # dunn-2017's tables not extracted yet
    run_review(tmp_path / DTA_CONFIG, until="studies")
    config = load_config(tmp_path / DTA_CONFIG)
    awaiting = {r["id"] for r in _rows(tmp_path / f"{DTA_RESULTS}/studies/awaiting.csv") if r["kind"] == "study"}
    typed = {"JS": ["12", "5", "8", "45"], "AB": ["12", "5", "8", "46"]}  # AB typed one TN differently
    for reviewer, cells in typed.items():
        book_path = tmp_path / f"{reviewer}.xlsx"
        assert reviewer_worksheet(config, reviewer, "extraction", book_path) == 1
        book = load_workbook(book_path)
        sheet = book["accuracy"]
        header = [c.value for c in sheet[1]]
        values = dict(zip(("tp", "fp", "fn", "tn"), cells))
        values.update(index_test="index test", reference_standard="reference standard")
        values.update(target_condition="target condition")
        for column, value in values.items():
            sheet.cell(row=2, column=header.index(column) + 1).value = value
        book.save(book_path)
        assert add_extraction(config, str(book_path)) == (1, 0)
    run_review(tmp_path / DTA_CONFIG, until="studies")
    workbook = str(tmp_path / f"{DTA_RESULTS}/studies/disagreements.xlsx")
    book = load_workbook(workbook)
    sheet = book["differences"]
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    for row in sheet.iter_rows(min_row=2):
        row[header.index("agreed")].value = "45"
        row[header.index("agreed_by")].value = "JS, AB"
    book.save(workbook)
    written = take_consensus(config, workbook)
    tables = [r for r in _rows(accuracy) if r["study_id"] == "dunn-2017"]
    run_review(tmp_path / DTA_CONFIG, until="studies")
    after = {r["id"] for r in _rows(tmp_path / f"{DTA_RESULTS}/studies/awaiting.csv") if r["kind"] == "study"}
    assert awaiting == {"dunn-2017"}  # a diagnostic review's study awaits its 2x2 table, not arms
    assert [(r[header.index("sheet")], r[header.index("column")], r[5], r[7]) for r in rows] == [
        ("accuracy", "tn", 46, 45)  # numbers as numbers in the workbook
    ]
    assert written == (1, 0)
    assert [(t["tp"], t["fp"], t["fn"], t["tn"]) for t in tables] == [("12", "5", "8", "45")]
    assert tables[0]["source"] == "consensus of AB and JS, agreed by JS, AB" and after == set()
