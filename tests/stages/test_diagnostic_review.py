"""A diagnostic test accuracy review from `init --type diagnostic` to its PDF: one search,
five studies included, their 2x2 tables for two tests (one at two thresholds), run in
process; the report's accuracy chapter shows what the bivariate analysis gives."""

import csv
import json
import re

import pandas as pd
import pytest
from pypdf import PdfReader

from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import run_review
from reviewflow.scaffold import add_search, init_review
from reviewflow.synthesis.accuracy import meta_dta

CONFIG = "config/dta.yaml"
RESULTS = "results/dta"
# Constructed 2x2 tables (study, test, threshold, primary, TP, FP, FN, TN), not from any study.
TABLES = [
    ("ames-2011", "index test", "", "", 45, 10, 5, 90),
    ("bloch-2013", "index test", "", "", 30, 6, 12, 88),
    ("cole-2015", "index test", "", "", 60, 20, 4, 180),
    ("dunn-2017", "index test", "", "", 12, 5, 8, 45),
    ("ebert-2019", "index test", "", "", 80, 30, 20, 270),
    ("ames-2011", "second test", ">= 5", "yes", 40, 25, 10, 75),
    ("ames-2011", "second test", ">= 8", "", 30, 12, 20, 88),
    ("bloch-2013", "second test", ">= 5", "", 35, 14, 7, 80),
    ("cole-2015", "second test", ">= 8", "", 50, 30, 14, 170),
    ("dunn-2017", "second test", ">= 5", "", 15, 9, 5, 41),
]
SETTINGS = {"ames-2011": "primary care", "bloch-2013": "hospital", "cole-2015": "primary care"}


def _append(path, rows):
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})


def _project(folder):
    init_review("dta", "Accuracy of an index test (demonstration)", root=folder, review_type="diagnostic")
    config = (folder / CONFIG).read_text(encoding="utf-8")
    config = config.replace(
        '    - {name: index test, description: "the test whose accuracy is reviewed"}',
        '    - {name: index test, description: "the test whose accuracy is reviewed"}\n    - {name: second test}',
    )
    (folder / CONFIG).write_text(config, encoding="utf-8")
    studies = sorted({t[0] for t in TABLES})
    export = folder / "medline.ris"
    export.write_text(
        "".join(
            f"TY  - JOUR\nTI  - Accuracy study {s}\nAU  - {s.split('-')[0].title()}, A\nPY  - {s[-4:]}\nER  - \n\n"
            for s in studies
        )
    )
    add_search(folder / CONFIG, "2024-01-01", "2024-01-01", [str(export)])
    run_review(folder / CONFIG, until="dedup")
    with open(folder / f"{RESULTS}/dedup/citations.csv", newline="", encoding="utf-8") as handle:
        ids = {row["title"]: row["citation_id"] for row in csv.DictReader(handle)}
    citation = {s: ids[f"Accuracy study {s}"] for s in studies}
    _append(
        folder / "resources/dta/screening.csv",
        [
            {"citation": citation[s], "stage": stage, "decision": "include"}
            for s in studies
            for stage in ("title_abstract", "full_text")
        ],
    )
    _append(
        folder / "resources/dta/studies.csv",
        [
            {
                "study_id": s,
                "label": f"{s.split('-')[0].title()} {s[-4:]}",
                "design": "cross-sectional accuracy study",
                "setting": SETTINGS.get(s, ""),
            }
            for s in studies
        ],
    )
    _append(
        folder / "resources/dta/publications.csv",
        [{"study_id": s, "citation": citation[s], "primary": "yes"} for s in studies],
    )
    judged = {"D1": "Low", "D2": "Low", "D3": "Unclear", "D4": "Low", "overall": "Unclear", "illustrative": "all"}
    _append(
        folder / "resources/dta/rob.csv",
        [
            {"study_id": "ames-2011", **judged, "A1": "High", "A2": "Low", "A3": "Low"},
            {"study_id": "bloch-2013", **judged},  # applicability not judged (yet)
        ],
    )
    _append(
        folder / "resources/dta/accuracy.csv",
        [
            {
                "study_id": s,
                "index_test": test,
                "threshold": threshold,
                "primary": primary,
                "reference_standard": "reference standard",
                "target_condition": "target condition",
                "tp": tp,
                "fp": fp,
                "fn": fn,
                "tn": tn,
                "illustrative": "all",
            }
            for s, test, threshold, primary, tp, fp, fn, tn in TABLES
        ],
    )


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diagnostic")
    _project(folder)
    run_review(folder / CONFIG)
    html = (folder / RESULTS / "report.html").read_text(encoding="utf-8")
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(folder / RESULTS / "report.pdf").pages]
    analyses = pd.read_csv(folder / RESULTS / "synthesis/accuracy_analyses.csv", dtype=str, keep_default_na=False)
    comparisons = pd.read_csv(folder / RESULTS / "synthesis/accuracy_comparisons.csv", dtype=str)
    figures = sorted(p.name for p in (folder / RESULTS / "synthesis/accuracy").iterdir())
    context = json.loads((folder / RESULTS / "report/context.json").read_text(encoding="utf-8"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return {
        "folder": folder,
        "text": text,
        "pages": pages,
        "analyses": analyses,
        "comparisons": comparisons,
        "figures": figures,
        "context": context,
    }


def _frame(test, rows):
    return pd.DataFrame([dict(zip(("study", "tp", "fp", "fn", "tn"), (s, *cells))) for s, *cells in rows])


def test_the_main_analysis_uses_one_table_per_study_the_primary_one(review):
    main = review["analyses"].set_index("analysis_id")
    second = [
        (s, tp, fp, fn, tn)
        for s, t, th, primary, tp, fp, fn, tn in TABLES
        if t == "second test" and (primary == "yes" or s != "ames-2011")
    ]
    expected = meta_dta(_frame("second test", second))
    row = main.loc["target-condition-second-test"]
    assert row["k"] == "4" and float(row["sensitivity"]) == pytest.approx(expected["sensitivity"]["estimate"], 1e-5)
    assert float(row["specificity"]) == pytest.approx(expected["specificity"]["estimate"], rel=1e-5)
    first = main.loc["target-condition-index-test"]
    assert first["k"] == "5" and first["model"] == "bivariate" and first["illustrative"] == "all"
    assert {"target-condition-second-test-threshold-5", "target-condition-second-test-threshold-8"} <= set(main.index)
    assert main.loc["target-condition-second-test-threshold-8", "k"] == "2"  # ames-2011 and cole-2015
    assert "needs 4 or more" in main.loc["target-condition-second-test-threshold-8", "reason"]


def test_counts_per_1000_follow_the_summary_at_the_studies_prevalence(review):
    row = review["analyses"].set_index("analysis_id").loc["target-condition-index-test"]
    prevalence = float(row["prevalence"])
    assert row["prevalence_source"] == "median of the studies' prevalence"
    assert int(row["tp_per_1000"]) == round(1000 * prevalence * float(row["sensitivity"]))
    assert int(row["tp_per_1000"]) + int(row["fn_per_1000"]) == pytest.approx(1000 * prevalence, abs=1)
    assert int(row["tp_per_1000_low"]) <= int(row["tp_per_1000"]) <= int(row["tp_per_1000_high"])


def test_two_tests_are_compared_and_each_main_analysis_has_its_pictures(review):
    compared = review["comparisons"].iloc[0]
    assert (compared["reference_test"], compared["other_test"]) == ("index test", "second test")
    assert 0 <= float(compared["wald_p"]) <= 1
    assert review["figures"] == [
        "target-condition-index-test.forest.svg",
        "target-condition-index-test.sroc.svg",
        "target-condition-second-test.forest.svg",
        "target-condition-second-test.sroc.svg",
    ]


def test_the_report_has_the_accuracy_chapter_in_html_and_pdf(review):
    row = review["analyses"].set_index("analysis_id").loc["target-condition-index-test"]
    sens = f"{float(row['sensitivity']):.2f} ({float(row['sensitivity_ci_low']):.2f} to"
    assert "Diagnostic test accuracy" in review["text"] and sens in review["text"]
    assert "Of 1,000 people tested" in review["text"] and "SROC plot" in review["text"]
    chapter = [page for page in review["pages"] if "Summary estimates" in page]
    assert chapter and sens in " ".join(review["pages"])
    assert review["context"]["accuracy"]["tables"] == len(TABLES)


def test_the_key_question_shows_each_table_and_the_certainty_of_each_test(review):
    accuracy = review["context"]["accuracy"]
    # the main analyses' tables: five of the index test, four of the second (ames-2011 at its primary threshold)
    tables = sorted((row["index_test"], row["study_id"], row["threshold"]) for row in accuracy["evidence"])
    assert len(tables) == 9 and ("second test", "ames-2011", ">= 5") in tables
    ames = next(r for r in accuracy["evidence"] if r["study_id"] == "ames-2011" and r["index_test"] == "index test")
    assert ames["participants"] == 150 and ames["quality"] == "Unclear" and ames["quality_illustrative"]
    assert ames["references"] and ames["setting"] == "primary care"
    rated = {(r["index_test"], r["measure"]): r for r in accuracy["certainty"]}
    assert set(rated) == {(t, m) for t in ("index test", "second test") for m in ("sensitivity", "specificity")}
    # two of five index-test studies assessed, both Unclear: not every study at low risk -> Medium
    assert rated[("index test", "sensitivity")]["study_limitations"] == "Medium"
    assert rated[("index test", "sensitivity")]["grade"] == "Moderate"
    text = review["text"]
    assert "KQ1: summary of findings" in text and "Strength of evidence: sensitivity" in text
    assert "No comparison answers KQ1" not in text and "no comparison with an intervention arm" not in text
    assert "Appendix E. Forest plots" not in text and "Appendix E. Search strategies" in text


def test_the_workbook_has_the_accuracy_sheets_numbers_as_numbers(review):
    from openpyxl import load_workbook

    book = load_workbook(review["folder"] / RESULTS / "evidence_tables.xlsx", read_only=True)
    assert {"Accuracy", "Accuracy by study", "Tests compared"} <= set(book.sheetnames)
    rows = list(book["Accuracy"].iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    row = review["analyses"].iloc[0]
    assert first["Analysis"] == row["analysis_id"] and first["Sensitivity"] == pytest.approx(float(row["sensitivity"]))
    assert isinstance(first["Studies"], int) and "TP per 1,000 low" in header
    assert len(rows) - 1 == len(review["analyses"])


def test_quadas2_risk_of_bias_and_applicability_of_the_studies_analysed(review):
    chapter = review["context"]["accuracy"]
    risk, concerns = "".join(chapter["risk_of_bias"]), chapter["applicability"]
    assert ">Overall<" in risk and ">A1<" in concerns and ">Overall<" not in concerns  # no overall applicability
    studies = len({t[0] for t in TABLES})
    assert concerns.count("<circle") == 3 + 4  # Ames 2011's three concerns, and the legend's four judgements
    assert concerns.count(">n/a<") == 3 * (studies - 1)  # the others' applicability not judged yet
    assert risk.count(">n/a<") == 5 * (studies - 2)  # two studies assessed: four domains and the overall
    with open(review["folder"] / RESULTS / "rob" / "rob.csv", newline="", encoding="utf-8") as handle:
        rows = {row["study_id"]: row for row in csv.DictReader(handle)}
    assert rows["ames-2011"]["A1"] == "High" and rows["ames-2011"]["overall"] == "Unclear"  # not in the overall
    assert "Concerns about the applicability of each study analysed" in review["text"]


BASE = {"index_test": "index test", "reference_standard": "reference standard", "target_condition": "target condition"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"study_id": "nobody-2020", "tp": 1, "fp": 1, "fn": 1, "tn": 1},
            r"row 12, column 'study_id': 'nobody-2020' is not",
        ),
        (
            {"study_id": "ames-2011", "index_test": "MRI", "tp": 1, "fp": 1, "fn": 1, "tn": 1},
            r"row 12, column 'index_test': 'MRI' is not allowed; allowed: index test, second test",
        ),
        (
            {"study_id": "ebert-2019", "threshold": "any", "tp": 0, "fp": 1, "fn": 0, "tn": 1},
            r"row 12, column 'fn': TP \+ FN = 0",
        ),
        (
            {"study_id": "ebert-2019", "threshold": "high", "tp": 3, "fp": 1, "fn": 2, "tn": 9},
            r"row 6, column 'primary': study 'ebert-2019' gives 2 tables of index test for target condition "
            r"\(rows 6, 12\)",
        ),
    ],
)
def test_a_bad_table_stops_the_run_with_one_line(tmp_path, row, message):
    _project(tmp_path)
    _append(tmp_path / "resources/dta/accuracy.csv", [{**BASE, **row}])
    with pytest.raises(ReviewflowError, match=r"resources/dta/accuracy.csv, " + message) as error:
        run_review(tmp_path / CONFIG)
    assert "\n" not in str(error.value)
    assert not (tmp_path / RESULTS / "synthesis/accuracy_analyses.csv").exists()


def test_a_key_question_can_show_only_the_index_tests_it_names(review):
    import copy
    from html import unescape

    import yaml

    from reviewflow.report.render import render_html
    from reviewflow.schemas import vocabulary_problems

    context = copy.deepcopy(review["context"])
    context["key_questions"][0]["index_tests"] = ["second test"]
    html = render_html(context)
    start = html.index('<section id="kq1"')
    section = html[start : html.index("</section>", start)]
    chapter = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)))
    assert "4 studies give 4 2×2 tables in the main analyses of second test" in chapter
    assert "second test, target condition" in chapter and "index test, target condition" not in chapter
    config = yaml.safe_load((review["folder"] / CONFIG).read_text(encoding="utf-8"))
    config["key_questions"][0]["index_tests"] = ["third test"]
    assert vocabulary_problems(config) == [
        "key 'key_questions[0].index_tests[0]' 'third test' is not an index test; allowed: index test, second test"
    ]
