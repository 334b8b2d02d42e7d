"""Property tests: whatever bytes arrive, a parser answers with records or with
the documented ReviewflowError, never with another exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewflow.errors import ReviewflowError
from reviewflow.ingest import FORMATS, load, loads

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Lines that look like the formats' own, so examples reach past format detection.
LINE = st.one_of(
    st.sampled_from(
        [
            "TY  - JOUR",
            "ER  - ",
            "ER  -",
            "TI  - A title",
            "AU  - Smith, J",
            "PY  - 2001",
            "KW  - k",
            "PMID- 123",
            "TI  - x",
            "      continued",
            "FN Clarivate",
            "PT J",
            "AU Smith, J",
            "ER",
            "EF",
            "%0 Journal Article",
            "%T Title",
            "%A Smith",
            "@article{k,",
            "title = {T},",
            "}",
            "",
            "<xml><records><record><titles><title>T</title></titles></record></records></xml>",
            "Title,Authors,Year",
            '"A","B",2001',
            "Title\tYear",
            "x\t2001",
            "<!DOCTYPE x [<!ENTITY e 'y'>]>",
        ]
    ),
    st.text(max_size=40),
)


def _check(call):
    try:
        records, rejected = call()
    except ReviewflowError as error:
        assert "\n" not in str(error)
        return
    # a record without a title is kept (the dedup review queue lists it); a file whose
    # every record lacks one is read in the wrong format and is an error instead
    assert records.empty or (records["title"] != "").any()
    assert records["record_id"].is_unique


@SETTINGS
@given(data=st.binary(max_size=400), format=st.sampled_from([None, *FORMATS]))
def test_arbitrary_bytes(tmp_path, data, format):
    path = tmp_path / "export"
    path.write_bytes(data)
    _check(lambda: load(path, source="db", search="s1", format=format, on_error="skip"))


@SETTINGS
@given(
    lines=st.lists(LINE, max_size=30),
    format=st.sampled_from([None, *[f for f in FORMATS if f != "xlsx"]]),
    on_error=st.sampled_from(["stop", "skip"]),
)
def test_format_like_text(lines, format, on_error):
    _check(lambda: loads("\n".join(lines), source="db", search="s1", file="f", format=format, on_error=on_error))


@pytest.mark.parametrize("format", [f for f in FORMATS if f != "xlsx"])
def test_empty_text_is_a_clear_error(format):
    with pytest.raises(ReviewflowError, match=r"^f(, line 1)?: (holds no|is empty|is not well-formed XML)"):
        loads("", source="db", search="s1", file="f", format=format)


@SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_sheet_reader_answers_arbitrary_bytes_with_its_own_error(tmp_path, data, suffix):
    from reviewflow.sheets import read_sheet

    path = tmp_path / f"sheet{suffix}"
    path.write_bytes(data)
    try:
        read_sheet(path, "screening")
    except ReviewflowError as error:
        assert "\n" not in str(error)


@SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=5), min_size=1, max_size=6))
def test_sheet_reader_answers_arbitrary_csv_cells(tmp_path, rows):
    import csv

    from reviewflow.sheets import read_sheet

    path = tmp_path / "sheet.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    try:
        frame = read_sheet(path, "screening")
    except ReviewflowError as error:
        assert "\n" not in str(error)
    else:
        assert {"citation", "stage"} <= set(frame.columns)
