"""Living-review versions: freeze, changes since the last frozen version, and the
embedded review as version 2 of 2."""

from pathlib import Path

import pandas as pd
from helpers import ROOT, copy_inputs

from reviewflow.cli import main

CONFIG = "config/ipmp.yaml"
SHEETS = "resources/ipmp"


def _changes(project: Path) -> pd.DataFrame:
    return pd.read_csv(project / "results/ipmp/changes.csv", dtype=str, keep_default_na=False)


def test_version_freeze_command_names_what_is_missing(tmp_path, capsys):
    project = copy_inputs(tmp_path)
    assert main(["version", "freeze", str(project / CONFIG)]) == 1
    error = capsys.readouterr().err
    assert "has no results to freeze yet" in error and error.count("\n") == 1
    assert not (project / SHEETS / "versions" / "2").exists()
    assert ROOT.exists()
