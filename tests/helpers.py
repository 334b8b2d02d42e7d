"""What the tests share that is not a fixture: the embedded review's vocabulary, sheets and
records built from a few fields, and copies of the project to run (conftest.py keeps the
fixtures)."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workflow"))  # the package, also without an install

import yaml  # noqa: E402

from reviewflow.schemas import sheet_schema  # noqa: E402
from reviewflow.tables import RECORD_COLUMNS  # noqa: E402
from reviewflow.verify import copy_project  # noqa: E402,F401 (the parts of the project a run needs, copied)

# The embedded review's vocabulary: the sheets of most tests are built with it.
VOCABULARY = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())["vocabulary"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD_INPUTS = Path(__file__).resolve().parent / "bad_inputs"  # the catalogue of malformed inputs


def make_records(rows: list[dict]) -> pd.DataFrame:
    """Records in the ingest schema from a few fields; the rest empty."""
    full = []
    for position, row in enumerate(rows, start=1):
        record = {column: "" for column in RECORD_COLUMNS}
        record.update(source="db", search="s1", file="f.ris", position=str(position))
        record.update({k: str(v) for k, v in row.items()})
        full.append(record)
    return pd.DataFrame(full, columns=RECORD_COLUMNS)


def make_sheet(schema: str | dict, rows: list[dict]) -> pd.DataFrame:
    """A human-edited sheet as read_sheet returns it: every schema column, empty where not given."""
    columns = list((sheet_schema(schema, VOCABULARY) if isinstance(schema, str) else schema)["properties"])
    return pd.DataFrame([{**dict.fromkeys(columns, ""), **row} for row in rows], columns=columns)


SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")


def copy_inputs(target: Path) -> Path:
    """The embedded review's config and inputs, copied so a test may change them; the
    in-process runner (reviewflow.pipeline) reads them from there."""
    for name in ("config", "resources"):
        shutil.copytree(ROOT / name, target / name)
    return target


def snakemake(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SNAKEMAKE, "--cores", "2", *args], cwd=project, capture_output=True, text=True, env=env)


def copy_built(built: Path, target: Path) -> Path:
    """A copy of a run project with its results and Snakemake's records, times kept."""
    shutil.copytree(built, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def as_seen_in(project: Path, text: str) -> str:
    """Messages as a person in the project folder reads them: its own paths relative (the
    tests name the project's files by absolute path instead of changing directory)."""
    return text.replace(f"{project}/", "")


def reviewflow_lines(project: Path, text: str) -> list[str]:
    """The 'reviewflow: ' lines of a command's error output, as seen in the project folder."""
    return [line for line in as_seen_in(project, text).splitlines() if line.startswith("reviewflow: ")]


RELEVANT = "exercise programme for chronic low back pain randomised trial of physiotherapy"
OTHER = [
    "gene expression in mouse liver cells",
    "economic evaluation of road traffic policy",
    "imaging of distant galaxies with radio telescopes",
    "soil bacteria and crop yield in dry regions",
]


def planted(count: int = 60, every: int = 6) -> tuple[list[str], np.ndarray]:
    """Texts where every `every`-th record (the first among them) is about one topic: the
    includes a screening model should find first."""
    docs, labels = [], []
    for i in range(count):
        if i % every == 0:
            docs.append(f"{RELEVANT} cohort {i}")
            labels.append(1)
        else:
            docs.append(f"{OTHER[i % len(OTHER)]} sample {i}")
            labels.append(0)
    return docs, np.array(labels)
