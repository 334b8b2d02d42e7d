"""Screening decisions made in Rayyan, Covidence or ASReview LAB, brought into a review's sheet.

Fixtures are written here from the tools' public descriptions: Rayyan's CSV export keeps
each reviewer's decision in `notes` as `RAYYAN-INCLUSION: {"Name"=>"Included", ...}`,
with `RAYYAN-LABELS:` and `RAYYAN-EXCLUSION-REASONS:` markers separated by "| " (Rayyan's
help page on exporting; the rayyanR package's parse_rayyan reads the same markers).
ASReview LAB's dataset export holds `included` (1, 0, or empty when not screened) and
`asreview_ranking`, the order in which records were shown (ASReview's documentation on
exporting results)."""

import json
import shutil

import pandas as pd
import pytest
from helpers import FIXTURES

from reviewflow.cli import main
from reviewflow.pipeline import run_review
from reviewflow.scaffold import add_search, init_review

CONFIG = "config/demo.yaml"
SHEET = "resources/demo/screening.csv"
IMPORTS = FIXTURES / "imports"


@pytest.fixture
def review(tmp_path):
    init_review("demo", "Demo", "rob2", root=tmp_path)
    text = config_text = open(str(tmp_path / CONFIG), encoding="utf-8").read()
    text = text.replace("exclusion_reasons:", "exclusion_reasons:\n    - ineligible population", 1)
    assert text != config_text
    open(str(tmp_path / CONFIG), "w", encoding="utf-8").write(text)
    export = tmp_path / "medline.ris"
    export.write_text(
        "TY  - JOUR\nTI  - Exercise for knee pain: a randomised trial\nAU  - Able, A\nPY  - 2019\n"
        "DO  - 10.1000/knee.1\nER  - \n\n"
        "TY  - JOUR\nTI  - Massage for neck pain\nAU  - Baker, B\nPY  - 2020\nER  - \n\n"
        "TY  - JOUR\nTI  - Acupuncture for back pain\nAU  - Cole, C\nPY  - 2021\nER  - \n"
    )
    add_search(str(tmp_path / CONFIG), "2024-01-01", "2024-01-01", [str(export)])
    run_review(str(tmp_path / CONFIG), until="dedup")
    return tmp_path


def _sheet(tmp_path) -> pd.DataFrame:
    return pd.read_csv(str(tmp_path / SHEET), dtype=str, keep_default_na=False)


def test_rayyan_votes_land_in_vote_columns_and_give_the_reports_kappa(review, capsys, tmp_path):
    argv = [
        "import",
        "rayyan",
        str(IMPORTS / "rayyan_articles.csv"),
        "--config",
        str(tmp_path / CONFIG),
        "--to",
        str(tmp_path / SHEET),
    ]
    assert main([*argv, "--reasons", str(IMPORTS / "rayyan_reasons.csv")]) == 0
    said = capsys.readouterr()
    assert "3 title_abstract decisions imported from rayyan; 1 rows matched no citation" in said.out
    assert "row 5: 'A record no search of the review found' matches no citation of the review" in said.err
    sheet = _sheet(tmp_path)
    assert list(sheet["vote_AnnLee"]) == ["include", "exclude", "include"]
    assert list(sheet["vote_Bo"]) == ["include", "exclude", "exclude"]
    assert list(sheet["reason"]) == ["", "ineligible population", ""]
    run_review(str(tmp_path / CONFIG), until="screen")
    agreement = json.loads(open(tmp_path / "results/demo/screening/agreement.json", encoding="utf-8").read())
    assert agreement["open_disagreements"] == 1  # the third: one include, one exclude
    assert "title_abstract" in json.dumps(agreement["agreement"])
    assert main([*argv, "--reasons", str(IMPORTS / "rayyan_reasons.csv")]) == 1  # a second import changes nothing
    assert "already holds a title_abstract decision" in capsys.readouterr().err


def test_asreview_decisions_come_in_the_order_screened(review, tmp_path):
    argv = [
        "import",
        "asreview",
        str(IMPORTS / "asreview_export.csv"),
        "--config",
        str(tmp_path / CONFIG),
        "--to",
        str(tmp_path / SHEET),
    ]
    assert main(argv) == 0
    sheet = _sheet(tmp_path)
    assert list(sheet["decision"]) == ["include", "exclude"]  # ranking 1, then 2; the unscreened one left
    assert list(sheet["note"]) == ["ASReview order 1", "ASReview order 2"]


@pytest.mark.parametrize(
    ("edit", "reasons", "message"),
    [
        (lambda t: t.replace("RAYYAN-INCLUSION: {", "INCLUDED: {"), True, "not Rayyan's form of the notes"),
        (lambda t: t, False, "exclusion reasons with no row in the reason map: wrong population"),
        (lambda t: t, "bad", "'the wrong thing' is not an exclusion reason of the config"),
        (lambda t: t.replace("Exercise for knee", "Nothing like").replace("10.1000/knee.1", ""), True, None),
    ],
)
def test_bad_imports_give_one_line_and_write_nothing(review, tmp_path, capsys, edit, reasons, message):
    source = tmp_path / "articles.csv"
    source.write_text(edit((IMPORTS / "rayyan_articles.csv").read_text()))
    mapping = IMPORTS / "rayyan_reasons.csv"
    if reasons == "bad":
        mapping = tmp_path / "map.csv"
        mapping.write_text("rayyan_reason,reason\nwrong population,the wrong thing\n")
    before = open(str(tmp_path / SHEET), encoding="utf-8").read()
    argv = ["import", "rayyan", str(source), "--config", str(tmp_path / CONFIG), "--to", str(tmp_path / SHEET)]
    code = main([*argv, *(["--reasons", str(mapping)] if reasons else [])])
    if message is None:  # the unmatched rows are listed, the matched ones imported
        assert code == 0 and capsys.readouterr().err.count("matches no citation") == 2
        return
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert open(str(tmp_path / SHEET), encoding="utf-8").read() == before


def test_an_export_that_matches_nothing_is_refused(review, tmp_path, capsys):
    source = tmp_path / "other.csv"
    shutil.copy(IMPORTS / "asreview_export.csv", source)
    source.write_text(source.read_text().replace("pain", "sleep").replace("10.1000/knee.1", ""))
    assert (
        main(["import", "asreview", str(source), "--config", str(tmp_path / CONFIG), "--to", str(tmp_path / SHEET)])
        == 1
    )
    assert "none of its 2 decided rows matches a citation of the review" in capsys.readouterr().err


COVIDENCE = {
    name: IMPORTS / f"review_1234_{name}_csv_20240301120000.csv" for name in ("irrelevant", "excluded", "included")
}


def test_covidence_lists_land_at_their_stages(review, capsys, tmp_path):
    """Covidence exports one list at a time (Title, Authors, ..., DOI, Ref, Covidence #, Study,
    Notes, Tags: its reference export; tags and notes export with the lists, says its help
    page on tagging); the list is read from the file name Covidence gives it."""
    for path in COVIDENCE.values():
        argv = ["import", "covidence", str(path), "--config", str(tmp_path / CONFIG), "--to", str(tmp_path / SHEET)]
        assert main([*argv, "--reasons", str(IMPORTS / "covidence_reasons.csv")]) == 0, capsys.readouterr().err
    sheet = _sheet(tmp_path)
    rows = list(zip(sheet["stage"], sheet["decision"], sheet["reason"], sheet["note"]))
    assert rows == [
        ("title_abstract", "exclude", "", "from Covidence #12"),
        ("title_abstract", "include", "", "from Covidence #13"),
        ("full_text", "exclude", "ineligible population", "from Covidence #13"),
        ("title_abstract", "include", "", "from Covidence #11"),
        ("full_text", "include", "", "from Covidence #11"),
    ]
    run_review(str(tmp_path / CONFIG), until="screen")
    status = pd.read_csv(tmp_path / "results/demo/screening/status.csv", dtype=str, keep_default_na=False)
    by_title = dict(zip(status["title"], status["status"]))
    assert (
        by_title["Massage for neck pain"]
        != by_title["Acupuncture for back pain"]
        != by_title["Exercise for knee pain: a randomised trial"]
    )
    assert "include" in by_title["Exercise for knee pain: a randomised trial"]


@pytest.mark.parametrize(
    ("name", "edit", "renamed", "message"),
    [
        (
            "excluded",
            lambda t: t.replace('"Wrong population"', '""'),
            [],
            "row 2: a full-text exclusion with no reason",
        ),
        ("excluded", lambda t: t, False, "exclusion reasons with no row in the reason map: Wrong population"),
        ("included", lambda t: t, True, "does not say which Covidence list it holds"),
        ("included", lambda t: t.replace('"Covidence #"', '"Number"'), False, "is it Covidence's CSV export?"),
    ],
)
def test_bad_covidence_imports_give_one_line_and_write_nothing(review, tmp_path, capsys, name, edit, renamed, message):
    source = tmp_path / ("export.csv" if renamed else COVIDENCE[name].name)  # a renamed file no longer names its list
    source.write_text(edit(COVIDENCE[name].read_text()))
    before = open(str(tmp_path / SHEET), encoding="utf-8").read()
    assert (
        main(["import", "covidence", str(source), "--config", str(tmp_path / CONFIG), "--to", str(tmp_path / SHEET)])
        == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert open(str(tmp_path / SHEET), encoding="utf-8").read() == before
