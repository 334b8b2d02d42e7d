"""RIS exports (Ovid, EBSCO, Embase, reference managers): split into records here,
parse each record's tags with rispy, and map rispy's keys to our schema."""

from __future__ import annotations

import re

import rispy

from ..errors import ReviewflowError
from . import normalise as norm

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-( |$)")
END_LINE = re.compile(r"^ER  ?-\s*$")


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line number, record text) for each TY ... ER block.

    Only a line that is exactly an ER tag ends a record, so an abstract line
    that happens to start with "ER" does not split it; text outside records
    (Ovid's header, query lines) is ignored.
    """
    records, current, start = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            if line.startswith("TY  -") or line.startswith("TY -"):
                current, start = [line], number
            continue
        if END_LINE.match(line):
            current.append("ER  - ")
            records.append((start, "\n".join(current)))
            current = None
        else:
            current.append(line)
    if current is not None:
        raise ReviewflowError("record has no end-of-record (ER) line; the file may be truncated", row=f"record {len(records) + 1} (line {start})")
    return records


def parse_record(raw: str) -> dict:
    entries = rispy.loads(raw, skip_unknown_tags=True)
    entry = entries[0] if entries else {}
    first = lambda *keys: next((entry[k] for k in keys if entry.get(k)), "")  # noqa: E731
    authors = (entry.get("first_authors") or []) + (entry.get("authors") or [])
    return {
        "type": norm.clean_text(entry.get("type_of_reference")),
        "title": norm.clean_text(first("title", "primary_title")),
        "authors": norm.normalise_authors(authors),
        "year": norm.normalise_year(first("year", "publication_year", "date")),
        "journal": norm.clean_text(first("alternate_title3", "secondary_title", "journal_name", "alternate_title1", "alternate_title2")),
        "volume": norm.clean_text(entry.get("volume")),
        "issue": norm.clean_text(entry.get("number")),
        "pages": norm.join_pages(entry.get("start_page"), entry.get("end_page")),
        "doi": norm.normalise_doi(entry.get("doi")),
        "pmid": "",
        "issn": norm.normalise_issn(entry.get("issn")),
        "abstract": norm.clean_text(first("abstract", "notes_abstract")),
        "keywords": [norm.clean_text(k) for k in entry.get("keywords") or []],
        "language": norm.clean_text(entry.get("language")),
        "url": norm.clean_text((entry.get("urls") or [""])[0]),
    }
