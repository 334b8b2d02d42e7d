"""`reviewflow search rename`: a renamed export keeps every decision made on its records."""

import csv

import pytest

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import load_config, run_review
from reviewflow.scaffold import add_search, init_review

CONFIG = "config/demo.yaml"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def review(tmp_path):
    init_review("demo", "Demo", "rob2", root=tmp_path)
    for name, titles in (("Ovid_ris_example.ris", ("Trial one", "Trial two")), ("other.ris", ("Trial three",))):
        (tmp_path / name).write_text("".join(f"TY  - JOUR\nTI  - {t}\nPY  - 2020\nER  - \n\n" for t in titles))
    add_search(
        str(tmp_path / CONFIG),
        "b1",
        "2024-01-01",
        [str(tmp_path / "Ovid_ris_example.ris"), str(tmp_path / "other.ris")],
    )
    run_review(str(tmp_path / CONFIG), until="dedup")
    citations = _rows(tmp_path / "results/demo/dedup/citations.csv")
    by_title = {c["title"]: c for c in citations}
    first, second, third = (by_title[t] for t in ("Trial one", "Trial two", "Trial three"))
    with open(tmp_path / "resources/demo/screening.csv", "a", encoding="utf-8") as handle:
        handle.write(f"{first['citation_id']},title_abstract,exclude,,,,\n")  # by citation id
        handle.write(f"{second['record_ids']},title_abstract,include,,,,\n")  # by record id
        handle.write(f"{third['citation_id']},title_abstract,exclude,,,,\n")  # another export: unchanged
    run_review(str(tmp_path / CONFIG), until="screen")
    return {c["title"]: c for c in citations}


def test_rename_carries_every_decision_to_the_new_ids(review, tmp_path):
    before = {r["title"]: r["title_abstract"] for r in _rows(tmp_path / "results/demo/screening/status.csv")}
    sheet_before = _rows(tmp_path / "resources/demo/screening.csv")
    assert (
        main(["search", "rename", str(tmp_path / CONFIG), "--batch", "b1", "Ovid_ris_example.ris", "medline.ris"]) == 0
    )
    config = load_config(str(tmp_path / CONFIG))
    assert [e["file"] for e in config["searches"][0]["exports"]] == ["medline.ris", "other.ris"]
    sheet_after = _rows(tmp_path / "resources/demo/screening.csv")
    assert [r["citation"] for r in sheet_after][2] == sheet_before[2]["citation"]  # other.ris keeps its ids
    assert sheet_after[0]["citation"] != sheet_before[0]["citation"]
    run_review(str(tmp_path / CONFIG), until="screen")
    after = {r["title"]: r["title_abstract"] for r in _rows(tmp_path / "results/demo/screening/status.csv")}
    assert after == before == {"Trial one": "exclude", "Trial two": "include", "Trial three": "exclude"}


def test_a_rename_done_by_hand_says_how_to_carry_the_decisions(review, tmp_path):
    import os

    os.rename(
        tmp_path / "resources/demo/searches/b1/Ovid_ris_example.ris",
        tmp_path / "resources/demo/searches/b1/medline.ris",
    )
    text = (
        open(str(tmp_path / CONFIG), encoding="utf-8").read().replace("file: Ovid_ris_example.ris", "file: medline.ris")
    )
    open(str(tmp_path / CONFIG), "w", encoding="utf-8").write(text)
    with pytest.raises(ReviewflowError, match=r"names no known citation; a record's id rests on .* search rename"):
        run_review(str(tmp_path / CONFIG), until="screen")


def test_rename_refuses_an_unknown_export_and_a_name_taken(review, tmp_path):
    with pytest.raises(ReviewflowError, match="batch 'b1' declares no export 'nope.ris'"):
        main_raising(["search", "rename", str(tmp_path / CONFIG), "--batch", "b1", "nope.ris", "x.ris"])
    with pytest.raises(ReviewflowError, match="exists already"):
        main_raising(["search", "rename", str(tmp_path / CONFIG), "--batch", "b1", "Ovid_ris_example.ris", "other.ris"])


def main_raising(argv):
    from reviewflow.cli import parser

    args = parser().parse_args(argv)
    args.run(args)
