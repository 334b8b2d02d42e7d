import pytest

from reviewflow.checks import check_searches
from reviewflow.errors import ReviewflowError


def layout(tmp_path, batches: dict[str, list[str]]) -> dict:
    for batch, files in batches.items():
        folder = tmp_path / "searches" / batch
        folder.mkdir(parents=True)
        for name in files:
            (folder / name).write_text("x")
    return {
        "resources": str(tmp_path),
        "searches": [
            {
                "batch": b,
                "date_searched": f"2021-0{i + 1}-01",
                "exports": [{"file": f, "database": "db"} for f in files if f.endswith(".ris")],
            }
            for i, (b, files) in enumerate(batches.items())
        ],
    }


def test_matching_layout_passes(tmp_path):
    config = layout(tmp_path, {"first": ["a.ris"], "update": ["a.ris", "b.ris"]})
    config["searches"][1]["exports"][0]["strategy"] = "strategy.txt"
    (tmp_path / "searches" / "update" / "strategy.txt").write_text("1 pain")
    check_searches(config, "config/ipmp.yaml")


def test_declared_batch_without_folder(tmp_path):
    config = layout(tmp_path, {"first": ["a.ris"]})
    config["searches"].append(
        {"batch": "update", "date_searched": "2021-09-01", "exports": [{"file": "a.ris", "database": "db"}]}
    )
    with pytest.raises(
        ReviewflowError, match=r"config/ipmp.yaml: key 'searches\[1\].batch': folder .*searches/update does not exist"
    ):
        check_searches(config, "config/ipmp.yaml")


def test_folder_nobody_declared(tmp_path):
    config = layout(tmp_path, {"first": ["a.ris"]})
    (tmp_path / "searches" / "2022-01-01").mkdir()
    with pytest.raises(
        ReviewflowError, match=r"folder .*searches/2022-01-01 is not declared in the config; add a 'searches' entry"
    ):
        check_searches(config, "config/ipmp.yaml")


def test_file_nobody_declared_and_missing_strategy(tmp_path):
    config = layout(tmp_path, {"first": ["a.ris", "embase.ris"]})
    config["searches"][0]["exports"].pop()
    with pytest.raises(ReviewflowError, match=r"searches/first/embase.ris is not declared in the config"):
        check_searches(config, "config/ipmp.yaml")
    config["searches"][0]["exports"][0]["strategy"] = "missing.txt"
    with pytest.raises(
        ReviewflowError, match=r"key 'searches\[0\].exports\[0\].strategy': .*missing.txt does not exist"
    ):
        check_searches(config, "config/ipmp.yaml")


def test_batches_must_be_listed_oldest_first(tmp_path):
    config = layout(tmp_path, {"first": ["a.ris"], "update": ["a.ris"]})
    config["searches"][1]["date_searched"] = "2020-01-01"
    with pytest.raises(
        ReviewflowError, match=r"key 'searches\[1\].date_searched' 2020-01-01 is earlier than the batch before it"
    ):
        check_searches(config, "config/ipmp.yaml")


def test_search_add_reads_each_export_whole_and_takes_a_declared_format(tmp_path):
    """A record without its end line is refused when the export is added, not in a later run;
    --format declares the format (checked by reading the file as that format)."""
    from reviewflow.pipeline import load_config
    from reviewflow.scaffold import add_search, init_review

    init_review("demo", "Demo", "rob2", root=tmp_path)
    broken = tmp_path / "broken.ris"
    broken.write_text("TY  - JOUR\nTI  - A trial\nPY  - 2020\nER  - \n\nTY  - JOUR\nTI  - Another trial\n")
    with pytest.raises(ReviewflowError, match="broken.ris"):
        add_search(str(tmp_path / "config/demo.yaml"), "b1", "2024-01-01", [str(broken)])
    assert not (tmp_path / "resources/demo/searches/b1").exists()
    medline = tmp_path / "pubmed.txt"
    medline.write_text("PMID- 1\nTI  - A trial\nDP  - 2020\n\nPMID- 2\nTI  - Another trial\nDP  - 2021\n")
    with pytest.raises(ReviewflowError, match="pubmed.txt"):
        add_search(str(tmp_path / "config/demo.yaml"), "b1", "2024-01-01", [str(medline)], format="ris")
    add_search(str(tmp_path / "config/demo.yaml"), "b1", "2024-01-01", [str(medline)], format="medline")
    assert load_config(str(tmp_path / "config/demo.yaml"))["searches"][0]["exports"][0]["format"] == "medline"


def test_search_add_says_what_it_read_and_refuses_an_export_added_before(tmp_path, capsys):
    from helpers import as_seen_in

    from reviewflow.cli import main
    from reviewflow.scaffold import init_review

    init_review("demo", "Demo", "rob2", root=tmp_path)
    export = tmp_path / "medline.ris"
    export.write_text("TY  - JOUR\nTI  - A trial\nPY  - 2020\nER  - \n")
    assert (
        main(
            ["search", "add", str(tmp_path / "config/demo.yaml"), "--batch", "b1", "--date", "2024-01-01", str(export)]
        )
        == 0
    )
    assert as_seen_in(tmp_path, capsys.readouterr().out).splitlines() == [
        "medline.ris: RIS, 1 record",
        "config/demo.yaml: batch b1 declared with 1 export file",
    ]
    again = tmp_path / "medline_again.ris"
    again.write_bytes(export.read_bytes())
    assert (
        main(["search", "add", str(tmp_path / "config/demo.yaml"), "--batch", "b2", "--date", "2024-02-01", str(again)])
        == 1
    )
    assert "holds the same bytes as b1/medline.ris, declared already" in capsys.readouterr().err
    assert not (tmp_path / "resources/demo/searches/b2").exists()
