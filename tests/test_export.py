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
    first.loc[first["type"] != "JOUR", "type"] = "JOUR"  # RIS holds RIS types only
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
