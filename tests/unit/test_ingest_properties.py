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


# Lines of RIS records: reading a text by column (ris.batches) must give exactly what
# reading it record by record (ris.parse) gives, or decline and read it so.
TIDY_LINES = [
    "TI  - A title",
    "TI  - Another title",
    "T1  - Primary title",
    "BT  - A book title",
    "AU  - Smith, J",
    "AU  - Jones K",
    "A1  - Meyer, K.",
    "PY  - 2001",
    "DA  - 2019/05/01",
    "JO  - J Pain",
    "T2  - Pain Medicine",
    "SP  - 1242",
    "EP  - 52",
    "EP  - 1260",
    "DO  - 10.1000/x.1",
    "DO  - https://doi.org/10.1000/Y.2",
    "UR  - https://example.org/a",
    "KW  - back pain",
    "KW  - opioids",
    "N1  - PMID: 12345",
    "AN  - 23456",
    "AN  - PMC7654321",
    "DB  - MEDLINE",
    "C2  - PMC111",
    "PU  - A publisher",
    "AI  - Smith, J: 0000-0001",
    "SN  - 1526-2375",
    "AB  - An abstract",
    "AB  - Fish &amp; chips",
    "AB  - Two  spaces",
    "LA  - eng",
    "TI  - Caf\u00e9 pain trial",
    "AU  - Nygren \u00c5L",
    "AB  - The programme\u2019s effect \u2013 a trial",
    "T2  - Mojibake caf\u00c3\u00a9",
    "AB  - A no-break\u00a0space within",
]
# Each breaks tidiness in one way the column reading must notice.
UNTIDY_LINES = [
    "TI  - Trailing space ",
    "AB  - Caf\u00e9 and two spaces  ",
    "TI  -  Leading space",
    "PU  -  Leading space in a tag kept in extra",
    "TI  - ",
    "TI  -",
    "  continued on a new line",
    "",
    "TY  - JOUR",
    "ER  - ",
    "ER  - x",
    "ER  -",
    "ER  -  ",
    "a header line",
    " ",
    "TI  - A\ttab",
    "AU  - Müller, K",
    "TI  - No-break space\u00a0",
    "TI  - Ideographic space\u3000",
    "TI  - Line\u2028separator",
    "TI  - Next\x85line",
    "TI  - \ufeffByte-order mark",
]
RECORD_TYPE = st.sampled_from(["JOUR", "BOOK", "CHAP", "CONF", "ABST", "Journal Article"])


@st.composite
def ris_texts(draw, untidy: int = 2):
    """A tidy RIS text with up to `untidy` lines from UNTIDY_LINES put anywhere in it."""
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        lines.append(f"TY  - {draw(RECORD_TYPE)}")
        lines += draw(st.lists(st.sampled_from(TIDY_LINES), max_size=8))
        lines += ["ER  - "] + [""] * draw(st.integers(0, 2))
    for _ in range(draw(st.integers(0, untidy))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(UNTIDY_LINES)))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


def _read_both(text: str):
    from reviewflow.ingest import ris
    from reviewflow.ingest.base import batched
    from reviewflow.ingest.reading import frames

    names = {"source": "db", "search": "s1", "file": "a.ris", "on_error": "skip"}
    results = []
    whole = text.replace("\r\n", "\n").replace("\r", "\n")
    for batches in (ris.batches(text), batched(ris.parse(whole))):
        try:
            results.append(frames(batches, **names))
        except ReviewflowError as error:  # a file of untitled records, say
            results.append(str(error))
    return results


@settings(max_examples=400, deadline=None)
@given(ris_texts(), st.sampled_from([30, 200, 1 << 24]))
def test_reading_by_column_gives_what_reading_by_record_gives(text, chunk_chars):
    """Also when the text is read in chunks of a few records (line numbers, positions and
    repeats' ids run on across chunks)."""
    from unittest import mock

    from reviewflow.ingest import ris

    with mock.patch.object(ris, "CHUNK_CHARS", chunk_chars):
        _assert_read_alike(text)


def _assert_read_alike(text: str) -> None:
    by_column, by_record = _read_both(text)
    if isinstance(by_record, str):  # an error: the same one
        assert by_column == by_record
        return
    for column, record in zip(by_column, by_record):
        assert column.equals(record), text


TIDY_TEXT = [
    "TY  - JOUR",
    "TI  - A title",
    "AU  - Smith, J",
    "PU  - A publisher",
    "ER  - ",
    "",
    "TY  - BOOK",
    "BT  - A book",
    "N1  - PMID: 12345",
    "ER  - ",
    "",
]


@pytest.mark.parametrize("line", UNTIDY_LINES)
def test_each_untidy_line_anywhere_is_read_as_record_by_record(line):
    """Every way of breaking tidiness, at every place in a tidy text: the column reading
    gives what the record reading gives (reading the record alone, or declining the text)."""
    for at in range(len(TIDY_TEXT) + 1):
        _assert_read_alike("\n".join(TIDY_TEXT[:at] + [line] + TIDY_TEXT[at:]))


def test_a_last_record_without_its_end_is_set_aside_whatever_else_the_text_holds():
    """A record cut off at the end of the file is set aside by both readings, also beside
    a value that ends in a space (as an ER line does)."""
    text = "TY  - JOUR\nTI  - Trailing space \nER  - \nTY  - JOUR\nTI  - A title"
    _assert_read_alike(text)
    by_column, _ = _read_both(text)
    assert by_column[1]["reason"].str.contains("no end-of-record").all()


# What makes a chunk unreadable by column: a record within a record, an end outside one,
# a tab, a line end beyond ASCII. Every other line is read by column or, within a record
# the column reading cannot read, by reading that record alone.
REFUSED = {"TY  - JOUR", "ER  - ", "ER  -", "ER  -  ", "TI  - A\ttab", "TI  - Line\u2028separator"}
REFUSED |= {"TI  - Next\x85line", "TI  - \ufeffByte-order mark"}


@pytest.mark.parametrize("line", UNTIDY_LINES)
def test_only_what_breaks_records_apart_stops_the_column_reading(line):
    from reviewflow.ingest import ris

    for at in (1, 5):  # within the first record, between the two
        text = "\n".join(TIDY_TEXT[:at] + [line] + TIDY_TEXT[at:])
        declined = ris._by_column(text, 1, lambda: 1) is None
        assert declined == (line in REFUSED), at


@SETTINGS
@given(ris_texts(untidy=0))
def test_a_tidy_text_is_read_by_column(text):
    """The column reading must not decline the texts it is for (else the test above
    would compare the record reading with itself)."""
    from reviewflow.ingest import ris

    assert ris._by_column(text, 1, lambda: 1) is not None


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x3000), max_size=60))
def test_control_characters_counted_in_utf8_bytes_as_in_the_text(text):
    """load counts control characters in a UTF-8 file's bytes; the count must be the one
    the regular expression finds in its text (C0 and C1 controls, beyond ASCII too)."""
    from reviewflow.ingest.normalise import CONTROL
    from reviewflow.ingest.reading import _utf8_control_count

    assert _utf8_control_count(text.encode("utf-8")) == len(CONTROL.findall(text))


def test_the_white_space_the_column_reading_knows_is_pythons():
    """str.strip and str.splitlines decide a record's id (ids.raw_fingerprint): the
    characters beyond ASCII the column reading looks out for must be exactly theirs."""
    from reviewflow.ingest import ris

    beyond_ascii = [chr(code) for code in range(0x80, 0x110000)]
    assert sorted(ris.WIDE_CODES.tolist()) == [ord(c) for c in beyond_ascii if c.isspace()]
    line_ends = {c for c in beyond_ascii if len(f"a{c}b".splitlines()) == 2}
    assert line_ends | {"\ufeff"} == set(ris.WIDE_LINE_ENDS)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3100), max_size=30))
def test_a_plain_value_is_what_clean_text_gives_back_unchanged(text):
    """Ingest skips clean_text where is_plain says it would change nothing: never wrongly."""
    from reviewflow.ingest.normalise import _repaired, clean_text, is_plain

    if is_plain(text):
        assert _repaired(text) == text
    mojibake = "Sj\u00f6gren".encode("utf-8").decode("cp1252")
    assert not is_plain(mojibake) and clean_text(mojibake) == "Sj\u00f6gren"
