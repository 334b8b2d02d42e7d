import pandas as pd

from reviewflow.cli import main
from reviewflow.export import to_ris
from reviewflow.ingest import load, loads
from reviewflow.tables import RECORD_COLUMNS

FIELDS = [c for c in RECORD_COLUMNS if c not in ("record_id", "source", "search", "file", "position")]


def test_ris_round_trip_keeps_every_schema_field(fixtures):
    first = pd.concat(
        [
            load(fixtures / n, source="db", search="s1")[0]
            for n in ("ovid_psycinfo.ris", "pubmed.nbib", "wos_savedrecs.txt")
        ],
        ignore_index=True,
    )
    # RIS holds one type per record: what TY carries, not a list of publication types
    first["type"] = "journal article"
    first["extra"] = first["extra"].str.replace(r"\n?Type \(as exported\): [^\n]*", "", regex=True)
    second, rejected = loads(to_ris(first), source="db", search="s1", file="again.ris")
    assert rejected.empty
    assert second[FIELDS].to_dict("records") == first[FIELDS].to_dict("records")
    assert (first["pmid"] != "").any() and (first["keywords"] != "").any()  # the round trip had something to lose
    third, _ = loads(to_ris(second), source="db", search="s1", file="again.ris")
    assert third["record_id"].tolist() == second["record_id"].tolist()  # written the same way twice


def test_export_command_writes_ris_and_csv(fixtures, tmp_path):
    records = tmp_path / "records.csv"
    assert main(["ingest", str(fixtures / "pubmed.nbib"), "-o", str(records)]) == 0
    assert main(["export", str(records), "-o", str(tmp_path / "library.ris")]) == 0
    assert main(["export", str(records), "-o", str(tmp_path / "library.csv")]) == 0
    again, _ = load(tmp_path / "library.ris", source="db", search="s1")
    assert again["title"].tolist() == pd.read_csv(records, dtype=str, keep_default_na=False)["title"].tolist()
    assert "PMID: 10000001" in (tmp_path / "library.ris").read_text()
    assert pd.read_csv(tmp_path / "library.csv", dtype=str).shape[0] == 2


def test_exported_csv_is_formula_safe_for_spreadsheets(tmp_path):
    """A title such as '=HYPERLINK(...)' or '+cmd|...' reaches the CSV people open in Excel
    as text (OWASP: a leading apostrophe), never as a formula."""
    records = tmp_path / "records.csv"
    row = {c: "" for c in RECORD_COLUMNS}
    row.update(
        record_id="R0000000000000001", title='=HYPERLINK("http://x.example","click")', authors="+cmd|' /C calc'!A0"
    )
    row.update(abstract="-2+3", journal="@SUM(1)", year="2020")
    pd.DataFrame([row]).to_csv(records, index=False)
    out = tmp_path / "library.csv"
    assert main(["export", str(records), "-o", str(out)]) == 0
    written = pd.read_csv(out, dtype=str, keep_default_na=False).iloc[0]
    assert written["title"] == '\'=HYPERLINK("http://x.example","click")'
    assert (
        written["authors"].startswith("'+cmd") and written["abstract"] == "'-2+3" and written["journal"] == "'@SUM(1)"
    )
    assert written["year"] == "2020"  # ordinary values untouched


def test_every_link_of_a_record_is_kept_and_written_back_one_ur_line_each():
    text = "TY  - JOUR\nTI  - A trial\nUR  - https://a.example/1\nUR  - https://b.example/2;jsessionid=x\nER  - \n"
    records, _ = loads(text, source="db", search="s", file="f.ris")
    assert records.loc[0, "url"] == "https://a.example/1; https://b.example/2;jsessionid=x"
    written = to_ris(records)
    assert [line for line in written.splitlines() if line.startswith("UR")] == [
        "UR  - https://a.example/1",
        "UR  - https://b.example/2;jsessionid=x",
    ]
