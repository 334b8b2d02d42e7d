"""A real run with read-only inputs and no network."""

import os
import stat

from helpers import copy_project, snakemake
from test_isolation import NO_NETWORK, snapshot


def test_run_with_read_only_inputs_and_no_network(tmp_path):
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    inputs = [project / "resources", project / "config"]
    before = snapshot(*inputs)
    for folder in inputs:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": f"{guard}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = snakemake(project, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "network access during a run" not in done.stderr
    assert snapshot(*inputs) == before  # root ignores permission bits, so compare the bytes too
    assert (project / "results" / "ipmp" / "report.pdf").exists()
    summary = snakemake(project, "--summary", env=env).stdout.splitlines()[1:]
    written = [line.split("\t")[0] for line in summary if line.strip()]
    assert written and all(path.startswith("results/") for path in written)
