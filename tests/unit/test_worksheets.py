"""The screening round trip: worksheet out, filled by a reviewer, decisions back in."""

from datetime import date

import openpyxl
import pandas as pd
import pytest
from helpers import make_records, make_sheet

from reviewflow.dedup import deduplicate
from reviewflow.errors import ReviewflowError
from reviewflow.screening import needs_decision, resolve_decisions, screening_status
from reviewflow.screening.worksheets import add_filled_rows, usual_order, worksheet_rows, write_worksheet
from reviewflow.sheets import read_sheet

REASONS = ["ineligible population", "ineligible design"]


def test_worksheet_round_trip(tmp_path):
    _, citations = deduplicate(
        make_records(
            [
                {
                    "record_id": f"R000000000000000{i}",
                    "title": f"Study {i}",
                    "year": 2020,
                    "doi": f"10.1/{i}",
                    "abstract": "=cmd|' /C calc'!A0",
                }
                for i in range(1, 4)
            ]
        )
    )
    decisions_csv = tmp_path / "screening.csv"
    decisions_csv.write_text(
        "citation,stage,decision,reason,reviewer,date,note\nC0000000000000001,title_abstract,exclude,,AS,2021-06-01,\n"
    )
    status = screening_status(
        citations, resolve_decisions(read_sheet(decisions_csv, "screening"), citations, REASONS, "s.csv")
    )
    todo = status.loc[needs_decision(status, "title_abstract"), "citation_id"]
    sheet_path = tmp_path / "to_screen_title_abstract.xlsx"
    write_worksheet(
        worksheet_rows(citations, usual_order(citations, todo), "title_abstract"),
        "title_abstract",
        REASONS,
        sheet_path,
        date(2021, 5, 24),
    )

    workbook = openpyxl.load_workbook(sheet_path)
    sheet = workbook["to screen"]
    assert [c.value for c in sheet[1]][:4] == ["citation", "stage", "decision", "reason"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["C0000000000000002", "C0000000000000003"]
    assert sheet["M2"].value.startswith("=cmd") and sheet["M2"].data_type == "s"  # abstract shown, never run
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations == {"C2:C3": '"include,exclude,maybe"', "D2:D3": "allowed!$A$1:$A$2"}
    sheet["C2"] = "include"  # the reviewer decides one of the two
    sheet["E2"] = "RC"
    workbook.save(sheet_path)

    assert add_filled_rows([str(sheet_path)], str(decisions_csv)) == 1
    decisions = read_sheet(decisions_csv, "screening")
    assert decisions[["citation", "stage", "decision", "reviewer"]].values.tolist()[-1] == [
        "C0000000000000002",
        "title_abstract",
        "include",
        "RC",
    ]
    status = screening_status(citations, resolve_decisions(decisions, citations, REASONS, "s.csv"))
    assert list(status.loc[needs_decision(status, "title_abstract"), "citation_id"]) == ["C0000000000000003"]
    assert list(status.loc[needs_decision(status, "full_text"), "citation_id"]) == ["C0000000000000002"]

    with pytest.raises(ReviewflowError, match="already holds a title_abstract decision for C0000000000000002"):
        add_filled_rows([str(sheet_path)], str(decisions_csv))  # adding the same sheet twice changes nothing
    assert len(read_sheet(decisions_csv, "screening")) == 2


def test_a_bad_value_in_a_returned_worksheet_is_refused_before_anything_is_written(tmp_path):
    _, citations = deduplicate(make_records([{"record_id": "R0000000000000001", "title": "A", "year": 2020}]))
    path = tmp_path / "w.xlsx"
    write_worksheet(
        worksheet_rows(citations, citations["citation_id"], "title_abstract"),
        "title_abstract",
        REASONS,
        path,
        date(2021, 1, 1),
    )
    workbook = openpyxl.load_workbook(path)
    workbook["to screen"]["C2"] = "yes please"
    workbook.save(path)
    target = tmp_path / "screening.csv"
    with pytest.raises(ReviewflowError, match=r"w.xlsx, row 2, column 'decision': 'yes please' is not allowed"):
        add_filled_rows([str(path)], str(target))
    assert not target.exists()
    assert make_sheet("screening", []).empty


def _workbook(path, header, rows):
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_add_keeps_a_last_row_without_newline_and_reads_excel_dates(tmp_path):
    """A sheet saved without a final newline keeps its last decision; a date typed as a
    date in the spreadsheet reads as YYYY-MM-DD."""
    from datetime import datetime

    target = tmp_path / "screening.csv"
    target.write_text(
        "citation,stage,decision,reason,reviewer,date,note\nC0000000000000001,title_abstract,exclude,,A,,"
    )
    filled = _workbook(
        tmp_path / "filled.xlsx",
        ["citation", "stage", "decision", "reason", "reviewer", "date", "note"],
        [["C0000000000000002", "title_abstract", "include", None, "B", datetime(2024, 2, 1), None]],
    )
    assert add_filled_rows([str(filled)], str(target)) == 1
    rows = read_sheet(target, "screening")
    assert rows["citation"].tolist() == ["C0000000000000001", "C0000000000000002"]
    assert rows["date"].tolist() == ["", "2024-02-01"]


def test_add_refuses_a_full_text_exclusion_without_reason_and_a_repeat_within_one_call(tmp_path):
    target = tmp_path / "screening.csv"
    target.write_text("citation,stage,decision,reason,reviewer,date,note\n")
    header = ["citation", "stage", "decision", "reason"]
    no_reason = _workbook(tmp_path / "a.xlsx", header, [["C0000000000000001", "full_text", "exclude", None]])
    with pytest.raises(ReviewflowError, match="a.xlsx, row 2, column 'reason': a full-text exclusion needs a reason"):
        add_filled_rows([str(no_reason)], str(target))
    first = _workbook(tmp_path / "b.xlsx", header, [["C0000000000000001", "title_abstract", "include", None]])
    again = _workbook(tmp_path / "c.xlsx", header, [["C0000000000000001", "title_abstract", "exclude", None]])
    with pytest.raises(ReviewflowError, match=r"c.xlsx, row 2, column 'citation': a second title_abstract decision"):
        add_filled_rows([str(first), str(again)], str(target))
    assert target.read_text() == "citation,stage,decision,reason,reviewer,date,note\n"  # nothing written


def test_add_refuses_a_citation_already_decided_under_another_of_its_keys(tmp_path):
    """The sheet says 'pmid:42'; the worksheet (beside the run's citations) says the
    citation's id: one citation, so the second decision is refused, naming both forms."""
    from reviewflow.tables import CITATION_COLUMNS, write_csv

    run = tmp_path / "results" / "r"
    (run / "dedup").mkdir(parents=True)
    (run / "screening").mkdir()
    citation = {c: "" for c in CITATION_COLUMNS} | {
        "citation_id": "C0000000000000007",
        "record_ids": "R0000000000000007",
        "pmid": "42",
        "title": "A trial",
    }
    write_csv(pd.DataFrame([citation]), run / "dedup" / "citations.csv", CITATION_COLUMNS)
    target = tmp_path / "screening.csv"
    before = "citation,stage,decision,reason,reviewer,date,note\npmid:42,title_abstract,include,,A,,\n"
    target.write_text(before)
    header = ["citation", "stage", "decision", "reason"]
    sheet = _workbook(run / "screening" / "ws.xlsx", header, [["C0000000000000007", "title_abstract", "exclude", None]])
    with pytest.raises(ReviewflowError) as raised:
        add_filled_rows([str(sheet)], str(target))
    assert str(raised.value).endswith(
        "screening.csv: already holds a title_abstract decision for C0000000000000007 (as pmid:42, row 2); "
        "edit it there instead"
    )
    assert target.read_text() == before


def test_resolve_writes_each_decision_into_its_row_and_keeps_every_other_cell(tmp_path):
    from reviewflow.screening.worksheets import resolve_disagreements

    target = tmp_path / "screening.csv"
    original = (
        "citation,stage,decision,reason,reviewer,date,note,vote_A,vote_B\n"
        "C0000000000000001,title_abstract,,,,,first note,include,exclude\n"
        "C0000000000000002,title_abstract,,,,,,include,include\n"
    )
    target.write_text(original)
    filled = _workbook(
        tmp_path / "disagreements.xlsx",
        ["citation", "stage", "decision", "reason", "reviewer", "date", "note"],
        [["C0000000000000001", "title_abstract", "include", None, "C", None, "A: include; B: exclude"]],
    )
    assert resolve_disagreements(str(filled), str(target)) == 1
    lines = target.read_text().splitlines()
    assert lines[1] == "C0000000000000001,title_abstract,include,,C,,first note,include,exclude"
    assert lines[0] == original.splitlines()[0] and lines[2] == original.splitlines()[2]
    unknown = _workbook(
        tmp_path / "other.xlsx", ["citation", "stage", "decision"], [["C0000000000000009", "title_abstract", "exclude"]]
    )
    with pytest.raises(ReviewflowError, match="C0000000000000009 has no title_abstract row"):
        resolve_disagreements(str(unknown), str(target))


def test_rob_add_appends_checked_assessments_and_refuses_a_second_one(tmp_path):
    from reviewflow.rob import load_tool
    from reviewflow.rob.assessments import add_assessments

    tool = load_tool("rob2")
    header = ["study_id", "outcome", "D1", "D2", "D3", "D4", "D5", "overall"]
    filled = _workbook(
        tmp_path / "template.xlsx",
        header,
        [["trial-a", None, "low", "Low", "Low", "Low", "Some concerns", "Some concerns"], ["trial-b"] + [None] * 7],
    )
    target = tmp_path / "rob.csv"
    assert add_assessments(filled, target, tool) == 1  # the unfilled row is left out
    rows = read_sheet(target, __import__("reviewflow.rob", fromlist=["sheet_schema"]).sheet_schema(tool))
    assert rows[["study_id", "D1", "overall"]].values.tolist() == [["trial-a", "Low", "Some concerns"]]
    with pytest.raises(ReviewflowError, match="already holds an assessment of trial-a"):
        add_assessments(filled, target, tool)
    bad = _workbook(tmp_path / "bad.xlsx", header, [["trial-c", None, "Fine", "Low", "Low", "Low", "Low", "Low"]])
    with pytest.raises(ReviewflowError, match="bad.xlsx, row 2, column 'D1': 'Fine' is not allowed"):
        add_assessments(bad, target, tool)
