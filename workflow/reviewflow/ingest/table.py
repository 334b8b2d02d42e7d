"""Spreadsheets of citations with a header row: CSV, TSV and XLSX exports of Scopus,
Covidence, Rayyan, Web of Science, or a sheet a team keeps itself."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from ..errors import ReviewflowError
from .base import Block

# Header names (lower case, letters and digits only) -> our field.
HEADERS = {
    "title": ["title", "articletitle", "documenttitle", "primarytitle", "ti"],
    "authors": ["authors", "author", "authorfullnames", "authornames", "au"],
    "year": ["year", "publicationyear", "publishedyear", "py", "pubyear"],
    "journal": [
        "journal",
        "sourcetitle",
        "source",
        "journaltitle",
        "secondarytitle",
        "publicationtitle",
        "publication",
        "so",
    ],
    "volume": ["volume", "vl"],
    "issue": ["issue", "number", "is"],
    "pages": ["pages", "page"],
    "start_page": ["pagestart", "startpage", "beginningpage", "bp"],
    "end_page": ["pageend", "endpage", "endingpage", "ep"],
    "doi": ["doi", "di"],
    "pmid": ["pmid", "pubmedid", "pm"],
    "pmcid": ["pmcid", "pmc", "pubmedcentralid"],
    "issn": ["issn", "sn"],
    "abstract": ["abstract", "ab"],
    "keywords": ["keywords", "authorkeywords", "de"],
    "language": ["language", "languageoforiginaldocument", "la"],
    "url": ["url", "link"],
    "type": ["documenttype", "type", "publicationtype", "referencetype", "dt"],
}
LOOKUP = {alias: field for field, aliases in HEADERS.items() for alias in aliases}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def looks_like_header(line: str, delimiter: str) -> bool:
    cells = [_key(c) for c in next(csv.reader([line], delimiter=delimiter))]
    return len(cells) >= 2 and any(LOOKUP.get(c) == "title" for c in cells)


def parse_text(text: str, delimiter: str) -> Iterator[Block]:
    """Delimited text; a 'CSV' whose header is separated by semicolons (as Excel saves it
    where the comma is the decimal mark) is read by semicolons."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if delimiter == "," and not looks_like_header(first, ",") and looks_like_header(first, ";"):
        delimiter = ";"
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from parse_rows(rows)
    except csv.Error as error:
        raise ReviewflowError(f"is not valid delimited text: {error}", row=f"line {rows.line_num}") from None


def parse_rows(rows) -> Iterator[Block]:
    rows = iter(rows)
    header = next(rows, None)
    if not header:
        raise ReviewflowError("is empty; expected a header row")
    columns = [LOOKUP.get(_key(str(h))) for h in header]
    if "title" not in columns:
        allowed = ", ".join(HEADERS["title"])
        raise ReviewflowError(f"has no title column; expected a header naming one of: {allowed}", row="row 1")
    names = [str(h).strip() for h in header]
    for number, cells in enumerate(rows, start=2):
        cells = ["" if c is None else str(c) for c in cells]
        if not any(c.strip() for c in cells):
            continue
        fields: dict = {}
        for column, value in zip(columns, cells):
            if column and value.strip() and not fields.get(column):
                fields[column] = value.strip()
        # columns beyond the record schema (Scopus' 'Funding Details', a team's own notes): kept
        kept = [(n, c.strip()) for n, column, c in zip(names, columns, cells) if not column and n and c.strip()]
        fields["extra"] = "\n".join(f"{n}: {c}" for n, c in kept)
        fields["authors"] = _split_authors(fields.get("authors", ""))
        fields["keywords"] = [k for k in re.split(r"\s*;\s*", fields.get("keywords", "")) if k]
        raw = "\x1f".join(f"{n}={c}" for n, c in zip(names, cells) if c.strip())
        yield Block(f"row {number}", raw, fields=fields, extra_tags=tuple(n for n, _ in kept))


def _split_authors(text: str) -> list[str]:
    if not text:
        return []
    if ";" in text:
        return [a for a in (p.strip() for p in text.split(";")) if a]
    if " and " in text:
        return [a.strip() for a in text.split(" and ") if a.strip()]
    if re.search(r"\.,\s", text):  # Scopus: 'Smith J., Doe A.B.'
        return [a.strip() for a in re.split(r"(?<=\.),\s+", text) if a.strip()]
    return [text.strip()]


def parse_xlsx(data: bytes) -> Iterator[Block]:
    from ..xlsx import open_workbook

    workbook = open_workbook(data)
    sheet = workbook.worksheets[0]
    yield from parse_rows(sheet.iter_rows(values_only=True))
    workbook.close()
