"""Deterministic, formula-safe XLSX writing with openpyxl.

openpyxl stamps the save time into docProps/core.xml and into every zip
entry, so the same workbook saved twice differs. We save to memory and
rewrite the archive with a fixed timestamp (the review's search date), so
the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# A cell a spreadsheet would run as a formula starts with one of these (OWASP, CSV injection);
# the CSV export (export.py) guards its cells with the same list.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell whose whole text is a number is written as one, so a spreadsheet sums and sorts it
# (scores, years, N, estimates); identifiers stay text, whatever they look like.
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
IDENTIFIERS = frozenset(
    ("study_id", "analysis_id", "comparison_id", "citation_id", "citation", "record", "record_id", "pmid", "pmcid")
    + ("doi", "issn", "arm", "stage", "id")
)


def as_number(value, column: str = ""):
    """The value as an int or float when its whole text is a number and the column holds no
    identifier (a side-by-side column's suffix _a/_b aside); else as it is."""
    base = column[:-2] if column.endswith(("_a", "_b")) else column
    if isinstance(value, str) and base not in IDENTIFIERS and NUMBER.fullmatch(value):
        return int(value) if "." not in value else float(value)
    return value


HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def safe_cell(worksheet, row: int, column: int, value) -> None:
    """Write a value so that a spreadsheet never evaluates it as a formula."""
    cell = worksheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"  # stored as a plain string, shown as typed


def add_table_sheet(
    workbook: Workbook,
    title: str,
    header: list[str],
    rows: list[list],
    widths: dict[str, int] | None = None,
    numbers: bool = True,
):
    """A sheet with a bold frozen header, filters, wrapped text and sensible widths; with
    `numbers`, cells whose text is a number written as numbers by the header's column name
    (a caller whose header holds headings, not column names, converts its cells itself)."""
    sheet = workbook.create_sheet(title=title[:31])
    for column, name in enumerate(header, start=1):
        safe_cell(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = HEADER_FONT
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            safe_cell(sheet, row_number, column, as_number(value, header[column - 1]) if numbers else value)
            sheet.cell(row=row_number, column=column).alignment = WRAP
    sheet.freeze_panes = "B2"  # the header row and the first column stay in view
    sheet.print_title_rows = "1:1"  # printed on every page
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for column, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(r[column - 1])) for r in rows]) if rows else len(name)
        width = (widths or {}).get(name, min(max(10, longest + 2), 60))
        sheet.column_dimensions[get_column_letter(column)].width = width
    return sheet


def fill(colour_hex: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour_hex, end_color=colour_hex)


def save_deterministic(workbook: Workbook, path: str | Path, stamp: date) -> None:
    when = f"{stamp.isoformat()}T00:00:00Z"
    workbook.properties.creator = "reviewflow"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{when}\g<2>", text)
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(out.getvalue())


MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200


def open_workbook(source: bytes | str | Path):
    """An openpyxl workbook (read-only), after refusing zip bombs and non-XLSX files."""
    import openpyxl

    from .errors import ReviewflowError

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ReviewflowError("is not an XLSX workbook (not a zip archive)") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ReviewflowError("is a zip archive but not an XLSX workbook")
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(len(data), 1):
        raise ReviewflowError(f"unpacks to {unpacked} bytes from {len(data)}: refused as a possible zip bomb")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for broken workbooks
        raise ReviewflowError(f"is not a readable XLSX workbook ({type(error).__name__})") from None


def add_choice_list(workbook: Workbook, sheet, header: list[str], column: str, rows: int, choices: list[str]) -> None:
    """A dropdown on `column` of `sheet` (rows 2..rows+1) that refuses anything else; the
    choices live in a hidden sheet 'allowed', one column per list, since long lists do not
    fit an inline formula."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if not choices or column not in header:
        return
    lists = workbook["allowed"] if "allowed" in workbook.sheetnames else workbook.create_sheet("allowed")
    lists.sheet_state = "hidden"
    index = (lists.max_column + 1) if lists.max_row > 1 or lists["A1"].value is not None else 1
    letter = get_column_letter(index)
    for number, choice in enumerate(choices, start=1):
        safe_cell(lists, number, index, choice)
    rule = DataValidation(
        type="list",
        formula1=f"allowed!${letter}$1:${letter}${len(choices)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Not an allowed {column}",
        error=("Choose from the list: " + ", ".join(choices))[:255],  # Excel's limit for the message
    )
    target = get_column_letter(header.index(column) + 1)
    rule.add(f"{target}2:{target}{max(rows + 1, 2)}")
    sheet.add_data_validation(rule)
