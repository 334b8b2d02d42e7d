"""Reading the sheets people edit (CSV or XLSX) and checking them against their schema.

People type these by hand, so we forgive what carries no meaning (surrounding
spaces, the case of a choice) and stop at anything else with a message naming
file, row and column. Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .errors import ReviewflowError
from .schemas import load_schema

# The sheets people keep in the resources folder: config key -> the schema they follow.
SHEETS = {
    ("dedup", "decisions"): "dedup_decisions",
    ("screening", "decisions"): "screening",
    ("studies", "registry"): "studies",
    ("studies", "publications"): "publications",
    ("studies", "arms"): "arms",
    ("studies", "outcomes"): "outcomes",
    ("studies", "kq_overrides"): "kq_overrides",
    ("studies", "accuracy"): "accuracy",  # a diagnostic review's 2x2 tables, read by the accuracy job
    ("rob", "assessments"): "rob",
    ("rob", "soe"): "soe",
    ("rob", "accuracy_certainty"): "accuracy_certainty",  # a diagnostic review's certainty per test
}


def default_sheet(section: str, key: str) -> str:
    """The file name a sheet has when the config names none: `<schema>.csv`."""
    return f"{SHEETS[(section, key)]}.csv"


def read_rows(path: str | Path, sheet: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV or of one sheet of an XLSX (the first unless named), every
    cell as text."""
    path = Path(path)
    if not path.exists():
        raise ReviewflowError("file not found", file=str(path))
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, sheet)
    return _read_csv(path)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read with the csv module, row by row, so that a row with more fields than the header
    (two rows glued by a missing line end) is an error instead of shifted columns."""
    import csv
    import io

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReviewflowError(f"is not UTF-8 text ({error.reason} at byte {error.start})", file=str(path)) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ReviewflowError(f"is not valid CSV: {error}", file=str(path)) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ReviewflowError("is empty; expected a header row", file=str(path))
    header = [cell.strip() for cell in rows[0]]
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines, e.g. empty rows a spreadsheet leaves at the end
        if len(row) > len(header):
            raise ReviewflowError(
                f"has {len(row)} fields but the header has {len(header)}; a line end may be missing "
                "(two rows glued together) or a value needs quotes",
                file=str(path),
                row=number,
            )
        body.append(row + [""] * (len(header) - len(row)))
    return header, body


def _read_xlsx(path: Path, name: str | None = None) -> tuple[list[str], list[list[str]]]:
    from .xlsx import open_workbook

    try:
        workbook = open_workbook(path)
    except ReviewflowError as error:
        raise error.located(file=str(path)) from None
    if name is not None and name not in workbook.sheetnames:
        workbook.close()
        raise ReviewflowError(f"has no sheet '{name}'; its sheets: {', '.join(workbook.sheetnames)}", file=str(path))
    sheet = workbook[name] if name is not None else workbook.worksheets[0]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for index, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":  # a formula, not text that starts with '='
                column = rows[0][index] if rows and index < len(rows[0]) else None
                raise ReviewflowError(
                    "holds a formula; enter the value itself", file=str(path), row=number, column=column
                )
            values.append(cell_text(cell.value))
        rows.append(values)
    workbook.close()
    if not rows:
        raise ReviewflowError("is empty; expected a header row", file=str(path))
    header = [c.strip() for c in rows[0]]
    body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if any(c.strip() for c in r)]
    return header, [r[: len(header)] for r in body]


def cell_text(value) -> str:
    """A cell as text; a date typed in a spreadsheet reads as YYYY-MM-DD."""
    import datetime

    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def empty_sheet(schema: str | dict) -> pd.DataFrame:
    """A sheet the review does not have yet: its columns, no rows."""
    schema = load_schema(schema) if isinstance(schema, str) else schema
    return pd.DataFrame(columns=list(schema["properties"]), dtype=str)


def read_optional(path: str | Path | None, schema: str | dict) -> pd.DataFrame:
    """A sheet, or, when the review has none yet, an empty one: nothing decided so far."""
    return read_sheet(path, schema) if path else empty_sheet(schema)


def read_sheet(path: str | Path, schema_name: str | dict, keep=None) -> pd.DataFrame:
    """The sheet as a frame of stripped strings, each row valid against the schema.

    Columns come out in the schema's order; optional columns absent from the
    file come out empty, so callers never test for a column's presence.
    """
    header, rows = read_rows(path)
    return check_rows(header, rows, schema_name, str(path), keep)


def check_rows(header: list[str], rows: list[list[str]], schema_name: str | dict, file: str, keep=None) -> pd.DataFrame:
    """Rows read from `file` (one sheet of it) as read_sheet returns them: checked against
    the schema, with the spreadsheet's row numbers (header row 1) in every error."""
    schema = load_schema(schema_name) if isinstance(schema_name, str) else schema_name
    properties: dict = schema["properties"]
    patterns: dict = schema.get("x-pattern-columns", {})
    required = schema.get("required", [])

    specs = {}
    for column in header:
        spec = properties.get(column) or next((p for rx, p in patterns.items() if re.fullmatch(rx, column)), None)
        if spec is None:
            allowed = ", ".join([*properties, *(f"columns matching {rx}" for rx in patterns)])
            raise ReviewflowError(f"unknown column '{column}'; allowed columns: {allowed}", file=file, row=1)
        specs[column] = spec
    if len(set(header)) != len(header):
        twice = sorted({c for c in header if header.count(c) > 1})
        raise ReviewflowError(f"column '{twice[0]}' appears twice", file=file, row=1)
    for column in required:
        if column not in header:
            raise ReviewflowError(f"required column '{column}' is missing", file=file, row=1)

    extra = [c for c in header if c not in properties]  # pattern columns, in the file's order
    columns = [*properties, *extra]
    records = []
    for offset, values in enumerate(rows):
        row_number = offset + 2
        if keep is not None and not keep(dict(zip(header, values))):
            continue  # a row the caller leaves out, e.g. a worksheet row nobody filled in
        record = {column: "" for column in columns}
        for column, value in zip(header, values):
            value = " ".join(str(value).split()) if column not in _multiline(schema) else str(value).strip()
            record[column] = check_cell(value, specs[column], column in required, file, row_number, column)
        records.append(record)
    frame = pd.DataFrame(records, columns=columns, dtype=str)
    _check_unique(frame, schema, file)
    return frame


def _multiline(schema: dict) -> set[str]:
    return set(schema.get("x-multiline", []))


def check_cell(value: str, spec: dict, required: bool, file: str, row: int, column: str) -> str:
    def fail(problem: str) -> ReviewflowError:
        return ReviewflowError(problem, file=file, row=row, column=column)

    if value == "":
        if required:
            raise fail("is empty but required" + (f"; {spec['description']}" if "description" in spec else ""))
        return ""
    if "enum" in spec:
        by_folded = {str(choice).casefold(): str(choice) for choice in spec["enum"]}
        if value.casefold() not in by_folded:
            allowed = ", ".join(str(c) for c in spec["enum"])
            raise fail(f"'{value}' is not allowed; allowed: {allowed}")
        return by_folded[value.casefold()]
    if "pattern" in spec:
        if not re.fullmatch(spec["pattern"], value):
            raise fail(f"'{value}' is not valid; expected {spec.get('description', spec['pattern'])}")
    return value


def _check_unique(frame: pd.DataFrame, schema: dict, file: str) -> None:
    key = schema.get("x-unique")
    if not key:
        return
    seen: dict[tuple, int] = {}
    for offset, values in enumerate(frame[key].itertuples(index=False, name=None)):
        if values in seen:
            shown = ", ".join(f"{k}={v}" for k, v in zip(key, values))
            raise ReviewflowError(
                f"duplicate entry ({shown}); first given in row {seen[values]}",
                file=file,
                row=offset + 2,
                column=key[0],
            )
        seen[values] = offset + 2


def sheet_target(path: str | Path, what: str = "decisions") -> Path:
    """The CSV sheet a command appends to (--to): never a workbook or a folder."""
    target = Path(path)
    if target.suffix.lower() != ".csv" or target.is_dir():
        raise ReviewflowError(f"--to must name the {what} CSV sheet", file=str(target))
    return target


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename, so an
    interrupted write never leaves a half sheet behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def append_rows(path: str | Path, header: list[str], rows: list[dict]) -> None:
    """Append rows to a CSV sheet (creating it with `header` if absent), rewriting the file
    whole: a last line without its newline is never glued to the new rows, and a failure
    leaves the sheet as it was."""
    import csv

    path = Path(path)
    existing = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if existing.strip():
        header = next(csv.reader([existing.splitlines()[0]]))
        if not existing.endswith(("\n", "\r")):
            existing += "\n"
    else:
        existing = csv_text(header, [])
    body = csv_text(header, [[row.get(c, "") for c in header] for row in rows]).split("\n", 1)[1]
    atomic_write_text(path, existing + body)
