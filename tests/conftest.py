"""The tests' fixtures; what they share besides is in helpers.py."""

from pathlib import Path

import pytest
from helpers import FIXTURES, copy_project, snakemake


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The embedded review run once by Snakemake for the whole test session."""
    project = copy_project(tmp_path_factory.mktemp("built"))
    done = snakemake(project)
    assert done.returncode == 0, done.stderr[-3000:]
    return project
