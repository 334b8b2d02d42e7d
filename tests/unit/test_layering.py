"""The house's floors: the stages (ingest to synthesis) sit below the layout, which names
their files, and the commands and the pipeline sit above it. A stage that imported the
layout (or the versions above it) would make every edit there rerun the stage, since a
rule's code inputs are the modules its step imports; an import cycle makes the order of
module loading matter. Both fail here, on the real import graph of the package."""

import pytest

from reviewflow.layout import STEPS
from reviewflow.scripting import PACKAGE, _closure, _imports

STAGES = ("ingest", "dedup", "screening", "studies", "prisma", "rob", "synthesis")
ABOVE = ("reviewflow.layout", "reviewflow.versions", "reviewflow.pipeline", "reviewflow.cli", "reviewflow.report")


def modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize("stage", STAGES)
def test_no_module_of_a_stage_imports_the_floors_above(stage):
    for module in [m for m in modules() if m.split(".")[1:2] == [stage]]:
        above = [target for target in _imports(module) if target.startswith(ABOVE)]
        assert not above, f"{module} imports {above}"


@pytest.mark.parametrize("rule", ["screen", "studies", "rob", "synthesis", "accuracy", "dedup", "prisma"])
def test_a_stage_rule_reruns_for_its_own_code_only(rule):
    module = "reviewflow." + STEPS[rule].split(":")[0]
    reached = _closure(module)
    assert not [m for m in reached if m.startswith(ABOVE)], (
        f"{rule}: {sorted(m for m in reached if m.startswith(ABOVE))}"
    )


def test_no_import_closes_a_circle():
    graph = {m: [t for t in _imports(m) if t != m] for m in modules()}
    state, path = {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for target in graph.get(node, []):
            if target.startswith(node + "."):  # a package importing its own submodule is no circle
                continue
            if state.get(target) == "open" and not node.startswith(target + "."):
                raise AssertionError(" -> ".join(path[path.index(target) :] + [target]))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = "done"

    for module in graph:
        if module not in state:
            visit(module)


# Functions that are tables: one named condition per row, read top to bottom.
TABLES = {("dedup/rules.py", "rule_masks")}


def test_no_function_runs_over_80_lines_unless_it_is_a_table():
    import ast

    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                where = (path.relative_to(PACKAGE).as_posix(), node.name)
                if node.end_lineno - node.lineno + 1 > 80 and where not in TABLES:
                    long.append(where)
    assert not long


def test_templates_are_wrapped_to_readable_lines():
    templates = PACKAGE.parent / "templates"
    wide = [
        f"{path.name}:{number}"
        for path in sorted(templates.rglob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > 120
    ]
    assert not wide


def test_no_test_and_no_module_changes_the_working_directory():
    """Tests name a project's files by path (places.py finds a config's project), so they
    may run side by side; the package never changes directory either."""
    import re

    tests = PACKAGE.parent.parent / "tests"
    pattern = re.compile(r"\bchdir\(")
    offenders = [
        str(path)
        for folder in (tests, PACKAGE)
        for path in sorted(folder.rglob("*.py"))
        if path.name != "test_layering.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders
