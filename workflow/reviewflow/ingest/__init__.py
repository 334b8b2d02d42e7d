"""Citation ingestion: an export file in, one normalised row per record out.

`loads` is pure (text in, frame out); `load` adds reading and decoding a file.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from ..errors import ReviewflowError
from ..tables import RECORD_COLUMNS, conform
from . import medline, ris
from .ids import record_ids

log = logging.getLogger(__name__)

PARSERS = {"ris": ris, "medline": medline}
FORMATS = tuple(PARSERS)


def detect_format(text: str) -> str:
    """The format from the content: the first tag line decides."""
    for line in text.splitlines():
        if re.match(r"^TY  ?- ", line):
            return "ris"
        if re.match(r"^PMID- ?\d", line):
            return "medline"
    raise ReviewflowError(f"format not recognised; expected one of: {', '.join(FORMATS)}")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 by BOM; otherwise cp1252 as exports from Windows tools are."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ReviewflowError("is a binary file, not a citation export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def loads(text: str, *, source: str, search: str, file: str, format: str | None = None) -> pd.DataFrame:
    """Records of one export's text as a frame in RECORD_COLUMNS."""
    text = text.lstrip("\ufeff")
    try:
        format = format or detect_format(text)
        if format not in PARSERS:
            raise ReviewflowError(f"unknown format '{format}'; allowed: {', '.join(FORMATS)}")
        parser = PARSERS[format]
        blocks = parser.split_records(text)
        rows = []
        for position, (line, raw) in enumerate(blocks, start=1):
            try:
                fields = parser.parse_record(raw) if format == "ris" else parser.parse_record(raw, line)
            except ReviewflowError as error:
                raise error.located(row=f"record {position} (line {line})")
            if not fields["title"]:
                raise ReviewflowError("has no title", row=f"record {position} (line {line})")
            rows.append({**fields, "source": source, "search": search, "file": file, "position": position})
    except ReviewflowError as error:
        raise error.located(file=file)
    if not rows:
        raise ReviewflowError(f"holds no {format} records", file=file)
    frame = pd.DataFrame(rows)
    frame["record_id"] = record_ids([raw for _, raw in blocks], search, source)
    return conform(frame, RECORD_COLUMNS)


def load(path: str | Path, *, source: str, search: str, format: str | None = None, name: str | None = None) -> pd.DataFrame:
    path = Path(path)
    name = name or path.name
    try:
        text = decode(path.read_bytes())
    except ReviewflowError as error:
        raise error.located(file=str(path))
    except OSError as error:
        raise ReviewflowError(f"cannot be read ({error.strerror})", file=str(path))
    try:
        frame = loads(text, source=source, search=search, file=name, format=format)
    except ReviewflowError as error:  # name the file as the user gave it, not just its base name
        raise ReviewflowError(error.message, file=str(path), row=error.row, column=error.column)
    log.info("%s: %d records (%s, search %s)", name, len(frame), source, search)
    return frame
