"""The tests' fixtures; what they share besides is in helpers.py.

The folders say what a test is: unit/ tests functions on plain data, stages/ runs a
stage, a command or the in-process pipeline on a project copy, e2e/ runs Snakemake (or
the whole review) and is slow; the e2e marker comes from the folder alone (`make test`
leaves those out, `make test-e2e` runs them)."""

from pathlib import Path

import pytest
from helpers import FIXTURES, copy_project, snakemake

E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


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
