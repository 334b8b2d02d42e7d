"""End to end, a review in progress: what a person typed in a worksheet survives a rerun
after an edit of the sheet, and a run that would fail."""

import csv

import openpyxl
import pytest
from helpers import copy_built, snakemake

from reviewflow.cli import main

REVIEW = "resources/ipmp"
RESULTS = "results/ipmp"
FLOW = (f"{RESULTS}/prisma/prisma.json", f"{RESULTS}/screening/to_screen_title_abstract.xlsx")


@pytest.fixture
def project(built, tmp_path):
    return copy_built(built, tmp_path / "project")


def _status(project) -> dict[str, str]:
    with open(project / RESULTS / "screening" / "status.csv", newline="", encoding="utf-8") as handle:
        return {row["citation_id"]: row["status"] for row in csv.DictReader(handle)}


def test_typed_decisions_survive_a_sheet_edit_a_failing_sheet_and_reruns(project):
    sheet = project / REVIEW / "screening.csv"
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    excluded = [n for n, line in enumerate(lines) if ",title_abstract,exclude," in line][:2]
    kept = [line for n, line in enumerate(lines) if n not in excluded]
    sheet.write_text("".join(kept), encoding="utf-8")  # two citations not screened yet
    assert snakemake(project, *FLOW).returncode == 0
    worksheet = project / RESULTS / "screening" / "to_screen_title_abstract.xlsx"
    workbook = openpyxl.load_workbook(worksheet)
    table = workbook["to screen"]
    assert table.max_row == 3
    citations = [table["A2"].value, table["A3"].value]
    table["C2"], table["C3"], table["E2"] = "exclude", "include", "JS"
    workbook.save(worksheet)
    typed = worksheet.read_bytes()

    sheet.write_text("".join(kept).replace("included in CER 251", "included in CER 251 (checked)", 1))
    edited = snakemake(project)
    assert edited.returncode != 0
    said = [line for line in edited.stderr.splitlines() if line.startswith("reviewflow: ")]
    assert said == [
        f"reviewflow: {RESULTS}/screening/to_screen_title_abstract.xlsx: holds 2 typed rows not yet in "
        f"{REVIEW}/screening.csv (rows 2, 3); the run would overwrite them, so it stops here: add them with "
        f"`reviewflow screening add {RESULTS}/screening/to_screen_title_abstract.xlsx --to {REVIEW}/screening.csv` "
        "(a row without a decision is not added: give it one, or clear it), or delete the worksheet to discard them"
    ]
    assert worksheet.read_bytes() == typed

    # A sheet whose next run would fail in the screening job (Snakemake deletes a failed
    # job's outputs): the run stops before it, and the worksheet is still there.
    with open(sheet, "a", encoding="utf-8") as handle:
        handle.write("C0000000000000000,title_abstract,exclude,,,,,,\n")
    assert snakemake(project).returncode != 0
    assert worksheet.read_bytes() == typed

    sheet.write_text("".join(kept), encoding="utf-8")
    workdir_sheet = str(project / REVIEW / "screening.csv")
    assert main(["screening", "add", str(worksheet), "--to", workdir_sheet]) == 0
    assert snakemake(project, *FLOW).returncode == 0
    status = _status(project)
    assert [status[c] for c in citations] == ["excluded at title/abstract", "awaiting full-text screening"]
    assert openpyxl.load_workbook(worksheet)["to screen"].max_row == 1


def test_a_full_text_include_without_a_study_gives_a_report_that_says_it_awaits_linking(project):
    from pypdf import PdfReader

    sheet = project / REVIEW / "screening.csv"
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    flipped = next(r for r in rows if r["stage"] == "full_text" and r["decision"] == "exclude")
    flipped.update(decision="include", reason="")
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    done = snakemake(project)
    assert done.returncode == 0, done.stderr[-3000:]
    awaiting = list(csv.DictReader((project / RESULTS / "studies" / "awaiting.csv").open(encoding="utf-8")))
    assert [(r["kind"], r["state"]) for r in awaiting] == [("citation", "awaiting linking to a study")]
    citation = awaiting[0]["id"]
    table = openpyxl.load_workbook(project / RESULTS / "studies" / "to_link.xlsx")["to link"]
    assert [table.cell(row=r, column=1).value for r in range(2, table.max_row + 1)] == [citation]
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(project / RESULTS / "report.pdf").pages
    )
    assert "1 included citation awaits linking to a study and 0 studies await extraction" in text
    assert f"Included at full text, awaiting linking to a study (not yet in any table): {citation}" in text


def test_a_malformed_export_is_refused_by_search_add_and_ends_make_report_with_its_line(tmp_path):
    """A fresh copy: `search add` reads a malformed export and refuses it in one line, copying
    nothing; the same record placed by hand in a declared export makes `make report` end
    with the line naming it, and what to do."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from helpers import ROOT, copy_project

    (tmp_path / "fresh").mkdir()
    project = copy_project(tmp_path / "fresh")
    shutil.copy(ROOT / "Makefile", project / "Makefile")
    bin_dir = Path(sys.executable).parent
    config = (project / "config" / "ipmp.yaml").read_bytes()
    broken = tmp_path / "new.ris"
    broken.write_text(
        "TY  - JOUR\nTI  - A trial\nPY  - 2022\nER  - \n\nTY  - JOUR\nTI  - Cut off\nPY  - 2022\n"
    )  # the second record has no end-of-record line: the file was cut short
    add = [str(bin_dir / "reviewflow"), "search", "add", "config/ipmp.yaml", "--batch", "2022-01-01"]
    done = subprocess.run([*add, "--date", "2022-01-01", str(broken)], cwd=project, capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"reviewflow: {broken}, record 2 (line ")
    assert not (project / REVIEW / "searches" / "2022-01-01").exists()
    assert (project / "config" / "ipmp.yaml").read_bytes() == config

    export = project / REVIEW / "searches" / "2020-09-23" / "cinahl.ris"
    export.write_bytes(export.read_bytes() + b"TY  - JOUR\r\nTI  - Cut off\r\nPY  - 2020\r\n")
    made = subprocess.run(["make", "report", f"BIN={bin_dir}", "STAMP="], cwd=project, capture_output=True, text=True)
    assert made.returncode != 0
    closing = [line for line in made.stderr.splitlines() if not line.startswith("make")]
    assert closing[-2].startswith(f"reviewflow: {REVIEW}/searches/2020-09-23/cinahl.ris, record 38 (line ")
    assert closing[-2].endswith("): record has no end-of-record (ER) line; the file may be truncated")
    assert closing[-1].startswith("what to do: fix each file and place named above")
