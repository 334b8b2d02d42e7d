"""Living-review versions on the embedded review: version 1 frozen, version 2 run."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import ROOT, copy_inputs
from test_versions import CONFIG, SHEETS, _changes

from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import load_config, run_review
from reviewflow.places import with_config
from reviewflow.screening import citation_resolver
from reviewflow.tables import CITATION_COLUMNS, read_csv
from reviewflow.versions import SNAPSHOT, freeze


def first_batch_only(project: Path, version: str = "1") -> set[str]:
    """The embedded review as it stood before its update search: the config without the
    last batch, the sheets without the rows about what that batch found. Returns the
    study ids that only the update brought."""
    config = yaml.safe_load((project / CONFIG).read_text())
    latest = config["searches"][-1]["batch"]
    citations = read_csv(project / "results/ipmp/dedup/citations.csv", CITATION_COLUMNS)
    update = set(citations.loc[citations["first_search"] == latest, "citation_id"])
    resolve = citation_resolver(citations)
    sheets = project / SHEETS

    def keep(name: str, column: str, drop) -> None:
        frame = pd.read_csv(sheets / name, dtype=str, keep_default_na=False)
        frame[~frame[column].map(drop)].to_csv(sheets / name, index=False)

    keep("screening.csv", "citation", lambda key: resolve(key) in update)
    publications = pd.read_csv(sheets / "publications.csv", dtype=str, keep_default_na=False)
    later = publications["citation"].map(resolve).isin(update)
    new_studies = set(publications.loc[later, "study_id"]) - set(publications.loc[~later, "study_id"])
    keep("publications.csv", "citation", lambda key: resolve(key) in update)
    for name in ("studies.csv", "arms.csv", "outcomes.csv", "rob.csv", "kq_overrides.csv"):
        keep(name, "study_id", lambda study: study in new_studies)
    (project / SHEETS / "searches" / latest).rename(project / "held_back")  # not searched yet
    config["searches"] = config["searches"][:-1]
    config["review"]["version"] = version
    (project / CONFIG).write_text(yaml.safe_dump(config, sort_keys=False))
    return new_studies


@pytest.fixture(scope="module")
def versioned(tmp_path_factory):
    """The embedded review frozen as version 1 after its first batch, then its real inputs
    (both batches) run as version 2."""
    project = copy_inputs(tmp_path_factory.mktemp("versions"))
    shutil.rmtree(project / SHEETS / "versions", ignore_errors=True)
    original = (project / CONFIG).read_text()
    sheets = {p.name: p.read_bytes() for p in (project / SHEETS).glob("*.csv")}
    run_review(project / CONFIG, until="dedup")
    new_studies = first_batch_only(project)
    run_review(project / CONFIG)
    frozen = freeze(load_config(project / CONFIG), project / CONFIG)
    (project / CONFIG).write_text(original)  # version 2, both batches
    for name, data in sheets.items():
        (project / SHEETS / name).write_bytes(data)
    (project / "held_back").rename(project / SHEETS / "searches" / "2021-05-24")
    layout = run_review(project / CONFIG)
    return project, frozen, new_studies, layout


def test_freeze_writes_a_snapshot_and_refuses_the_same_version_twice(versioned, monkeypatch):
    project, frozen, _, _ = versioned
    assert sorted(p.name for p in frozen.iterdir()) == sorted([*SNAPSHOT, "version.json"])
    info = json.loads((frozen / "version.json").read_text())
    assert info["version"] == "1" and info["batches"] == ["2020-09-23"]
    config = load_config(project / CONFIG)
    with pytest.raises(ReviewflowError, match="version 1 is frozen already"):
        freeze(with_config(config, review={**config["review"], "version": "1"}), project / CONFIG)


def test_the_update_batch_brings_exactly_its_changes(versioned):
    project, frozen, new_studies, layout = versioned
    changes = _changes(project)
    citations = read_csv(project / "results/ipmp/dedup/citations.csv", CITATION_COLUMNS)
    update = set(citations.loc[citations["first_search"] == "2021-05-24", "citation_id"])
    assert set(changes.loc[changes["kind"] == "citation", "id"]) == update
    assert set(changes.loc[changes["kind"] == "study", "id"]) == new_studies
    assert (changes.loc[changes["kind"] == "study", "what"] == "newly included").all()
    publication = changes[changes["kind"] == "publication"]
    assert publication["what"].tolist() == ["new publication of dobscha-2009"]
    records = changes[changes["kind"] == "records"]
    assert set(records["source"]) == {"search 2021-05-24"}
    records_now = read_csv(project / "results/ipmp/dedup/records.csv")
    assert records["after"].astype(int).sum() == (records_now["search"] == "2021-05-24").sum()
    assert changes[changes["kind"] == "decision"].empty  # no earlier decision was changed
    assert not changes[changes["kind"] == "extraction"]["label"].isin(new_studies).any()
    summary = json.loads((project / "results/ipmp/changes.json").read_text())
    assert summary["trigger"] == "new search 2021-05-24" and summary["baseline"]["version"] == "1"


def test_the_committed_version_1_is_the_first_batch_frozen(versioned):
    """resources/ipmp/versions/1 is what freezing the first-batch review gives, byte for byte."""
    _, frozen, *_ = versioned
    committed = ROOT / SHEETS / "versions" / "1"
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in frozen.iterdir())
    for path in committed.iterdir():
        assert path.read_bytes() == (frozen / path.name).read_bytes(), path.name


def test_report_shows_version_2_of_2_with_its_changes(versioned):
    project, *_ = versioned
    html = (project / "results/ipmp/report.html").read_text()
    assert "Report version</th><td>2 of 2</td>" in html and "Changes since version 1" in html
    assert "Update triggered by</th><td>new search 2021-05-24" in html


def test_a_corrected_value_is_one_change_with_its_row_and_a_rerun_is_stable(versioned, tmp_path, monkeypatch):
    project, *_ = versioned
    copy = tmp_path / "p"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("logs"))
    layout = run_review(copy / CONFIG)
    first = (copy / "results/ipmp/changes.csv").read_bytes()
    assert layout and first == (project / "results/ipmp/changes.csv").read_bytes()
    # freeze version 2, then correct one SD in the outcomes sheet
    freeze(load_config(copy / CONFIG), copy / CONFIG)
    assert _changes(copy).shape[0] > 0  # the file from before the freeze
    run_review(copy / CONFIG)
    assert _changes(copy).empty  # nothing new since version 2
    sheet = copy / SHEETS / "outcomes.csv"
    text = sheet.read_text()
    assert text.count("postintervention,3 (1.8),,3,1.8,") == 1
    sheet.write_text(text.replace("postintervention,3 (1.8),,3,1.8,", "postintervention,3 (1.9),,3,1.9,"))
    run_review(copy / CONFIG)
    changes = _changes(copy)
    extraction = changes[changes["kind"] == "extraction"]
    assert extraction[["what", "before", "after", "source"]].values.tolist() == [
        ["result", "3 (1.8)", "3 (1.9)", "outcomes.csv row 5"],
        ["sd", "1.8", "1.9", "outcomes.csv row 5"],
    ]
    assert set(changes["kind"]) <= {"extraction", "pooled estimate", "strength of evidence"}
    registry = copy / SHEETS / "studies.csv"
    registry.write_text(
        registry.read_text().replace(
            "abbasi-2012,Abbasi 2012,RCT,Iran,outpatient,45,", "abbasi-2012,Abbasi 2012,RCT,Iran,outpatient,46,"
        )
    )
    run_review(copy / CONFIG)
    study_level = _changes(copy)
    study_level = study_level[(study_level["kind"] == "extraction") & (study_level["id"] == "abbasi-2012")]
    assert study_level[["what", "before", "after", "source"]].values.tolist() == [
        ["mean_age", "45", "46", "studies.csv row 2"]
    ]
