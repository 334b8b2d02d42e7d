"""Citation ingestion: an export file in, one normalised row per record out.

`loads` is pure (text in, frames out); `load` adds reading and decoding a file.
Every record found is either in the records table or, with on_error='skip',
in the rejected table with its reason: none is dropped silently.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

import pandas as pd

from ..errors import ReviewflowError
from ..tables import LIST_SEPARATOR, RECORD_COLUMNS, REJECTED_COLUMNS
from . import bibtex, endnote_xml, medline, refer, ris, table, wos
from .base import Block
from .ids import RecordIds
from .normalise import CONTROL, finish

log = logging.getLogger(__package__)  # the stage's logger

TEXT_PARSERS = {
    "ris": ris.parse,
    "medline": medline.parse,
    "wos": wos.parse,
    "bibtex": bibtex.parse,
    "endnote-xml": endnote_xml.parse,
    "refer": refer.parse,
    "csv": lambda text: table.parse_text(text, ","),
    "tsv": lambda text: table.parse_text(text, "\t"),
}
FORMATS = (*TEXT_PARSERS, "xlsx")
EMPTY = "empty record: set aside"
PROGRESS_EVERY = 20000  # records between progress lines on a long read
FIELD_COLUMNS = [c for c in RECORD_COLUMNS if c not in ("record_id", "source", "search", "file", "position")]


def detect_format(text: str) -> str:
    """The format from the content: the first meaningful line decides."""
    lines = [line for line in text[:65536].splitlines()[:400] if line.strip()]
    if any(line.startswith("TY  -") for line in lines):
        return "ris"  # scanned first: Ovid and others write text before the first record
    for line in lines[:50]:
        stripped = line.strip()
        if stripped.startswith("<?xml") or stripped.startswith("<xml") or stripped.startswith("<records"):
            return "endnote-xml"
        if re.match(r"^(FN |VR |PT [A-Z]$)", line):
            return "wos"
        if re.match(r"^(PMID|PMC)\s*- ", line) or re.match(r"^[A-Z][A-Z0-9 ]{3}- ", line):
            return "medline"  # tags padded to four characters: 'PMID- ', 'OWN - ', 'TI  - '

        if re.match(r"^%[0ATDJ] ", line):
            return "refer"
        if re.match(r"^\s*@\w+\s*[{(]", line):
            return "bibtex"
        if "\t" in line and table.looks_like_header(line, "\t"):
            return "tsv"
        if table.looks_like_header(line, ",") or table.looks_like_header(line, ";"):
            return "csv"
        if re.match(r"^\s*(%|@|#)", line):
            continue  # comments before the first entry
    raise ReviewflowError(f"format not recognised; expected one of: {', '.join(FORMATS)}")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 by BOM or, without one, by its zero bytes (some
    Windows tools save 'Unicode' text so), else cp1252 as Windows tools write."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReviewflowError("starts with a UTF-16 byte-order mark but is not UTF-16 text") from None
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass  # not text after all: the binary check below says so
    if b"\x00" in data[:4096]:
        raise ReviewflowError("is a binary file, not a citation export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when every other byte is zero, as in ASCII text saved as
    UTF-16 without a byte-order mark; None otherwise."""
    pairs = len(head) // 2
    if pairs < 8:
        return None
    odd_zero = head[1 : 2 * pairs : 2].count(0)
    even_zero = head[0 : 2 * pairs : 2].count(0)
    if odd_zero >= 0.9 * pairs and even_zero == 0:
        return "utf-16-le"
    if even_zero >= 0.9 * pairs and odd_zero == 0:
        return "utf-16-be"
    return None


def _blocks(text: str, format: str) -> Iterator[Block]:
    if format not in TEXT_PARSERS:
        raise ReviewflowError(f"unknown format '{format}'; allowed: {', '.join(FORMATS)}")
    return TEXT_PARSERS[format](text)


def frames(
    blocks: Iterator[Block], *, source: str, search: str, file: str, on_error: str = "stop"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, rejected) from parsed blocks; stops at the first bad record unless on_error='skip'.

    Blocks are consumed as they are parsed and their raw text is dropped once
    hashed, so memory holds the records' fields and little else.
    """
    kept, rejected = [], []
    kept_tags: Counter[str] = Counter()
    field_values = itemgetter(*FIELD_COLUMNS)
    kept_ids, rejected_ids = RecordIds(search, file), RecordIds(search, file)
    for position, block in enumerate(blocks, start=1):
        if position % PROGRESS_EVERY == 0:
            log.info("%s: %d records read", file, position)
        problem = block.problem
        fields = None
        if problem is None:
            fields = finish(block.fields, block.clean)
            if not fields["title"] and not any(v for k, v in fields.items() if k != "type"):
                # an empty record (EndNote may open a file with one): set aside, counted, never a stop
                rejected.append(
                    (rejected_ids.next(block.raw), source, search, file, str(position), block.where, EMPTY, block.raw)
                )
                continue
        if problem:
            if on_error == "stop":
                raise ReviewflowError(problem, file=file, row=block.where)
            rejected.append(
                (rejected_ids.next(block.raw), source, search, file, str(position), block.where, problem, block.raw)
            )
            continue
        kept_tags.update(block.extra_tags)
        fields["authors"] = LIST_SEPARATOR.join(fields["authors"])
        fields["keywords"] = LIST_SEPARATOR.join(fields["keywords"])
        kept.append(
            (kept_ids.next(block.raw, block.fingerprint), *field_values(fields), source, search, file, str(position))
        )
    records = pd.DataFrame(
        kept, columns=["record_id", *FIELD_COLUMNS, "source", "search", "file", "position"], dtype=str
    )
    untitled = int((records["title"] == "").sum())
    if untitled and untitled == len(records):  # a file read in the wrong format, not a few placeholders
        raise ReviewflowError(f"has no title, nor has any of its {untitled} records", file=file, row="record 1")
    if untitled:  # kept as exported: the dedup review queue lists each, the PRISMA counts say how many
        log.warning("%s: %d records have no title; kept, and listed in the dedup review queue", file, untitled)
    odd_ids = int(records["extra"].str.contains("PMID (not a number)", regex=False).sum())
    if odd_ids:
        log.warning("%s: %d PMIDs are not numbers; kept in the extra column, not as PMIDs", file, odd_ids)
    if kept_tags:
        counts = ", ".join(f"{tag} {n}" for tag, n in sorted(kept_tags.items()))
        log.info("%s: tags beyond the record schema kept in the extra column (records with each: %s)", file, counts)
    return records[RECORD_COLUMNS], pd.DataFrame(rejected, columns=REJECTED_COLUMNS, dtype=str)


def loads(
    text: str, *, source: str, search: str, file: str, format: str | None = None, on_error: str = "stop"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records of one export's text (and the records set aside) in RECORD_COLUMNS."""
    text = text.lstrip("\ufeff")
    controls = _control_count(text)
    if controls:  # no export means them, and a spreadsheet refuses them: removed, counted
        text = CONTROL.sub(" ", text)
        log.info("%s: %d control characters removed", file, controls)
    if format == "wos" and _looks_like(text) == "ris":
        log.info("%s: a Web of Science export in RIS form; read as RIS", file)
        format = "ris"
    try:
        detected = format or detect_format(text)
        records, rejected = frames(_blocks(text, detected), source=source, search=search, file=file, on_error=on_error)
    except ReviewflowError as error:
        looks_like = _looks_like(text)
        if format and looks_like not in (None, format):  # a declared format that does not fit says so
            error = ReviewflowError(
                f"{error.message}; it was read as {format}, but its content looks like {looks_like}",
                file=error.file,
                row=error.row,
                column=error.column,
            )
        raise error.located(file=file) from None
    if records.empty and rejected.empty:
        looks_like = _looks_like(text) if format else None
        hint = f"; the content looks like {looks_like}" if looks_like not in (None, format) else ""
        raise ReviewflowError(f"holds no {detected} records{hint}", file=file)
    return records, rejected


# Bytes an ASCII export may hold: tab, line feed, carriage return and the printable ones.
ASCII_TEXT = bytes([9, 10, 13, *range(32, 127)])


def _control_count(text: str) -> int:
    """How many control characters CONTROL finds. ASCII text is counted by deleting its
    allowed bytes in C, several times faster than the regular expression's scan."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, ASCII_TEXT))
    return len(CONTROL.findall(text))


def _looks_like(text: str) -> str | None:
    try:
        return detect_format(text)
    except ReviewflowError:
        return None


def load(
    path: str | Path, *, source: str, search: str, format: str | None = None, on_error: str = "stop"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one export file; errors name the path as given."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReviewflowError(f"cannot be read ({error.strerror})", file=str(path)) from None
    try:
        if format == "xlsx" or (format is None and data.startswith(b"PK\x03\x04")):
            records, rejected = frames(
                table.parse_xlsx(data), source=source, search=search, file=name, on_error=on_error
            )
        else:
            records, rejected = loads(
                decode(data), source=source, search=search, file=name, format=format, on_error=on_error
            )
    except ReviewflowError as error:
        raise ReviewflowError(error.message, file=str(path), row=error.row, column=error.column) from None
    log.info("%s: %d records, %d set aside (%s, search %s)", name, len(records), len(rejected), source, search)
    return records, rejected
