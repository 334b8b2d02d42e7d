"""What produced a run's results: input hashes, config, package versions, git commit."""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from . import __version__

PACKAGES = ("snakemake", "pandas", "pyyaml", "jinja2", "jsonschema", "weasyprint", "openpyxl", "rispy",
            "defusedxml", "bibtexparser", "pylatexenc", "ftfy", "pydyf", "fonttools")  # fmt: skip


def git_commit(directory: str | Path) -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=directory, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if done.returncode != 0:
        return "unknown (not a git checkout)"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=directory, capture_output=True, text=True)
    return done.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def provenance(inputs: list[str], config: dict, workflow_dir: str | Path) -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "reviewflow": __version__,
        "git_commit": git_commit(workflow_dir),
        "python": platform.python_version(),
        "packages": versions,
        "inputs": {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in sorted(inputs)},
        "config": config,
    }
