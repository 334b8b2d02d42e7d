"""What every Snakemake script needs around its one call: logging to the rule's
log file, the rule's step function called with its files, and an input problem
turned into one clear line and a clean failure. Also the package's own source
files each rule depends on, so a change to the code reruns what it affects."""

from __future__ import annotations

import ast
import logging
import os
import shutil
import sys
from functools import cache
from pathlib import Path

from .errors import ReviewflowError
from .layout import STEPS, step

PACKAGE = Path(__file__).resolve().parent
# Data files read by a module: a change to them must rerun its rules too.
DATA = {
    "reviewflow.schemas": PACKAGE.parent / "schemas",
    "reviewflow.report.render": PACKAGE.parent / "templates",
    "reviewflow.rob": PACKAGE / "rob" / "tools",
    "reviewflow.certainty": PACKAGE / "certainty_systems",
}


def run_rule(snakemake) -> None:
    """Run the step of snakemake.rule with the job's files; on bad input, say so in
    one line and exit 1 (Snakemake then removes the job's outputs)."""
    log_path = Path(snakemake.log[0])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    inputs = {name: value for name, value in snakemake.input.items() if name != "code"}
    try:
        step(snakemake.rule)(inputs, dict(snakemake.output.items()), dict(snakemake.params.items()))
    except ReviewflowError as error:
        logging.error("%s", error)
        remove_outputs(snakemake.output)
        print(f"reviewflow: {error}", file=sys.stderr)
        sys.exit(1)
    except Exception:  # a bug, not bad input: keep the traceback in the log too
        logging.exception("unexpected failure")
        raise


def remove_outputs(paths) -> None:
    """A failed job's outputs, files and folders, so no partial output is left."""
    for output in map(Path, paths):
        if output.is_dir():
            shutil.rmtree(output)
        else:
            output.unlink(missing_ok=True)


def source_files(rule: str, relative_to: str | Path = ".") -> list[str]:
    """The package files the rule's step imports (directly or not) and the data files
    those modules read, relative to the working directory."""
    module = "reviewflow." + STEPS[rule].split(":")[0]
    files = []
    for name in sorted(_closure(module)):
        files.append(_module_file(name))
        if name in DATA:
            files += sorted(p for p in DATA[name].rglob("*") if p.is_file())
    return [os.path.relpath(f, relative_to) for f in files]


def _module_file(name: str) -> Path:
    path = PACKAGE.parent / Path(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


@cache
def _closure(module: str) -> frozenset[str]:
    """The reviewflow modules `module` imports, directly or not, itself and its packages included."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages run first
        todo += _imports(name)
    return frozenset(seen)


def _imports(name: str) -> list[str]:
    path = _module_file(name)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("reviewflow"):
                continue
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
            found += [c for c in candidates if _exists(c)]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("reviewflow") and _exists(a.name)]
    return found


def _exists(name: str) -> bool:
    path = PACKAGE.parent / Path(*name.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()
