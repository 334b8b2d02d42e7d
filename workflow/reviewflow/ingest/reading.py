"""Citation ingestion: an export file in, one normalised row per record out.

`loads` is pure (text in, frames out); `load` adds reading and decoding a file.
Every record found is either in the records table or, with on_error='skip',
in the rejected table with its reason: none is dropped silently.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path

import pandas as pd

from ..collector import paused
from ..errors import ReviewflowError
from ..tables import RECORD_COLUMNS, REJECTED_COLUMNS
from . import bibtex, endnote_xml, medline, refer, ris, table, wos
from .base import Batch, batched
from .ids import RecordIds
from .normalise import CONTROL, finish_columns

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
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str]:
    """(text, the encoding it was read in)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ReviewflowError("starts with a UTF-16 byte-order mark but is not UTF-16 text") from None
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass  # not text after all: the binary check below says so
    if b"\x00" in data[:4096]:
        raise ReviewflowError("is a binary file, not a citation export")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


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


def _batches(text: str, format: str) -> Iterator[Batch]:
    if format not in TEXT_PARSERS:
        raise ReviewflowError(f"unknown format '{format}'; allowed: {', '.join(FORMATS)}")
    if format == "ris":
        return ris.batches(text)  # read by column where the text allows it
    return batched(TEXT_PARSERS[format](text))


def frames(
    batches: Iterable[Batch], *, source: str, search: str, file: str, on_error: str = "stop"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, rejected) from parsed batches; stops at the first bad record unless on_error='skip'.

    Batches are consumed as they are parsed and their raw text is dropped once
    hashed, so memory holds the records' fields and little else.
    """
    with paused():
        return _frames(batches, source=source, search=search, file=file, on_error=on_error)


def _frames(
    batches: Iterable[Batch], *, source: str, search: str, file: str, on_error: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    kept_ids, rejected_ids = RecordIds(search, file), RecordIds(search, file)
    columns: dict[str, list[str]] = {name: [] for name in FIELD_COLUMNS}
    record_ids: list[str] = []
    positions: list[int] = []
    rejected = []
    kept_tags: Counter[str] = Counter()
    for batch in batches:
        if batch.problems and on_error == "stop":
            first = batch.problems[0]
            raise ReviewflowError(first.problem, file=file, row=first.where)
        fields = finish_columns(batch.fields, batch.clean, batch.ascii)
        empty = _empty_rows(fields)
        set_aside = [(p.position, p.raw, p.where, p.problem) for p in batch.problems]
        # an empty record (EndNote may open a file with one): set aside, counted, never a stop
        set_aside += [(batch.positions[i], batch.raw_of(i), batch.where_of(i), EMPTY) for i in empty]
        for position, raw, where, reason in sorted(set_aside, key=itemgetter(0)):
            rejected.append((rejected_ids.next(raw), source, search, file, str(position), where, reason, raw))
        keep = [i for i in range(len(batch.positions)) if i not in empty] if empty else None
        pick = (lambda values: [values[i] for i in keep]) if keep is not None else (lambda values: values)
        tail = batch.fingerprint_tail.encode("utf-8")
        record_ids += [kept_ids.numbered(kept_ids.base(print_, tail)) for print_ in pick(batch.fingerprints)]
        positions += pick(batch.positions)
        for name, values in columns.items():
            values += pick(fields[name])
        for tags in pick(batch.extra_tags):
            kept_tags.update(tags)
        done = batch.positions[-1] if batch.positions else 0
        if done // PROGRESS_EVERY > (done - len(batch.positions)) // PROGRESS_EVERY:
            log.info("%s: %d records read", file, done)
    count = len(record_ids)
    records = pd.DataFrame(
        {
            "record_id": record_ids,
            "source": [source] * count,
            "search": [search] * count,
            "file": [file] * count,
            "position": [str(position) for position in positions],
            **columns,
        },
        columns=RECORD_COLUMNS,
        dtype=str,
    )
    untitled = columns["title"].count("")
    if untitled and untitled == len(records):  # a file read in the wrong format, not a few placeholders
        raise ReviewflowError(f"has no title, nor has any of its {untitled} records", file=file, row="record 1")
    if untitled:  # kept as exported: the dedup review queue lists each, the PRISMA counts say how many
        log.warning("%s: %d records have no title; kept, and listed in the dedup review queue", file, untitled)
    odd_ids = sum("PMID (not a number)" in extra for extra in columns["extra"] if extra)
    if odd_ids:
        log.warning("%s: %d PMIDs are not numbers; kept in the extra column, not as PMIDs", file, odd_ids)
    if kept_tags:
        counts = ", ".join(f"{tag} {n}" for tag, n in sorted(kept_tags.items()))
        log.info("%s: tags beyond the record schema kept in the extra column (records with each: %s)", file, counts)
    return records, pd.DataFrame(rejected, columns=REJECTED_COLUMNS, dtype=str)


def _empty_rows(fields: dict[str, list[str]]) -> set[int]:
    """Records with nothing but a type: sought field by field among the untitled ones."""
    candidates = [i for i, title in enumerate(fields["title"]) if not title]
    for name, values in fields.items():
        if name not in ("type", "title") and candidates:
            candidates = [i for i in candidates if not values[i]]
    return set(candidates)


def loads(
    text: str, *, source: str, search: str, file: str, format: str | None = None, on_error: str = "stop"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records of one export's text (and the records set aside) in RECORD_COLUMNS."""
    return _loads(text, _control_count(text), source=source, search=search, file=file, format=format, on_error=on_error)


def _loads(
    text: str, controls: int, *, source: str, search: str, file: str, format: str | None, on_error: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """loads, told how many control characters the text holds (load counts them in the
    file's bytes when they are its text one to one, faster than in the text)."""
    text = text.lstrip("\ufeff")
    if controls:  # no export means them, and a spreadsheet refuses them: removed, counted
        text = CONTROL.sub(" ", text)
        log.info("%s: %d control characters removed", file, controls)
    if format == "wos" and _looks_like(text) == "ris":
        log.info("%s: a Web of Science export in RIS form; read as RIS", file)
        format = "ris"
    try:
        detected = format or detect_format(text)
        records, rejected = frames(_batches(text, detected), source=source, search=search, file=file, on_error=on_error)
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


# In UTF-8 a C0 control character or DEL is one byte, every other byte is no such control
# (tab, line feed, carriage return, printable ASCII, and all bytes of wider characters); C1
# controls (U+0080 to U+009F) are two bytes, C2 80 to C2 9F.
NOT_C0_CONTROL_BYTES = bytes([9, 10, 13, *range(32, 127), *range(128, 256)])
C1_CONTROL_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _control_count(text: str) -> int:
    """How many control characters CONTROL finds."""
    if text.isascii():
        return _utf8_control_count(text.encode("ascii"))
    return len(CONTROL.findall(text))


def _utf8_control_count(data: bytes) -> int:
    """_control_count of the text these UTF-8 bytes hold, counted in the bytes: several times
    faster than the regular expression over the text (load has the bytes)."""
    # what is left once every other byte is deleted is small: no copy of the whole text is made
    return len(data.translate(None, NOT_C0_CONTROL_BYTES)) + len(C1_CONTROL_UTF8.findall(data))


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
                batched(table.parse_xlsx(data)), source=source, search=search, file=name, on_error=on_error
            )
        else:
            text, encoding = _decode(data)
            controls = _utf8_control_count(data) if encoding == "utf-8" else _control_count(text)
            records, rejected = _loads(
                text, controls, source=source, search=search, file=name, format=format, on_error=on_error
            )
    except ReviewflowError as error:
        raise ReviewflowError(error.message, file=str(path), row=error.row, column=error.column) from None
    log.info("%s: %d records, %d set aside (%s, search %s)", name, len(records), len(rejected), source, search)
    return records, rejected
