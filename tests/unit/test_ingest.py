import pytest

from reviewflow.errors import ReviewflowError
from reviewflow.ingest import detect_format, load, loads
from reviewflow.ingest import normalise as norm

RIS_ONE = "TY  - JOUR\nTI  - A title\nAU  - Smith, J\nPY  - 2001\nER  - \n"


def test_ovid_ris_skips_header_keeps_er_line_inside_abstract(fixtures):
    records, _ = load(fixtures / "ovid_psycinfo.ris", source="PsycINFO", search="s1")
    assert len(records) == 2
    first = records.iloc[0]
    assert first["abstract"].endswith("ER rates were lower in the programme arm than in usual care.")
    assert first["authors"] == "Tester, AB; van der Beispiel, C"
    assert first["pages"] == "1242-1252"
    assert first["doi"] == "10.1000/example.2004.1"
    assert first["keywords"] == "chronic pain; pain management"
    assert records.iloc[1]["title"] == "A second, unrelated record & its title"
    assert list(records["position"]) == ["1", "2"]


def test_ebsco_crlf_ris(fixtures):
    records, _ = load(fixtures / "ebsco_cinahl.ris", source="CINAHL", search="s1")
    assert list(records["title"]) == [
        "Group pain management for chronic back pain: a randomised trial.",
        "An EBSCO record with no DOI",
    ]
    assert records.iloc[0]["journal"] == "Journal of Example Studies"


def test_medline_continuation_lines_full_author_names_and_doi(fixtures):
    records, _ = load(fixtures / "pubmed.nbib", source="MEDLINE", search="s1")
    first, second = records.iloc[0], records.iloc[1]
    assert first["title"] == "Group pain management for chronic back pain: a randomised trial."
    assert first["abstract"] == "Background: we tested a programme. Results: fewer visits."
    assert first["authors"] == "Tester, Anna B; van der Beispiel, Carl"
    assert (first["pmid"], first["doi"], first["issn"]) == ("10000001", "10.1000/example.2004.1", "0000-0001")
    assert first["year"] == "2004" and first["pages"] == "1242-1252"
    assert second["doi"] == "" and second["pmid"] == "10000002"


def test_record_ids_ignore_line_endings_and_bom_but_not_content():
    lf = loads(RIS_ONE, source="db", search="s1", file="a.ris")[0]
    crlf = loads("\ufeff" + RIS_ONE.replace("\n", "\r\n"), source="db", search="s1", file="a.ris")[0]
    changed = loads(RIS_ONE.replace("2001", "2002"), source="db", search="s1", file="a.ris")[0]
    assert lf["record_id"][0] == crlf["record_id"][0]
    assert lf["record_id"][0] != changed["record_id"][0]


def test_record_ids_rest_on_batch_and_file_not_on_the_database_label():
    """Relabelling an export (the file-name default to 'Ovid MEDLINE') keeps every id."""
    first = loads(RIS_ONE, source="Ovid_ris_example", search="s1", file="a.ris")[0]
    relabelled = loads(RIS_ONE, source="Ovid MEDLINE", search="s1", file="a.ris")[0]
    other_file = loads(RIS_ONE, source="Ovid MEDLINE", search="s1", file="b.ris")[0]
    other_batch = loads(RIS_ONE, source="Ovid MEDLINE", search="s2", file="a.ris")[0]
    assert relabelled["record_id"][0] == first["record_id"][0]
    assert relabelled["source"][0] == "Ovid MEDLINE"
    assert other_file["record_id"][0] != first["record_id"][0]
    assert other_batch["record_id"][0] != first["record_id"][0]


def test_exact_repeats_in_one_file_get_suffixes():
    records, _ = loads(RIS_ONE * 3, source="db", search="s1", file="a.ris")
    base = records["record_id"][0]
    assert list(records["record_id"]) == [base, f"{base}-2", f"{base}-3"]


def test_format_detected_from_content_not_extension(fixtures, tmp_path):
    disguised = tmp_path / "export.txt"
    disguised.write_bytes((fixtures / "pubmed.nbib").read_bytes())
    assert len(load(disguised, source="db", search="s1")[0]) == 2
    assert detect_format(RIS_ONE) == "ris"


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "format not recognised"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"TY  - JOUR\nTI  - Cut off\n", "record 1 (line 1): record has no end-of-record (ER) line"),
        (b"TY  - JOUR\nAU  - Smith, J\nER  - \n", "record 1: has no title, nor has any of its 1 records"),
    ],
)
def test_bad_files_name_file_and_place(tmp_path, content, expected):
    path = tmp_path / "bad.ris"
    path.write_bytes(content)
    with pytest.raises(ReviewflowError) as raised:
        load(path, source="db", search="s1")
    message = str(raised.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_truncated_record_is_an_error_not_a_dropped_record(fixtures):
    with pytest.raises(
        ReviewflowError, match=r"truncated.ris, record 1 \(line 1\): record has no end-of-record \(ER\) line"
    ):
        load(fixtures / "truncated.ris", source="db", search="s1")


def test_cp1252_export_is_decoded(tmp_path):
    path = tmp_path / "latin.ris"
    path.write_bytes("TY  - JOUR\nTI  - Sj\u00f6gren and pain\nER  - \n".encode("cp1252"))
    assert load(path, source="db", search="s1")[0]["title"][0] == "Sj\u00f6gren and pain"


def test_mojibake_is_repaired_in_a_record_otherwise_clean():
    """A tidy record with nothing to fold is read as it stands, but for values beyond
    ASCII: those are still repaired (UTF-8 read as cp1252 by the exporting tool)."""
    broken = "Sj\u00f6gren".encode("utf-8").decode("cp1252")  # 'SjÃ¶gren'
    text = f"TY  - JOUR\nTI  - {broken} and pain\nKW  - {broken}\nER  - \n"
    records, _ = loads(text, source="db", search="s1", file="a.ris")
    assert records[["title", "keywords"]].values.tolist() == [["Sj\u00f6gren and pain", "Sj\u00f6gren"]]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("https://doi.org/10.1001/JAMA.2009.377", "10.1001/jama.2009.377"),
        ("doi: 10.1/x.", "10.1/x"),
        ("10.1016/x [doi]", "10.1016/x"),
        ("not a doi", ""),
    ],
)
def test_normalise_doi(raw, expected):
    assert norm.normalise_doi(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("1242-52", "1242-1252"), ("857-64", "857-864"), ("13-22", "13-22"), ("e123-e9", "e123-e129"), ("149", "149")],
)
def test_normalise_pages(raw, expected):
    assert norm.normalise_pages(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Dobscha SK", "Dobscha, SK"),
        ("Dobscha, S. K.", "Dobscha, SK"),
        ("Bendix, A F", "Bendix, AF"),
        ("Von Korff M", "Von Korff, M"),
        ("K. Meyer", "Meyer, K"),
        ("Weiner, Debra K", "Weiner, Debra K"),
        # four initials after a surname in mixed case (Vancouver style); were read as the surname
        ("Smeets RJEM", "Smeets, RJEM"),
        ("van der Heijden GJMG", "van der Heijden, GJMG"),
        ("K. MEYER", "MEYER, K"),  # a surname in capitals after initials stays the surname
        ("Nygren ÅL", "Nygren, ÅL"),  # initials beyond ASCII; were read as the surname "ÅL"
    ],
)
def test_normalise_author(raw, expected):
    assert norm.normalise_author(raw) == expected


def test_fast_path_fingerprints_equal_the_definition():
    """The RIS parser's shortcut must give the ids the documented definition gives."""
    from reviewflow.ingest import ris
    from reviewflow.ingest.ids import raw_fingerprint

    samples = [
        RIS_ONE,
        "TY  - JOUR\nTI  - Trailing space \nER  - \n",
        "TY  - JOUR\nTI  - Tab\there\nAU  - A\x0bB\nER  - \n",
        "TY  - JOUR\nTI  - Non-breaking\u00a0\nAB  - line\u2028break\nER  - \n",
        "TY  - JOUR\nTI  - Continued\n   on the next line\n\nER  - \n",
    ]
    for text in samples:
        (block,) = list(ris.parse(text))
        if block.fingerprint is not None:
            assert block.fingerprint == raw_fingerprint(block.raw)
    assert list(ris.parse(RIS_ONE))[0].fingerprint is not None  # the shortcut is taken where it can be


def test_vendor_ris_tags_are_kept_in_extra_and_written_back(tmp_path, caplog):
    """Web of Science writes PU, Ovid PsycINFO AI: tags beyond the specification are kept,
    never an error, logged once per file, and written back by `reviewflow export`."""
    import logging

    from reviewflow.export import to_ris

    text = (
        "TY  - JOUR\nTI  - A title\nPU  - Some Publisher\n"
        "AI  - Smith, J: 0000-0001\nAI  - Jones, K: 0000-0002\nER  - \n"
        "TY  - JOUR\nTI  - Another\nPU  - Other Press\nER  - \n"
    )
    path = tmp_path / "wos.ris"
    path.write_text(text)
    with caplog.at_level(logging.INFO, logger="reviewflow.ingest"):
        records, rejected = load(path, source="db", search="s1")
    assert rejected.empty and len(records) == 2
    assert records["extra"].tolist() == [
        "PU: Some Publisher\nAI: Smith, J: 0000-0001\nAI: Jones, K: 0000-0002",
        "PU: Other Press",
    ]
    assert "AI 1, PU 2" in caplog.text
    again, _ = loads(to_ris(records), source="db", search="s1", file="again.ris")
    assert again["extra"].tolist() == records["extra"].tolist()


def test_empty_records_are_set_aside_and_control_characters_removed(tmp_path, caplog):
    """An export that opens with an empty record (EndNote) reads; the empty record is set
    aside, counted, never a stop; control characters (a vertical tab, a C1 byte) are removed
    so no worksheet chokes on them."""
    import logging

    path = tmp_path / "endnote.ris"
    path.write_text("TY  - JOUR\nER  - \n\nTY  - JOUR\nTI  - A\x0btitle with\x01 controls\x85\nER  - \n")
    with caplog.at_level(logging.INFO, logger="reviewflow.ingest"):
        records, rejected = load(path, source="db", search="s1")
    assert records["title"].tolist() == ["A title with controls"]
    assert rejected[["position", "reason"]].values.tolist() == [["1", "empty record: set aside"]]
    assert "endnote.ris: 3 control characters removed" in caplog.text


def test_a_name_suffix_stays_behind_the_initials():
    from reviewflow.ingest.normalise import normalise_author

    assert normalise_author("Yancy WS Jr") == "Yancy, WS Jr"  # MEDLINE's order; was read as surname 'Jr'
    assert normalise_author("Yancy, W. S., Jr.") == "Yancy, WS Jr"
    assert normalise_author("Dobscha SK") == "Dobscha, SK"


@pytest.mark.parametrize(
    "body",
    [
        "TY  - JOUR\nTI  - Plain title\nAU  - Smith, J\nAU  - Jones, K\nPY  - 2020\nER  - ",
        "TY  - JOUR\nTI  -  Value after two spaces\nER  - ",
        "TY  - JOUR\nTI  - Trailing space \nPY  - 2020\nER  - ",
        "TY  - JOUR\nN1  - \nTI  - An empty note first\nER  - ",
        "TY  - JOUR\nTI  - End tag without its space\nER  -",
        "TY  - JOUR\nTI  - Continued\n   on the next line\nER  - ",
        "TY  - JOUR\nTI  - Fish &amp; chips  doubled\nER  - ",
        "TY  - JOUR\nTI  - A title\nXY  - a vendor tag\nER  - ",
    ],
)
def test_a_tidy_record_read_the_quick_way_gives_what_the_careful_way_gives(body):
    """The quick reading of a tidy RIS record (whole text ASCII without tabs) must give the
    same fields, raw text, fingerprint and clean flag as reading it line by line."""
    from reviewflow.ingest import ris

    lines = body.count("\n") + 1
    careful = ris._block(1, 1, body, lines, ris.Whole())
    quick = ris._block(1, 1, body, lines, ris.Whole(tidy=True, plain="&" not in body))
    assert quick == careful
    records, _ = loads(body + "\n", source="x", search="s1", file="a.ris")
    fields = {key: [value] for key, value in careful.fields.items()}
    assert records["title"].iloc[0] == norm.finish_columns(fields, [careful.clean])["title"][0]
