"""The bad-input catalogue (tests/bad_inputs/*.yaml): each case breaks one imported or
hand-edited file of a copy of the embedded review; the run must stop with one line
naming the file and the place, and no report. Every case runs in this process
(reviewflow.pipeline: the workflow's checks and steps); one case per stage also runs
through Snakemake, for the exit code and the single 'reviewflow: ' line on stderr.

A case with `command` runs that `reviewflow` command instead of the review: it must exit
non-zero with exactly one 'reviewflow: ' line and no traceback, leave every file of the
project as it was (a refused append writes nothing), write no output, and never echo
what `absent` lists (a file's contents)."""

import copy
import hashlib
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from helpers import BAD_INPUTS, copy_inputs

from reviewflow.cli import main as reviewflow
from reviewflow.errors import ReviewflowError
from reviewflow.layout import Layout
from reviewflow.pipeline import load_config, run_review

CASES = sorted(BAD_INPUTS.glob("*.yaml"))


def _merge(target, patch):
    for key, value in patch.items():
        if isinstance(target, list) and key == len(target):
            target.append(value)
        elif isinstance(value, dict) and isinstance(
            target[key] if isinstance(target, list) else target.get(key), (dict, list)
        ):
            _merge(target[key], value)
        else:
            target[key] = value


def _generated(kind: str, project: Path) -> bytes:
    if kind == "binary":
        return bytes(range(256)) * 8
    if kind == "empty":
        return b""
    if kind == "zip_bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
        return buffer.getvalue()
    if kind == "latin1_rob":
        text = (project / "resources/ipmp/rob.csv").read_text(encoding="utf-8")
        return text.replace("Study Quality column", "Qualit\u00e9 de l'\u00e9tude").encode("cp1252")
    if kind == "latin1_tool":
        return "name: Qualit\u00e9 de l'\u00e9tude\ndomains: []\n".encode("cp1252")
    if kind == "latin1_library":
        return "record_id,title\nR1,Caf\u00e9 and pain\n".encode("cp1252")
    if kind in ("xlsx_formula", "xlsx_merged"):
        lines = (project / "resources/ipmp/screening.csv").read_text(encoding="utf-8").splitlines()
        workbook = openpyxl.Workbook()
        for line in lines:
            workbook.active.append(next(iter(__import__("csv").reader([line]))))
        if kind == "xlsx_formula":
            workbook.active["C2"] = "=1+1"
        else:
            workbook.active.merge_cells("B2:B3")
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(kind)


def apply(case: dict, project: Path) -> None:
    for path, text in case.get("append", {}).items():
        with open(project / path, "a", encoding="utf-8", newline="") as handle:
            handle.write(text)
    for path, old, new in case.get("replace", []):
        content = (project / path).read_text(encoding="utf-8")
        assert old in content, f"the case's text to replace is not in {path}"
        (project / path).write_text(content.replace(old, new, 1), encoding="utf-8")
    for path, text in case.get("write", {}).items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    for path, kind in case.get("generate", {}).items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_bytes(_generated(kind, project))
    for path, rows in case.get("workbooks", {}).items():  # a filled worksheet: header, then rows
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        workbook = openpyxl.Workbook()
        sheets = rows if isinstance(rows, dict) else {workbook.active.title: rows}  # or {sheet name: rows}
        workbook.active.title = next(iter(sheets))
        for name, sheet_rows in sheets.items():
            sheet = workbook[name] if name in workbook.sheetnames else workbook.create_sheet(name)
            for row in sheet_rows:
                sheet.append(row)
        workbook.save(project / path)
    if "config" in case:
        config_path = project / "config" / "ipmp.yaml"
        config = yaml.safe_load(config_path.read_text())
        patched = copy.deepcopy(config)
        _merge(patched, case["config"])
        config_path.write_text(yaml.safe_dump(patched, sort_keys=False))


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 80


def _case(case_file: Path, project: Path) -> dict:
    case = yaml.safe_load(case_file.read_text())
    apply(case, project)
    return case


def _no_report(project: Path) -> None:
    results = project / "results" / "ipmp"
    for output in ("report.pdf", "report.html", "evidence_tables.xlsx", "MANIFEST.sha256"):
        assert not (results / output).exists()


def _files(project: Path) -> dict[str, str]:
    return {
        str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


def _refused_command(project: Path, case: dict, capsys) -> None:
    before = _files(project)
    # paths as given from the project folder, without changing directory
    code = reviewflow([str(project / part) if "/" in str(part) else str(part) for part in case["command"]])
    captured = capsys.readouterr()
    err = captured.err.replace(f"{project}/", "")  # paths as seen from the project folder
    messages = [line for line in err.splitlines() if line.startswith("reviewflow: ")]
    assert code != 0, f"{case['description']}: the command did not fail"
    assert "Traceback" not in err
    assert len(messages) == 1, captured.err[-2000:]
    assert case["expect"] in messages[0], messages[0]
    for text in case.get("absent", []):
        assert text not in err + captured.out
    assert _files(project) == before  # nothing written, nothing changed


@pytest.fixture(scope="module")
def built_until_synthesis(tmp_path_factory) -> Path:
    """The embedded review run once, in this process, through synthesis: a late-stage case
    starts from a copy of these results instead of running every stage before its own."""
    project = copy_inputs(tmp_path_factory.mktemp("built"))
    run_review(project / "config/ipmp.yaml", until="synthesis")
    return project


# The stages after screening: a case whose
# first reader is one of them starts from the built results.
LATE = ("studies", "prisma", "rob", "synthesis", "accuracy", "changes")


def _first_reader(project: Path, case: dict) -> str | None:
    """The first job, in run order, that reads a file the case changes (None: the config
    changed, or a file no job reads, so the whole run)."""
    if "config" in case:
        return None
    touched = {
        (project / path).resolve() for key in ("append", "write", "generate", "workbooks") for path in case.get(key, {})
    }
    touched |= {(project / path).resolve() for path, *_ in case.get("replace", [])}
    for job in Layout(load_config(project / "config/ipmp.yaml")).jobs():
        files = [f for value in job.inputs.values() for f in (value if isinstance(value, list) else [value])]
        if touched & {Path(f).resolve() for f in files}:
            return job.rule
    return None


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_bad_input(tmp_path, capsys, case_file, request):
    """Every case, run in this process by the same checks and step functions as the workflow;
    a case about a late stage from a copy of the results built before it."""
    case = yaml.safe_load(case_file.read_text())
    project, since = copy_inputs(tmp_path), None
    first = None if "command" in case else _first_reader(project, case)
    if first in LATE:
        since = first
        shutil.rmtree(project)
        shutil.copytree(request.getfixturevalue("built_until_synthesis"), project, symlinks=True)
    apply(case, project)
    if "command" in case:
        _refused_command(project, case, capsys)
        return
    with pytest.raises(ReviewflowError) as caught:
        run_review(project / "config/ipmp.yaml", since=since)
    message = str(caught.value).replace(f"{project}/", "")  # as seen from the project folder
    assert "\n" not in message
    assert case["expect"] in message, message
    _no_report(project)


# One case per stage, through Snakemake itself: exit code, exactly one 'reviewflow:' line, no report.
THROUGH_SNAKEMAKE = [
    "12_unknown_config_key",
    "01_truncated_ris",
    "44_dedup_decision_unknown_record",
    "18_unknown_citation",
    "30_two_primary_publications",
    "32_unknown_judgement",
]
