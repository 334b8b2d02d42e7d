"""The install files agree with each other, so conda and pip users get the same stack."""

import re
import tomllib

import yaml
from helpers import ROOT


def names(requirements) -> set[str]:
    return {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].strip().lower().replace("_", "-") for r in requirements}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def conda_packages(path) -> set[str]:
    dependencies = yaml.safe_load(path.read_text())["dependencies"]
    return names(d for d in dependencies if isinstance(d, str)) - {"python", "pip"}


def test_environment_yml_and_pyproject_name_the_same_packages():
    project = pyproject()
    declared = names(project["dependencies"]) | names(project["optional-dependencies"]["dev"])
    assert conda_packages(ROOT / "environment.yml") == declared


def test_rule_environment_holds_the_runtime_stack_minus_the_workflow_engine():
    runtime = names(pyproject()["dependencies"]) - {"snakemake"}
    assert conda_packages(ROOT / "workflow" / "envs" / "reviewflow.yaml") == runtime


def test_lock_pins_every_declared_package():
    pinned = names(
        line for line in (ROOT / "requirements.lock").read_text().splitlines() if line and not line.startswith("#")
    )
    project = pyproject()
    assert names(project["dependencies"]) | names(project["optional-dependencies"]["dev"]) <= pinned


def test_conda_envs_are_generated_from_the_lock():
    """Both conda envs pin exactly requirements.lock's versions (make envs writes them)."""
    from reviewflow.conda_envs import FILES, pins, render

    for path, kind in FILES.items():
        assert (ROOT / path).read_text() == render(kind), f"{path} is stale: run make envs"
    locked = pins((ROOT / "requirements.lock").read_text())
    rules = yaml.safe_load((ROOT / "workflow/envs/reviewflow.yaml").read_text())["dependencies"]
    assert "pandas==" + locked["pandas"] in rules
