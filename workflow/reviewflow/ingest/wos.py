"""Web of Science plain text / ISI tagged format (.txt, .ciw): two-letter tags,
three-space continuation lines, 'ER' ends a record, 'EF' ends the file."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Block, located

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")


def parse(text: str) -> Iterator[Block]:
    current: list[str] | None = None
    start = count = 0
    for number, line in enumerate(text.splitlines(), start=1):
        tag = line[:2]
        if current is None:
            if TAG_LINE.match(line) and tag not in ("FN", "VR", "EF", "ER"):
                current, start = [line], number
            continue
        if line.rstrip() == "ER":
            count += 1
            yield _block(count, start, current)
            current = None
        else:
            current.append(line)
    if current is not None:
        count += 1
        yield Block(
            located(count, start),
            "\n".join(current),
            problem="record has no end-of-record (ER) line; the file may be truncated",
        )


def _block(number: int, start: int, lines: list[str]) -> Block:
    values: dict[str, list[str]] = {}
    last = None
    for offset, line in enumerate(lines):
        if line.startswith("   ") and last:
            values[last].append(line.strip())  # WoS continues lists (authors) and text alike
            continue
        match = TAG_LINE.match(line)
        if not match:
            return Block(
                located(number, start),
                "\n".join(lines),
                problem=f"line {start + offset} is neither a tag line nor a continuation",
            )
        last = match.group(1)
        values.setdefault(last, []).append((match.group(2) or "").strip())
    joined = lambda tag: " ".join(values.get(tag, []))  # noqa: E731
    keywords = [k for tag in ("DE", "ID") for k in re.split(r";\s*", joined(tag)) if k]
    return Block(
        located(number, start),
        "\n".join(lines),
        fields={
            "type": joined("DT") or joined("PT"),
            "title": joined("TI"),
            "authors": values.get("AF") or values.get("AU") or [],
            "year": joined("PY") or joined("PD"),
            "journal": joined("SO"),
            "volume": joined("VL"),
            "issue": joined("IS"),
            "start_page": joined("BP") or re.sub(r"^UNSP\s+", "", joined("AR")),  # AR: article number
            "end_page": joined("EP"),
            "doi": joined("DI"),
            "pmid": joined("PM"),
            "issn": joined("SN") or joined("EI"),
            "abstract": joined("AB"),
            "keywords": keywords,
            "language": joined("LA"),
            "url": "",
        },
    )
