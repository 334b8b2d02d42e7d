"""EndNote tagged / refer format (%0 %A %T ...), records separated by blank lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Block, located, split_on_blank_lines

TAG_LINE = re.compile(r"^%([0-9A-Z@!#$&()*+^~>\]<|?])\s?(.*)$")


def parse(text: str) -> Iterator[Block]:
    count = 0
    for start, lines in split_on_blank_lines(text):
        if not TAG_LINE.match(lines[0]):
            continue
        count += 1
        values: dict[str, list[str]] = {}
        last = None
        for line in lines:
            match = TAG_LINE.match(line)
            if match:
                last = match.group(1)
                values.setdefault(last, []).append(match.group(2).strip())
            elif last:
                values[last][-1] = f"{values[last][-1]} {line.strip()}"
        one = lambda tag: values.get(tag, [""])[0]  # noqa: E731
        keywords = [k for value in values.get("K", []) for k in re.split(r"\s*[;\n]\s*", value) if k]
        yield Block(
            located(count, start),
            "\n".join(lines),
            fields={
                "type": one("0"),
                "title": one("T"),
                "authors": values.get("A", []),
                "year": one("D"),
                "journal": one("J") or one("B"),
                "volume": one("V"),
                "issue": one("N"),
                "pages": one("P"),
                "doi": values.get("R", []) + values.get("U", []),
                "pmid": "",
                "issn": one("@"),
                "abstract": one("X"),
                "keywords": keywords,
                "language": one("G"),
                "url": one("U"),
            },
        )
