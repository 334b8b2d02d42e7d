"""Every problem a run would meet, found before it starts, all at once.

`reviewflow check-config` (and so `make report`, which calls it first) runs the same
step functions a run does, from ingest up to the report's context, in a temporary
folder on copies of the review's sheets. Each step stops at its first bad row, as it
must; here that row is noted, taken out of the copy, and the step run again, until it
passes. So the list holds every bad row of every sheet a step checks (unknown citation
ids, exclusion reasons, dangling study ids, missing arms, numbers that disagree...),
each with the file, row and column a run would name, and nothing of the review
itself is written. A problem that names no row (a malformed export, a broken tool
file) ends its step's list, and the steps that need its output are not run.

No validation library checks rows across a review's several sheets with its own
rules, so the loop is written here; the checks themselves are the steps' own.
"""

from __future__ import annotations

import csv
import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReviewflowError
from .layout import SHEETS, Layout
from .places import Config, in_project, resources_folder

LIMIT = 200  # problems listed per step before it gives up: beyond that, the sheet is not the review's
# Rendering and bookkeeping: they read no sheet a person edits, and the PDF alone takes longer than the rest.
SKIPPED = {"provenance", "report_context", "report_html", "report_pdf", "report_workbook"}


@dataclass
class SheetCopy:
    """A sheet as the steps read it, copied as CSV, with the row number each row had."""

    original: str
    copy: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines = list(range(2, len(self.rows) + 2))
        self.write()

    def write(self) -> None:
        with self.copy.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(self.header)
            writer.writerows(self.rows)

    def original_row(self, row: int) -> int:
        return self.lines[row - 2] if 2 <= row < len(self.lines) + 2 else row

    def translate(self, error: ReviewflowError) -> ReviewflowError:
        """The error as a run on the original sheet names it."""
        message = re.sub(r"\brow (\d+)", lambda m: f"row {self.original_row(int(m.group(1)))}", error.message)
        row = self.original_row(error.row) if isinstance(error.row, int) else error.row
        return ReviewflowError(message, file=self.original, row=row, column=error.column)

    def drop(self, row: int) -> None:
        del self.rows[row - 2], self.lines[row - 2]
        self.write()


def every_problem(config: dict, config_file: str) -> list[ReviewflowError]:
    """Every problem the run of this (valid) config would meet in its inputs, in file order."""
    from .pipeline import run_job
    from .sheets import read_rows

    layout = Layout(config)
    source = Path(resources_folder(config)).resolve()  # the config's own spelling is put back in messages
    problems: list[ReviewflowError] = []
    with tempfile.TemporaryDirectory(prefix="reviewflow-check-") as folder:
        inputs = Path(folder) / "inputs"
        inputs.mkdir()
        for entry in source.iterdir():  # exports, strategies, the team's report sections, versions
            (inputs / entry.name).symlink_to(entry)
        copies: dict[str, SheetCopy] = {}
        trial = Config({**config, "resources": str(inputs)}).placed(Path(folder))  # results under folder
        for (section, key), schema in SHEETS.items():
            path = layout.sheet(section, key)
            if path is None or not Path(path).is_file():
                continue
            name = f"{schema}.csv"
            (inputs / Path(path).name).unlink(missing_ok=True)
            (inputs / name).unlink(missing_ok=True)
            try:
                header, rows = read_rows(path)
            except ReviewflowError as error:
                problems.append(error.located(file=path))
                continue
            copies[str(inputs / name)] = SheetCopy(path, inputs / name, header, rows)
            trial[section] = {**trial.get(section, {}), key: name}
        tool = Path(in_project(config, config["rob"]["tool"]))
        if tool.is_file():
            trial["rob"] = {**trial["rob"], "tool": str(tool.resolve())}
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.WARNING)  # the steps' progress lines are not problems
        try:
            for job in Layout(trial).jobs():
                if job.rule in SKIPPED:
                    continue
                found, finished = _until_it_passes(lambda job=job: run_job(job), copies)
                problems += found
                if not finished:
                    break
        finally:
            logging.getLogger().setLevel(quiet)
    names = {str(path): copy.original for path, copy in copies.items()}
    names[str(inputs)] = config["resources"]
    return _in_file_order(_unique([_restored(p, names) for p in problems]), config_file, layout)


def _until_it_passes(run, copies: dict[str, SheetCopy]):
    """(problems, whether the step passed in the end): each bad row noted and dropped."""
    problems = []
    while len(problems) < LIMIT:
        try:
            run()
            return problems, True
        except ReviewflowError as error:
            copy = copies.get(str(error.file)) if error.file else None
            if copy is None or not isinstance(error.row, int) or error.row < 2 or error.row > len(copy.rows) + 1:
                problems.append(copy.translate(error) if copy else error)
                return problems, False
            problems.append(copy.translate(error))
            copy.drop(error.row)
    return problems, False


def _restored(error: ReviewflowError, names: dict[str, str]) -> ReviewflowError:
    """The error with the temporary folder's paths (in its file and its text) put back as
    the review's own: the copy of a sheet becomes the sheet, the inputs folder the
    review's resources folder."""

    def back(text: str) -> str:
        for temporary in sorted(names, key=len, reverse=True):
            text = text.replace(temporary, names[temporary])
        return text

    file = back(str(error.file)) if error.file else None
    return ReviewflowError(back(error.message), file=file, row=error.row, column=error.column)


def _unique(problems: list[ReviewflowError]) -> list[ReviewflowError]:
    seen, out = set(), []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return out


def _in_file_order(problems: list[ReviewflowError], config_file: str, layout: Layout) -> list[ReviewflowError]:
    """The config first, then the sheets in the order the stages read them, rows ascending."""
    files = [config_file, *(p for s, k in SHEETS if (p := layout.sheet(s, k)))]

    def key(problem: ReviewflowError):
        rank = files.index(str(problem.file)) if str(problem.file) in files else len(files)
        return rank, isinstance(problem.row, int) and problem.row or 0

    return sorted(problems, key=key)


def review_problems(config: dict, config_file: str) -> list[ReviewflowError]:
    """Every problem `reviewflow check-config` can find before a run, all at once: the
    config, the search batches on disk, every bad row a run's steps would meet in the
    sheets (reviewflow.problems), and worksheets holding typed rows not yet added."""
    from .checks import check_searches, check_sheets
    from .pending import pending_work
    from .schemas import config_problems

    problems = config_problems(config, config_file)
    if problems:
        return problems
    for check in (check_searches, check_sheets):
        try:
            check(config, config_file)
        except ReviewflowError as error:
            problems.append(error)
    if not problems:
        problems += every_problem(config, config_file)
    return problems + [found.error() for found in pending_work(config, config_file)]
