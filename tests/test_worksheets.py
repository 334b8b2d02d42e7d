"""The screening round trip: worksheet out, filled by a reviewer, decisions back in."""

from datetime import date

import openpyxl
import pytest
from conftest import make_records, make_sheet

from reviewflow.dedup import deduplicate
from reviewflow.errors import ReviewflowError
from reviewflow.screening import needs_decision, resolve_decisions, screening_status
from reviewflow.screening.worksheets import add_filled_rows, worksheet_rows, write_worksheet
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
        worksheet_rows(citations, todo, "title_abstract"), "title_abstract", REASONS, sheet_path, date(2021, 5, 24)
    )

    workbook = openpyxl.load_workbook(sheet_path)
    sheet = workbook["to screen"]
    assert [c.value for c in sheet[1]][:4] == ["citation", "stage", "decision", "reason"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["C0000000000000002", "C0000000000000003"]
    assert sheet["L2"].value.startswith("=cmd") and sheet["L2"].data_type == "s"  # abstract shown, never run
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
