import copy
from pathlib import Path

import openpyxl
import pytest
import yaml

from reviewflow.errors import ReviewflowError
from reviewflow.rob import load_tool, sheet_schema
from reviewflow.schemas import validate_config
from reviewflow.sheets import read_sheet

ROOT = Path(__file__).resolve().parents[2]
QUALITY = sheet_schema(load_tool("quality-rating"))
CONFIG = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())


def test_the_shipped_config_is_valid():
    assert validate_config(copy.deepcopy(CONFIG), "config/ipmp.yaml") == CONFIG


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda c: c["searches"][0]["exports"][0].update(format="endnote"),
            "key 'searches[0].exports[0].format' 'endnote' is not allowed; allowed: ris, medline, wos, "
            "bibtex, endnote-xml, refer, csv, tsv, xlsx",
        ),
        (
            lambda c: c["rob"].update(tol="x"),
            "key 'rob.tol' is not a known key; allowed keys: accuracy_certainty, assessments, palette, soe, tool",
        ),
        (lambda c: c.pop("searches"), "key 'searches' is required but missing"),
        (
            lambda c: c["searches"][0].update(date_searched="24/05/2021"),
            "key 'searches[0].date_searched' '24/05/2021' is not valid; expected a date as YYYY-MM-DD",
        ),
        (
            lambda c: c["key_questions"][0].update(id="Q1"),
            "key 'key_questions[0].id' 'Q1' is not valid; expected KQ followed by a number",
        ),
    ],
)
def test_config_errors_name_the_key_and_what_is_allowed(change, message):
    config = copy.deepcopy(CONFIG)
    change(config)
    with pytest.raises(ReviewflowError) as raised:
        validate_config(config, "config/ipmp.yaml")
    assert str(raised.value) == f"config/ipmp.yaml: {message}"


def write(tmp_path, text, name="rob.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sheet_forgives_case_and_spaces_and_orders_columns(tmp_path):
    frame = read_sheet(write(tmp_path, "overall,study_id\n  fair ,trial-a\nPOOR,trial-b\n"), QUALITY)
    assert list(frame.columns) == ["study_id", "outcome", "overall", "support", "source", "illustrative"]
    assert frame["overall"].tolist() == ["Fair", "Poor"]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "study_id,overall\ntrial-a,Moderate\n",
            "row 2, column 'overall': 'Moderate' is not allowed; allowed: Good, Fair, Poor",
        ),
        (
            "study_id,overall,rating\ntrial-a,Fair,x\n",
            "row 1: unknown column 'rating'; allowed columns: study_id, outcome, overall, support, source, "
            "illustrative",
        ),
        ("study_id\ntrial-a\n", "row 1: required column 'overall' is missing"),
        ("study_id,overall\ntrial-a,\n", "row 2, column 'overall': is empty but required"),
        (
            "study_id,overall\nTrial A,Fair\n",
            "row 2, column 'study_id': 'Trial A' is not valid; expected a study_id from the study registry "
            "(lower-case letters, digits and '-')",
        ),
        (
            "study_id,overall\ntrial-a,Fair\ntrial-a,Poor\n",
            "row 3, column 'study_id': duplicate entry (study_id=trial-a, outcome=); first given in row 2",
        ),
        ("", "is empty; expected a header row"),
    ],
)
def test_sheet_errors_name_file_row_and_column(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ReviewflowError) as raised:
        read_sheet(path, QUALITY)
    assert str(raised.value).startswith(f"{path}, {message}" if message.startswith("row") else f"{path}: {message}")


def test_xlsx_sheet_is_read_and_formulas_are_refused(tmp_path):
    path = tmp_path / "rob.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["study_id", "overall"])
    sheet.append(["trial-a", "Fair"])
    workbook.save(path)
    assert read_sheet(path, QUALITY)["overall"].tolist() == ["Fair"]
    sheet.append(["trial-b", "=A2"])
    workbook.save(path)
    with pytest.raises(ReviewflowError, match=r"rob.xlsx, row 3, column 'overall': holds a formula"):
        read_sheet(path, QUALITY)


def test_an_analysed_subgroup_and_a_covariate_must_name_characteristics_of_the_vocabulary():
    import copy

    import yaml
    from helpers import ROOT

    from reviewflow.schemas import vocabulary_problems

    config = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())
    bad = copy.deepcopy(config)
    bad["key_questions"][0]["subgroups"].append({"name": "dose", "characteristic": "dosage"})
    bad["synthesis"]["metaregression"] = ["pain_condition"]
    problems = vocabulary_problems(bad)
    assert any("subgroups[5].characteristic' 'dosage' is not a study or arm characteristic" in p for p in problems)
    assert any(
        "'pain_condition' is not a numeric study characteristic; allowed: mean_age, pct_male" in p for p in problems
    )
    assert vocabulary_problems(config) == []


def test_a_setting_left_out_takes_the_default_the_schema_states():
    from reviewflow.schemas import load_schema, setting

    config = {"rob": {"tool": "rob2"}, "review": {"id": "x", "title": "X", "type": "diagnostic"}}
    properties = load_schema("config")["properties"]
    assert setting(config, "rob.palette") == properties["rob"]["properties"]["palette"]["default"] == "cochrane"
    assert setting(config, "dedup.conference_abstracts") == "separate"  # a whole section left out
    assert setting(config, "review.type") == "diagnostic"  # a value given wins
    assert setting({"ingest": None}, "ingest.on_error") == "stop"  # an empty section in YAML
