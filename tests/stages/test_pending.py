"""Typed worksheet rows are never overwritten: a run stops before any job while a worksheet
holds rows its sheet does not have yet (reviewflow.pending)."""

from datetime import date

import openpyxl
import pandas as pd
import pytest
from helpers import as_seen_in, make_records

from reviewflow.checks import check_review
from reviewflow.dedup import deduplicate
from reviewflow.dedup.decisions import add_queue_decisions, write_review_queue
from reviewflow.errors import ReviewflowError
from reviewflow.pending import check_pending, pending_work
from reviewflow.pipeline import load_config
from reviewflow.places import root_of
from reviewflow.problems import review_problems
from reviewflow.rob import load_tool
from reviewflow.rob.assessments import add_assessments, write_template
from reviewflow.scaffold import add_search, init_review
from reviewflow.screening.worksheets import add_filled_rows, worksheet_rows, write_worksheet
from reviewflow.tables import CITATION_COLUMNS, write_csv

REASONS = ["ineligible population"]


@pytest.fixture
def review(tmp_path):
    """A new review (init, one search) and the worksheets its run writes: three citations
    to screen."""
    init_review("demo", "Demo", "rob2", root=tmp_path)
    export = tmp_path / "medline.ris"
    export.write_text("".join(f"TY  - JOUR\nTI  - Trial {i}\nPY  - 2020\nER  - \n\n" for i in (1, 2, 3)))
    add_search(tmp_path / "config/demo.yaml", "2024-01-01", "2024-01-01", [str(export)], None)
    _, citations = deduplicate(
        make_records([{"record_id": f"R000000000000000{i}", "title": f"Trial {i}", "year": 2020} for i in (1, 2, 3)])
    )
    results = tmp_path / "results" / "demo"
    for folder in ("dedup", "screening", "rob"):
        (results / folder).mkdir(parents=True)
    write_csv(citations, results / "dedup" / "citations.csv", CITATION_COLUMNS)
    write_worksheet(
        worksheet_rows(citations, list(citations["citation_id"]), "title_abstract", ranked=True),
        "title_abstract",
        REASONS,
        results / "screening" / "to_screen_title_abstract.xlsx",
        date(2024, 1, 1),
    )
    return load_config(tmp_path / "config/demo.yaml")


def at(review, path: str) -> str:
    """A file of the review's project, by its path from the project folder."""
    return str(root_of(review) / path)


def _type(path, cells: dict[str, str]) -> None:
    workbook = openpyxl.load_workbook(path)
    for where, value in cells.items():
        workbook.worksheets[0][where] = value
    workbook.save(path)


WORKSHEET = "results/demo/screening/to_screen_title_abstract.xlsx"
SHEET = "resources/demo/screening.csv"


def test_an_untouched_worksheet_holds_nothing_pending(review):
    assert pending_work(review) == []


def test_typed_decisions_stop_the_run_until_added_then_it_goes_on(review):
    _type(at(review, WORKSHEET), {"C2": "include", "C4": "exclude", "E4": "AB"})
    (found,) = pending_work(review)
    assert found.rows == [2, 4]
    message = as_seen_in(root_of(review), str(found.error()))
    assert message.startswith(f"{WORKSHEET}: holds 2 typed rows not yet in {SHEET} (rows 2, 4)")
    assert f"`reviewflow screening add {WORKSHEET} --to {SHEET}`" in message
    with pytest.raises(ReviewflowError, match="holds 2 typed rows"):
        check_pending(review)
    assert add_filled_rows([at(review, WORKSHEET)], at(review, SHEET)) == 2
    assert pending_work(review) == []  # added: the next run may write the worksheet anew


def test_a_note_without_a_decision_counts_as_typed(review):
    _type(at(review, WORKSHEET), {"G3": "ask the author"})
    (found,) = pending_work(review)
    assert found.rows == [3] and "a row without a decision is not added" in str(found.error())


def test_a_decision_already_in_the_sheet_under_another_key_is_not_pending(review):
    _type(at(review, WORKSHEET), {"C2": "include"})
    citation = openpyxl.load_workbook(at(review, WORKSHEET)).worksheets[0]["A2"].value
    record = "R" + citation[1:]  # the citation's earliest record names it too
    pd.DataFrame([{"citation": record, "stage": "title_abstract", "decision": "include"}]).to_csv(
        at(review, SHEET), index=False
    )
    assert pending_work(review) == []


def test_check_config_lists_each_pending_worksheet(review):
    _type(at(review, WORKSHEET), {"C3": "maybe"})
    queue = at(review, "results/demo/dedup/review_queue.xlsx")
    columns = ["record_a", "record_b", "title_a", "title_b", "decision"]
    write_review_queue(
        pd.DataFrame([["R0000000000000001", "R0000000000000002", "A", "B", ""]], columns=columns),
        queue,
        date(2024, 1, 1),
    )
    _type(queue, {"E2": "different"})
    pending = [str(p.error()).split(":")[0] for p in pending_work(review)]
    assert pending == [queue, at(review, WORKSHEET)]
    assert add_queue_decisions(queue, at(review, "resources/demo/dedup_decisions.csv")) == 1
    assert [p.worksheet for p in pending_work(review)] == [at(review, WORKSHEET)]


def test_a_typed_risk_of_bias_judgement_is_pending_until_rob_add(review):
    tool = load_tool("rob2")
    template = at(review, "results/demo/rob/assessment_template.xlsx")
    studies = pd.DataFrame({"study_id": ["trial-a", "trial-b"], "label": ["Trial A", "Trial B"]})
    write_template(tool, studies, ["trial-a", "trial-b"], template, date(2024, 1, 1))
    assert pending_work(review) == []
    header = [c.value for c in openpyxl.load_workbook(template).worksheets[0][1]]
    letters = {name: openpyxl.utils.get_column_letter(i) for i, name in enumerate(header, start=1)}
    _type(template, {f"{letters[d['id']]}2": "Low" for d in tool.domains} | {f"{letters['overall']}2": "Low"})
    (found,) = pending_work(review)
    assert found.rows == [2] and "--tool rob2" in found.command
    assert add_assessments(template, at(review, "resources/demo/rob.csv"), tool) == 1
    assert pending_work(review) == []


def test_check_review_stops_and_check_config_lists_it(review):
    """The Snakefile's check (check_review) stops the run; check-config lists it with the rest."""
    _type(at(review, WORKSHEET), {"C2": "include"})
    with pytest.raises(ReviewflowError, match="holds 1 typed row not yet in"):
        check_review(review, "config/demo.yaml")
    assert [str(p).split(":")[0] for p in review_problems(review, "config/demo.yaml")] == [at(review, WORKSHEET)]


def test_every_dropdown_refuses_a_value_outside_its_list(review):
    """Excel keeps a typed value the list does not hold unless the rule's error alert is on."""
    queue = at(review, "results/demo/dedup/review_queue.xlsx")
    template = at(review, "results/demo/rob/assessment_template.xlsx")
    columns = ["record_a", "record_b", "decision"]
    write_review_queue(pd.DataFrame([["R1", "R2", ""]], columns=columns), queue, date(2024, 1, 1))
    studies = pd.DataFrame({"study_id": ["trial-a"], "label": ["Trial A"]})
    write_template(load_tool("rob2"), studies, ["trial-a"], template, date(2024, 1, 1))
    for path in (at(review, WORKSHEET), queue, template):
        rules = openpyxl.load_workbook(path).worksheets[0].data_validations.dataValidation
        assert rules and all(rule.showErrorMessage and rule.errorStyle in (None, "stop") for rule in rules), path


def test_every_dropdown_names_its_allowed_values_in_its_error(review):
    rules = openpyxl.load_workbook(at(review, WORKSHEET)).worksheets[0].data_validations.dataValidation
    messages = {rule.errorTitle: rule.error for rule in rules}
    assert messages["Not a decision"] == "Choose include, exclude, maybe"
    assert messages["Not a configured reason"].endswith(": " + "; ".join(REASONS))


def test_progress_is_shown_on_a_terminal_only(monkeypatch, capsys):
    import io

    from reviewflow import progress

    with progress.bar(3, "work") as shown:  # pytest's stderr is no terminal
        shown.update()
    assert capsys.readouterr().err == ""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress.bar(3, "work") as shown:
        shown.update(3)
    assert "work:" in screen.getvalue() and "/3" in screen.getvalue()  # the bar, cleared when done
