"""Citation ingestion, an export file in and one normalised row per record out: the format
found and read (reading.py), a parser per format (ris.py, medline.py, ...) and the
normalisation (normalise.py). The package re-exports the names other stages use."""

from .reading import (
    EMPTY,
    FIELD_COLUMNS,
    FORMATS,
    PROGRESS_EVERY,
    TEXT_PARSERS,
    decode,
    detect_format,
    frames,
    load,
    loads,
    log,
)

__all__ = [
    "log",
    "TEXT_PARSERS",
    "FORMATS",
    "EMPTY",
    "PROGRESS_EVERY",
    "FIELD_COLUMNS",
    "detect_format",
    "decode",
    "frames",
    "loads",
    "load",
]
