"""PubMed / MEDLINE tagged text (.nbib, .txt; also PMC's MEDLARS display): 'TAG - value'
lines, six-space continuation lines, records separated by blank lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Block, located, split_on_blank_lines

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")


def parse(text: str) -> Iterator[Block]:
    count = 0
    for start, lines in split_on_blank_lines(text):
        if not TAG_LINE.match(lines[0]):
            continue  # text between records, e.g. a saved search's header
        count += 1
        raw = "\n".join(lines)
        tags: list[list[str]] = []
        problem = None
        for offset, line in enumerate(lines):
            match = TAG_LINE.match(line)
            if match:
                tags.append([match.group(1), match.group(2).strip()])
            elif line.startswith(" ") and tags:
                tags[-1][1] = f"{tags[-1][1]} {line.strip()}".strip()
            else:
                problem = f"line {start + offset} is neither a 'TAG - value' line nor a continuation"
                break
        yield (
            Block(located(count, start), raw, problem=problem)
            if problem
            else Block(located(count, start), raw, fields=_fields(tags))
        )


def _fields(tags: list[list[str]]) -> dict:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        if value:
            values.setdefault(tag, []).append(value)
    one = lambda tag: values.get(tag, [""])[0]  # noqa: E731
    dois = [v for v in values.get("AID", []) + values.get("LID", []) if v.lower().endswith("[doi]")]
    return {
        "type": "; ".join(values.get("PT", [])),
        "title": one("TI") or one("BTI"),
        "authors": values.get("FAU") or values.get("AU") or [],
        "year": one("DP") or one("DEP"),
        "journal": one("JT") or one("TA"),
        "volume": one("VI"),
        "issue": one("IP"),
        "pages": one("PG"),
        "doi": dois,
        "pmid": one("PMID"),
        "pmcid": one("PMC"),
        "issn": one("IS"),
        "abstract": one("AB") or one("OAB"),
        "keywords": values.get("MH", []) + values.get("OT", []),
        "language": one("LA"),
        "url": "",
    }
