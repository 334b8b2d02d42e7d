"""What people typed into the worksheets a run writes and have not yet added to a sheet.

The worksheets under results/ (what is left to screen, disagreements, the dedup
review queue, the risk-of-bias template) are outputs: a run writes them anew, and
Snakemake deletes a failed job's outputs. Typed values live there only until a
command (`screening add`, `screening resolve`, `dedup-add`, `rob add`) puts them
into the review's own sheets. So before any job runs, the run looks at each
worksheet and stops, naming the worksheet, how many typed rows are not in the
sheet yet and the command that adds them, if there are any. The run never writes
the sheets itself: they are the review's inputs, and a run that edited its own
inputs could not promise the same bytes from the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ReviewflowError
from .layout import STAGES, Layout


@dataclass(frozen=True)
class Pending:
    """Typed rows of one worksheet not yet in its sheet."""

    worksheet: str
    rows: list[int]  # spreadsheet row numbers (the header is row 1)
    sheet: str
    command: str

    def error(self) -> ReviewflowError:
        shown = ", ".join(map(str, self.rows[:5])) + (", ..." if len(self.rows) > 5 else "")
        count, plural = len(self.rows), "s" if len(self.rows) != 1 else ""
        return ReviewflowError(
            f"holds {count} typed row{plural} not yet in {self.sheet} (row{plural} {shown}); the run would "
            f"overwrite {'them' if plural else 'it'}, so it stops here: add them with `{self.command}` (a row "
            "without a decision is not added: give it one, or clear it), or delete the worksheet to discard them",
            file=self.worksheet,
        )


def _numbered(path: str, name: str | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and (row number, cells) of a worksheet's first (or named) sheet, blank rows left out."""
    from .sheets import cell_text
    from .xlsx import open_workbook

    workbook = open_workbook(path)
    try:
        if name is not None and name not in workbook.sheetnames:
            return [], []
        sheet = workbook[name] if name is not None else workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        return [], []
    header = [cell_text(c).strip() for c in rows[0]]
    body = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: cell_text(v).strip() for h, v in zip(header, values)}
        if any(cells.values()):
            body.append((number, cells))
    return header, body


def _typed(cells: dict, columns) -> bool:
    return any(cells.get(c, "") for c in columns)


def _resolver(layout: Layout):
    """Maps any key of a citation to its id with the last run's citations (or keeps it)."""
    citations = Path(layout.result("dedup/citations.csv"))
    if not citations.is_file():
        return lambda key: key
    from .screening import citation_resolver
    from .tables import CITATION_COLUMNS, read_csv

    resolve = citation_resolver(read_csv(citations, CITATION_COLUMNS))

    def safe(key: str) -> str:
        try:
            return resolve(key) or key
        except ReviewflowError:
            return key

    return safe


def _csv_rows(path: str | None) -> list[dict]:
    import csv

    if not path or not Path(path).is_file():
        return []
    text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(text.splitlines())]


def _screening(layout: Layout) -> list[Pending]:

    sheet = layout.sheet_file("screening", "decisions")
    found = []
    worksheets = [(layout.result(f"screening/to_screen_{s}.xlsx"), "add") for s in STAGES]
    worksheets.append((layout.result("screening/disagreements.xlsx"), "resolve"))
    resolve = None
    decided: set[tuple[str, str]] = set()
    for path, verb in worksheets:
        if not Path(path).is_file():
            continue
        header, body = _numbered(path)
        votes = [c for c in header if c.startswith("vote_")]
        typed_columns = ["decision", "reason", "reviewer", "date", *votes] + (["note"] if verb == "add" else [])
        typed = [(n, cells) for n, cells in body if _typed(cells, typed_columns)]
        if not typed:
            continue
        if resolve is None:
            resolve = _resolver(layout)
            for row in _csv_rows(sheet):
                if row.get("decision") or any(v for k, v in row.items() if k.startswith("vote_")):
                    decided.add((resolve(row.get("citation", "")), row.get("stage", "")))
        done = _final(sheet, resolve) if verb == "resolve" else decided
        waiting = [n for n, c in typed if (resolve(c.get("citation", "")), c.get("stage", "")) not in done]
        if waiting:
            found.append(Pending(path, waiting, sheet, f"reviewflow screening {verb} {path} --to {sheet}"))
    return found


def _final(sheet: str, resolve) -> set[tuple[str, str]]:
    """(citation, stage) of the sheet's rows whose `decision` is filled in."""
    return {(resolve(r.get("citation", "")), r.get("stage", "")) for r in _csv_rows(sheet) if r.get("decision")}


def _dedup(layout: Layout) -> list[Pending]:

    path = layout.result("dedup/review_queue.xlsx")
    if not Path(path).is_file():
        return []
    header, body = _numbered(path)
    typed = [(n, c) for n, c in body if c.get("decision", "")]
    if not typed:
        return []
    sheet = layout.sheet_file("dedup", "decisions")
    known = {frozenset((r.get("record_a", ""), r.get("record_b", ""))) for r in _csv_rows(sheet)}
    waiting = [n for n, c in typed if frozenset((c.get("record_a", ""), c.get("record_b", ""))) not in known]
    return [Pending(path, waiting, sheet, f"reviewflow dedup-add {path} --to {sheet}")] if waiting else []


def _rob(layout: Layout) -> list[Pending]:

    path = layout.result("rob/assessment_template.xlsx")
    if not Path(path).is_file():
        return []
    header, body = _numbered(path)
    typed = [(n, c) for n, c in body if _typed(c, [h for h in header if h != "study_id"])]
    if not typed:
        return []
    sheet = layout.sheet_file("rob", "assessments")
    known = {(r.get("study_id", ""), r.get("outcome", "")) for r in _csv_rows(sheet)}
    waiting = [n for n, c in typed if (c.get("study_id", ""), c.get("outcome", "")) not in known]
    tool = layout.config["rob"]["tool"]
    command = f"reviewflow rob add {path} --to {sheet} --tool {tool}"
    return [Pending(path, waiting, sheet, command)] if waiting else []


def _linking(layout: Layout, config_file: str) -> list[Pending]:
    from .studies.worksheets import LINK_TYPED

    path = layout.result("studies/to_link.xlsx")
    if not Path(path).is_file():
        return []
    _, body = _numbered(path)
    typed = [(n, c) for n, c in body if _typed(c, LINK_TYPED)]
    if not typed:
        return []
    resolve = _resolver(layout)
    sheet = layout.sheet_file("studies", "publications")
    linked = {resolve(r.get("citation", "")) for r in _csv_rows(sheet)}
    waiting = [n for n, c in typed if resolve(c.get("citation", "")) not in linked]
    command = f"reviewflow studies add {config_file} {path}"
    return [Pending(path, waiting, sheet, command)] if waiting else []


def _extraction(layout: Layout, config_file: str) -> list[Pending]:
    path = layout.result("studies/to_extract.xlsx")
    if not Path(path).is_file():
        return []
    sheet = layout.sheet_file("studies", "arms")
    extracted = None
    waiting = []
    for name, prefilled in (("arms", {"study_id", "arm"}), ("outcomes", {"study_id"})):
        header, body = _numbered(path, name)
        typed = [(n, c) for n, c in body if _typed(c, [h for h in header if h not in prefilled])]
        if typed and extracted is None:
            extracted = {r.get("study_id", "") for r in _csv_rows(sheet)}
        waiting += [n for n, c in typed if c.get("study_id", "") not in (extracted or set())]
    command = f"reviewflow extraction add {config_file} {path}"
    return [Pending(path, sorted(set(waiting)), sheet, command)] if waiting else []


def pending_work(config: dict, config_file: str | None = None) -> list[Pending]:
    """Every worksheet of the last run holding typed rows its sheet does not have yet."""
    layout, config_file = Layout(config), config_file or f"config/{config['review']['id']}.yaml"
    studies = [*_linking(layout, config_file), *_extraction(layout, config_file)]
    return [*_dedup(layout), *_screening(layout), *studies, *_rob(layout)]


def check_pending(config: dict, config_file: str | None = None) -> None:
    """Stop before any job when a worksheet holds typed rows not yet added (see module doc)."""
    found = pending_work(config, config_file)
    if found:
        raise found[0].error()
