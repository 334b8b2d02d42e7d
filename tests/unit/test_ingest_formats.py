"""Every supported export format gives the same clean fields for the same article."""

import io
import zipfile

import openpyxl
import pytest

from reviewflow.errors import ReviewflowError
from reviewflow.ingest import detect_format, load, loads

# (fixture, detected format, number of records)
FIXTURES = [
    ("ovid_psycinfo.ris", "ris", 2),
    ("ebsco_cinahl.ris", "ris", 2),
    ("pubmed.nbib", "medline", 2),
    ("wos_savedrecs.txt", "wos", 2),
    ("scopus.bib", "bibtex", 2),
    ("endnote.xml", "endnote-xml", 2),
    ("endnote_tagged.enl", "refer", 2),
    ("scopus.csv", "csv", 2),
    ("covidence.tsv", "tsv", 1),
]


@pytest.mark.parametrize("name, format, count", FIXTURES)
def test_each_format_is_detected_counted_and_normalised(fixtures, name, format, count):
    text = (fixtures / name).read_bytes().decode("utf-8-sig")
    assert detect_format(text) == format
    records, rejected = load(fixtures / name, source="db", search="s1")
    assert len(records) == count and rejected.empty
    first = records.iloc[0]
    assert first["title"].lower().startswith("group pain management for chronic back pain: a randomised trial")
    assert first["authors"].split("; ")[0] in ("Tester, AB", "Tester, Anna B")
    assert (first["year"], first["volume"], first["pages"], first["doi"]) == (
        "2004",
        "12",
        "1242-1252",
        "10.1000/example.2004.1",
    )
    assert first["journal"].lower() == "journal of example studies"


def test_wos_fields(fixtures):
    records, _ = load(fixtures / "wos_savedrecs.txt", source="WoS", search="s1")
    first, second = records.iloc[0], records.iloc[1]
    assert first["authors"] == "Tester, Anna B; van der Beispiel, Carl"  # AF, the full names
    assert first["title"] == "Group pain management for chronic back pain: a randomised trial"
    assert first["keywords"] == "chronic pain; pain management; BACK-PAIN"
    assert (first["pmid"], first["abstract"]) == (
        "10000001",
        "Background: we tested a programme. Results: fewer visits.",
    )
    assert second["pages"] == "e12345"


def test_bibtex_decodes_latex_and_resolves_strings(fixtures):
    records, _ = load(fixtures / "scopus.bib", source="Scopus", search="s1")
    first, second = records.iloc[0], records.iloc[1]
    assert first["title"] == "Group pain management for Chronic back pain: a randomised trial in Z\u00fcrich"
    assert first["authors"] == "Tester, Anna B; van der Beispiel, Carl; M\u00fcller, J\u00f6rg"
    assert first["abstract"] == "Background: we tested a programme with caf\u00e9 meetings."
    assert first["issn"] == "0000-0001"
    assert (second["title"], second["journal"], second["authors"]) == (
        "An EBSCO-style entry with quotes",
        "Pain Examples",
        "Other, D",
    )


def test_endnote_xml_and_tagged(fixtures):
    xml, _ = load(fixtures / "endnote.xml", source="EndNote", search="s1")
    assert xml.iloc[0]["keywords"] == "chronic pain; pain management" and xml.iloc[0]["type"] == "journal article"
    assert xml.iloc[1]["title"] == "A Mendeley record & its title"
    tagged, _ = load(fixtures / "endnote_tagged.enl", source="EndNote", search="s1")
    assert tagged.iloc[0]["abstract"] == "Background: we tested a programme. Results: fewer visits."
    assert tagged.iloc[1]["authors"] == ""


def test_spreadsheet_columns_are_mapped(fixtures):
    scopus, _ = load(fixtures / "scopus.csv", source="Scopus", search="s1")
    assert scopus.iloc[0]["authors"] == "Tester, AB; van der Beispiel, C"
    assert (
        scopus.iloc[0]["pmid"] == "10000001"
        and scopus.iloc[0]["abstract"] == "Background: we tested a programme, with commas."
    )
    assert scopus.iloc[1]["title"] == '=HYPERLINK("http://evil") An article'  # kept as text, never evaluated


def test_xlsx_export_is_read(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Title", "Authors", "Year", "DOI"])
    workbook.active.append(["A spreadsheet record", "Smith, J; Doe, A", 2001, "https://doi.org/10.1/X"])
    workbook.save(tmp_path / "rayyan.xlsx")
    records, _ = load(tmp_path / "rayyan.xlsx", source="Rayyan", search="s1")
    assert records.iloc[0][["title", "authors", "year", "doi"]].tolist() == [
        "A spreadsheet record",
        "Smith, J; Doe, A",
        "2001",
        "10.1/x",
    ]


def test_xlsx_zip_bomb_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    (tmp_path / "bomb.xlsx").write_bytes(buffer.getvalue())
    with pytest.raises(ReviewflowError, match="bomb.xlsx: unpacks to .* refused as a possible zip bomb"):
        load(tmp_path / "bomb.xlsx", source="db", search="s1")


def test_xml_with_entities_is_refused(tmp_path):
    (tmp_path / "xxe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<xml><records><record><titles><title>&e;</title></titles></record></records></xml>"
    )
    with pytest.raises(
        ReviewflowError, match="xxe.xml: XML with entity declarations or external references is refused"
    ):
        load(tmp_path / "xxe.xml", source="db", search="s1")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "TY  - JOUR\r\nTI  - Sj\u00f6gren\u2019s syndrome and pain\r\nER  - \r\n"
    (tmp_path / "e.ris").write_bytes(text.encode(encoding))
    assert load(tmp_path / "e.ris", source="db", search="s1")[0]["title"][0] == "Sj\u00f6gren\u2019s syndrome and pain"


def test_mojibake_and_html_entities_are_repaired():
    broken = "Sj\u00f6gren\u2019s".encode("utf-8").decode("cp1252")  # 'SjÃ¶grenâ€™s'
    records, _ = loads(f"TY  - JOUR\nTI  - {broken} &amp; pain\nER  - \n", source="db", search="s1", file="m.ris")
    assert records["title"][0] == "Sj\u00f6gren\u2019s & pain"


def test_a_wrong_format_says_what_the_content_looks_like(fixtures):
    with pytest.raises(ReviewflowError, match=r"pubmed.nbib: holds no ris records; the content looks like medline"):
        load(fixtures / "pubmed.nbib", source="db", search="s1", format="ris")


def test_skip_sets_bad_records_aside_with_reasons():
    text = (
        "TY  - JOUR\nTI  - Good\nER  - \nTY  - JOUR\nAU  - Nameless, A\nER  - \n"
        "TY  - JOUR\nTI  - Also good\nER  - \nTY  - JOUR\nTI  - Cut off\n"
    )
    records, rejected = loads(text, source="db", search="s1", file="x.ris", on_error="skip")
    # a record without a title is kept as exported (dedup lists it for people); a cut-off one is set aside
    assert records["title"].tolist() == ["Good", "", "Also good"] and records["position"].tolist() == ["1", "2", "3"]
    assert records["authors"].tolist()[1] == "Nameless, A"
    assert rejected[["position", "where", "reason"]].values.tolist() == [
        ["4", "record 4 (line 10)", "record has no end-of-record (ER) line; the file may be truncated"],
    ]
    assert rejected["record_id"].str.startswith("R").all() and "Cut off" in rejected["raw"][0]


@pytest.mark.parametrize(
    "name", ["scopus.ris", "embase_ovid.ris", "zotero.ris", "proquest.ris", "mendeley_blank_line.ris", "jstor.ris"]
)
def test_ris_dialects_agree(fixtures, name):
    records, rejected = load(fixtures / "ris_dialects" / name, source="db", search="s1")
    assert len(records) == 1 and rejected.empty
    record = records.iloc[0]
    assert record["title"] == "Group pain management for chronic back pain: a randomised trial"
    assert record["authors"] in ("Tester, AB; van der Beispiel, C", "Tester, Anna B; van der Beispiel, Carl")
    assert (record["year"], record["journal"], record["volume"], record["issue"]) == (
        "2004",
        "Journal of Example Studies",
        "12",
        "3",
    )
    assert (record["pages"], record["doi"]) == ("1242-1252", "10.1000/example.2004.1")
    if name != "jstor.ris":
        assert record["abstract"] == "Background: we tested a programme."


def read(text: str, **options):
    records, rejected = loads(text, source="db", search="s1", file="f", **options)
    assert rejected.empty
    return records.to_dict("records")


def test_a_semicolon_separated_csv_is_read_by_its_semicolons():
    (record,) = read("Title;Authors;Year\nPain programmes: a trial;Smith, J.;2020\n")
    assert (record["title"], record["authors"], record["year"]) == ("Pain programmes: a trial", "Smith, J", "2020")


def test_utf16_without_a_byte_order_mark_is_text(tmp_path):
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.ris"
        path.write_bytes("TY  - JOUR\r\nTI  - Caf\u00e9 pain trial\r\nER  - \r\n".encode(encoding))
        records, _ = load(path, source="db", search="s1")
        assert records["title"].tolist() == ["Caf\u00e9 pain trial"]


def test_control_characters_are_counted_in_the_text_not_in_its_bytes(tmp_path, caplog):
    """load counts control characters in the file's bytes when they are its text one to
    one (ASCII); UTF-16 of ASCII text is ASCII bytes too, with a zero byte in every pair,
    and those zeros are no characters of the text."""
    import logging

    text = "TY  - JOUR\nTI  - A\x0btitle\nER  - \n"
    for encoding, name in (("ascii", "plain.ris"), ("utf-16-le", "wide.ris")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="reviewflow.ingest"):
            records, _ = load(path, source="db", search="s1")
        assert records["title"].tolist() == ["A title"]
        assert f"{name}: 1 control characters removed" in caplog.text


def test_web_of_science_ris_is_read_when_declared_wos():
    text = "TY  - JOUR\nAU  - Smith, J\nTI  - A trial\nPU  - ELSEVIER\nPY  - 2020\nER  - \n"
    (record,) = read(text, format="wos")
    assert record["title"] == "A trial" and record["extra"] == "PU: ELSEVIER"


def test_pubmed_identifiers_go_to_their_own_fields_and_odd_ones_are_kept_not_cut():
    rows = read("Title,PMID\nA,PMC555\nB,12ab\nC, 0012345 \nD,PMID: 987\n")
    assert [(r["pmid"], r["pmcid"], r["extra"]) for r in rows] == [
        ("", "PMC555", ""),
        ("", "", "PMID (not a number): 12ab"),  # never '12'
        ("12345", "", ""),
        ("987", "", ""),
    ]
    (ris,) = read("TY  - JOUR\nTI  - A\nAN  - PMC1234567\nN1  - Funded by a grant\nER  - \n")
    assert ris["pmcid"] == "PMC1234567" and ris["extra"] == "N1: Funded by a grant"


def test_spreadsheet_columns_beyond_the_schema_are_kept():
    (record,) = read("Title,Funding Details,Year\nA trial,Grant 12,2020\n")
    assert record["extra"] == "Funding Details: Grant 12"


def test_record_types_are_one_vocabulary_whatever_the_export_called_them(fixtures):
    types = {
        name: load(fixtures / name, source="db", search="s1")[0]["type"].tolist()
        for name in ("ovid_psycinfo.ris", "pubmed.nbib", "wos_savedrecs.txt", "scopus.bib", "endnote.xml")
    }
    assert {"journal article"} <= set().union(*map(set, types.values())) <= {"journal article", "conference paper", ""}
    (medline,) = read("PMID- 1\nTI  - A trial\nPT  - Comment\nPT  - Journal Article\n")
    assert medline["type"] == "comment" and medline["extra"] == "Type (as exported): Comment; Journal Article"
    (unknown,) = read("TY  - XYZ\nTI  - A trial\nER  - \n")
    assert unknown["type"] == "other" and unknown["extra"] == "Type (as exported): XYZ"


def test_a_byte_order_mark_on_bytes_that_are_not_utf16_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.ris"
    path.write_bytes(b"\xfe\xff\x00\x00\x00\x00\x00")  # odd length: no UTF-16 text (found by Hypothesis)
    with pytest.raises(ReviewflowError, match="broken.ris.*byte-order mark but is not UTF-16 text"):
        load(path, source="db", search="s1")
