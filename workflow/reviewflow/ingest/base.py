"""What every format parser yields: one Block per record found, parsed or not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Block:
    """One record as found in an export file.

    `where` names it for people ('record 3 (line 40)'); `raw` is the text its
    id is derived from; `fields` holds the parser's raw fields for
    normalise.finish, or `problem` says why the record cannot be read.
    """

    where: str
    raw: str
    fields: dict | None = None
    problem: str | None = None
    clean: bool = False  # the parser saw plain ASCII text with nothing to repair
    fingerprint: str | None = None  # ids.raw_fingerprint(raw), when the parser knows it cheaply
    extra_tags: tuple[str, ...] = ()  # tags kept in the extra field, for the log


def located(number: int, line: int | None = None) -> str:
    return f"record {number} (line {line})" if line is not None else f"record {number}"


def split_on_blank_lines(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated chunk."""
    chunks, current, start = [], [], 0
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            chunks.append((start, current))
            current = []
    return chunks
