"""A review of another topic, started as a new user would: `reviewflow init`, `reviewflow
search add`, then one run from its exports alone to a report with its own title."""

import sys
from pathlib import Path

import yaml
from helpers import FIXTURES

from reviewflow.cli import main

REVIEWFLOW = str(Path(sys.executable).parent / "reviewflow")


def test_init_writes_a_config_and_header_only_sheets_and_never_overwrites(tmp_path):
    assert (
        main(
            [
                "init",
                "gambling",
                "--title",
                "Treatments for gambling disorder",
                "--tool",
                "robins-i",
                "--project",
                str(tmp_path),
            ]
        )
        == 0
    )
    config = yaml.safe_load((tmp_path / "config" / "gambling.yaml").read_text())
    assert config["review"] == {"id": "gambling", "title": "Treatments for gambling disorder", "version": "0.1.0"}
    assert config["rob"]["tool"] == "robins-i" and config["resources"] == "resources/gambling"
    rob = (tmp_path / "resources" / "gambling" / "rob.csv").read_text().splitlines()
    assert rob == [rob[0]] and rob[0].startswith("study_id,outcome,D1,D1_support") and ",D7," in rob[0]
    studies = (tmp_path / "resources" / "gambling" / "studies.csv").read_text()
    assert studies.startswith("study_id,label,design,country,setting,age,funding")  # the vocabulary's column
    assert (
        main(["init", "gambling", "--title", "Again", "--project", str(tmp_path)]) == 1
    )  # refused: nothing overwritten
    assert yaml.safe_load((tmp_path / "config" / "gambling.yaml").read_text())["review"]["title"].startswith("Treat")


def test_search_add_copies_exports_and_declares_the_batch_keeping_comments(tmp_path):
    main(["init", "gambling", "--title", "Treatments for gambling disorder", "--project", str(tmp_path)])
    export = FIXTURES / "pubmed.nbib"
    add = ["search", "add", str(tmp_path / "config/gambling.yaml"), "--batch", "2024-03-01"]
    assert main([*add, "--date", "2024-03-01", str(export)]) == 0
    text = (tmp_path / "config" / "gambling.yaml").read_text()
    assert "# Search batches, oldest first." in text  # the comments people read survive
    batch = yaml.safe_load(text)["searches"][0]
    assert batch == {
        "batch": "2024-03-01",
        "date_searched": "2024-03-01",
        "exports": [{"file": "pubmed.nbib", "database": "pubmed", "format": "medline"}],
    }
    assert (tmp_path / "resources/gambling/searches/2024-03-01/pubmed.nbib").read_bytes() == export.read_bytes()
    again = [*add, "--date", "2024-03-02", str(export)]
    assert main(again) == 1  # a batch is declared once


def test_check_config_reports_a_fresh_review_needs_a_search(tmp_path, capsys):
    main(["init", "gambling", "--title", "Treatments for gambling disorder", "--project", str(tmp_path)])
    assert main(["check-config", str(tmp_path / "config/gambling.yaml")]) == 1
    assert "reviewflow search add" in capsys.readouterr().err
