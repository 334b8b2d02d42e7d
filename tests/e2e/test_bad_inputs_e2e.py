"""The bad inputs that must stop a real Snakemake run with one line."""

import pytest
from helpers import BAD_INPUTS, copy_project, snakemake
from test_bad_inputs import THROUGH_SNAKEMAKE, _case, _no_report


@pytest.mark.parametrize("name", THROUGH_SNAKEMAKE)
def test_bad_input_through_snakemake(tmp_path, name):
    project = copy_project(tmp_path)
    case = _case(BAD_INPUTS / f"{name}.yaml", project)
    done = snakemake(project, "--quiet")
    assert done.returncode != 0, f"{case['description']}: the run did not fail"
    messages = [line for line in done.stderr.splitlines() if line.startswith("reviewflow: ")]
    assert len(messages) == 1, done.stderr[-2000:]
    assert case["expect"] in messages[0], messages[0]
    _no_report(project)
