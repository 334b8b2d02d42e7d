"""PubMed / Ovid MEDLINE tagged text (.nbib, .txt): 'TAG - value' lines, six-space
continuation lines, records separated by blank lines. No maintained library parses
it to our schema, so it is written here."""

from __future__ import annotations

import re

from ..errors import ReviewflowError
from . import normalise as norm

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3})\s*- ?(.*)$")


def split_records(text: str) -> list[tuple[int, str]]:
    records, current, start = [], [], 0
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            records.append((start, "\n".join(current)))
            current = []
    return records


def parse_tags(raw: str, first_line: int = 1) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = []
    for offset, line in enumerate(raw.splitlines()):
        match = TAG_LINE.match(line)
        if match:
            tags.append((match.group(1), match.group(2).strip()))
        elif line.startswith(" ") and tags:
            tag, value = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}")
        else:
            raise ReviewflowError(f"line {first_line + offset} is neither a 'TAG - value' line nor a continuation", row=f"line {first_line + offset}")
    return tags


def parse_record(raw: str, first_line: int = 1) -> dict:
    tags = parse_tags(raw, first_line)
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value)
    one = lambda tag: values.get(tag, [""])[0]  # noqa: E731
    doi = next((v for v in values.get("AID", []) + values.get("LID", []) if v.lower().endswith("[doi]")), "")
    return {
        "type": "; ".join(values.get("PT", [])),
        "title": norm.clean_text(one("TI")),
        "authors": norm.normalise_authors(values.get("FAU") or values.get("AU") or []),
        "year": norm.normalise_year(one("DP")),
        "journal": norm.clean_text(one("JT") or one("TA")),
        "volume": norm.clean_text(one("VI")),
        "issue": norm.clean_text(one("IP")),
        "pages": norm.normalise_pages(one("PG")),
        "doi": norm.normalise_doi(doi),
        "pmid": norm.normalise_pmid(one("PMID")),
        "issn": norm.normalise_issn(one("IS")),
        "abstract": norm.clean_text(one("AB")),
        "keywords": [norm.clean_text(k) for k in values.get("MH", []) + values.get("OT", [])],
        "language": norm.clean_text(one("LA")),
        "url": "",
    }
