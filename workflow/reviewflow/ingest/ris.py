"""RIS, in the dialects of Ovid, EBSCO, Embase, Scopus, Web of Science, ProQuest,
JSTOR and of EndNote, Zotero and Mendeley exports.

We split and read the tags ourselves rather than through rispy: a record's id
needs its raw text, errors need line numbers, and only a line that is exactly
an ER tag may end a record (rispy is used to write RIS, see export.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..tables import LIST_SEPARATOR
from .base import Block, located

# The tags _fields always reads into a field; every other tag, of the specification or a
# vendor's, is kept in extra, as are notes (N1), accession numbers (AN) and database
# names (DB, DP), which are only sometimes read (a PMID, a PMC id).
READ_TAGS = frozenset(
    "TY TI T1 CT BT AU A1 PY Y1 DA Y2 JF T2 JO JA J2 J1 VL VO IS CP SP EP DO DI M3 UR SN AB N2 KW LA ER".split()
)


TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?:[ \t]*(.*\S))?[ \t]*$", re.M)
# A tidy record's lines are each a tag, '  - ' and a value that neither begins nor ends
# with white space: this simpler, faster pattern then gives what TAG_LINE gives. A line
# it does not match sends the record the slow way.
TIDY_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (?! )(.*)", re.M)
# White space that TIDY_TAG_LINE would not strip, found in one pass over the whole text.
UNTIDY = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def parse(text: str) -> Iterator[Block]:
    """Record starts and ends are found by two regular-expression passes (in C), then
    paired: a start whose next end lies beyond the next start has lost its ER line.
    What can be said of every record at once (plain ASCII, no tab or other control, no
    entity) is checked once on the whole text (single characters: fast), not on each record."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_text = text.isascii()
    whole = Whole(
        tidy=ascii_text and not any(mark in text for mark in UNTIDY),
        plain=ascii_text and "&" not in text and "\t" not in text,
    )
    starts, ends = _line_starts(text, "TY  -"), []
    for position in _line_starts(text, "ER  -"):
        stop = text.find("\n", position)
        stop = len(text) if stop == -1 else stop
        if not text[position + 5 : stop].strip():
            ends.append(stop)
    line, counted, end_index = 1, 0, 0
    for number, start in enumerate(starts, start=1):
        line += text.count("\n", counted, start)
        counted = start
        while end_index < len(ends) and ends[end_index] <= start:
            end_index += 1
        following = starts[number] if number < len(starts) else len(text) + 1
        if end_index < len(ends) and ends[end_index] < following:
            body = text[start : ends[end_index]]
            newlines = body.count("\n")
            yield _block(number, line, body, newlines + 1, whole)
            line, counted = line + newlines, ends[end_index]
        elif number < len(starts):
            yield Block(
                located(number, line),
                text[start:following].rstrip("\n"),
                problem="record has no end-of-record (ER) line before the next record",
            )
        else:
            yield Block(
                located(number, line),
                text[start:].rstrip("\n"),
                problem="record has no end-of-record (ER) line; the file may be truncated",
            )


@dataclass(frozen=True)
class Whole:
    """What holds for the whole text, so for each of its records."""

    tidy: bool = False  # plain ASCII; no tab, no other control character
    plain: bool = False  # plain ASCII; no entity ('&'), no tab


def _line_starts(text: str, prefix: str) -> list[int]:
    """Offsets of the lines that begin with prefix (str.find is far faster than a regex here)."""
    found = [0] if text.startswith(prefix) else []
    needle = "\n" + prefix
    position = text.find(needle)
    while position != -1:
        found.append(position + 1)
        position = text.find(needle, position + 1)
    return found


def _block(number: int, start: int, body: str, lines: int | None = None, whole: Whole = Whole()) -> Block:
    """One record, from its TY line through its ER line (`lines` of text)."""
    lines = body.count("\n") + 1 if lines is None else lines
    tags = TIDY_TAG_LINE.findall(body) if whole.tidy else []
    fingerprint = None
    if len(tags) == lines and tags[-1] == ("ER", "") and " \n" not in body:
        # a tidy record: every line a tag line with its value as it stands, no space before
        # a line end, ending 'ER  - ' (so it is its own raw text): no empty value but the end tag's
        raw = body
        fingerprint = raw.strip()  # what ids.raw_fingerprint gives, without splitting lines
        pairs = tags[:-1]
    else:
        raw = body[: body.rindex("\n")] + "\nER  - "  # the id covers the whole record, end tag included
        tags = TAG_LINE.findall(body)
        if len(tags) == lines:  # the fast path: every line is a tag line, nothing continues
            if raw.isascii() and not (
                " \n" in raw
                or "\t" in raw
                or "\x0b" in raw
                or "\x0c" in raw
                or "\x1c" in raw
                or "\x1d" in raw
                or "\x1e" in raw
            ):
                fingerprint = raw.strip()
            pairs = [pair for pair in tags if pair[1]]
        else:
            pairs = []
            for item in body.split("\n"):
                match = TAG_LINE.match(item)
                if match:
                    pairs.append([match.group(1), match.group(2) or ""])
                elif pairs and item.strip():
                    pairs[-1][1] = f"{pairs[-1][1]} {item.strip()}".strip()  # a continuation line
            pairs = [(tag, value) for tag, value in pairs if value]
    first = dict(reversed(pairs))  # the first value of each tag, built in C
    multi: dict[str, list[str]] = {}
    for tag, value in pairs:
        if tag in MULTI_TAGS:
            multi.setdefault(tag, []).append(value)
    # Plain ASCII with no entity, tab or doubled space in any value (each tag line has one '  '):
    # normalise.finish may then skip its text clean-up.
    clean = (whole.plain or (raw.isascii() and "&" not in raw and "\t" not in raw)) and raw.count("  ") == lines
    fields = _fields(first, multi)
    identifiers = {fields["pmid"], fields["pmcid"]} - {""}
    kept = [
        (tag, value) for tag, value in pairs if tag not in READ_TAGS and not _read_identifier(tag, value, identifiers)
    ]
    unknown = {tag for tag, _ in kept}
    fields["extra"] = "\n".join(f"{tag}: {value}" for tag, value in kept)  # nothing read is dropped
    return Block(
        located(number, start),
        raw,
        fields=fields,
        clean=clean,
        fingerprint=fingerprint,
        extra_tags=tuple(sorted(unknown)),
    )


PMID_NOTE = re.compile(r"^PMID:\s*(\d+)$")
MEDLINE_DATABASE = re.compile(r"medline|pubmed", re.IGNORECASE)
MULTI_TAGS = frozenset({"AU", "A1", "KW", "N1", "DO", "DI", "M3", "UR", "DB", "DP"})


def _pmid(first: dict[str, str], multi: dict[str, list[str]]) -> str:
    for note in multi.get("N1", ()):
        match = PMID_NOTE.match(note)
        if match:
            return match.group(1)
    accession = first.get("AN", "")
    databases = " ".join(multi.get("DB", []) + multi.get("DP", []))
    if accession.isdigit() and len(accession) <= 9 and MEDLINE_DATABASE.search(databases):
        return accession  # Ovid MEDLINE and PubMed put the PMID in AN
    return ""


PMC_VALUE = re.compile(r"^(?:PMCID:\s*)?(PMC\d+)$", re.IGNORECASE)


def _read_identifier(tag: str, value: str, identifiers: set[str]) -> bool:
    """An AN, C2 or N1 value that became the record's PMID or PMC id (so not kept twice)."""
    if tag not in ("AN", "C2", "N1"):
        return False
    bare = re.sub(r"^(?:PMID|PMCID):\s*", "", value.strip(), flags=re.IGNORECASE)
    return bare in identifiers or bare.upper() in identifiers


def _pmcid(first: dict[str, str], multi: dict[str, list[str]]) -> str:
    """A PubMed Central id wherever exports put one: AN, C2 (PubMed's RIS), or a note."""
    for value in [first.get("AN", ""), first.get("C2", ""), *multi.get("N1", ())]:
        match = PMC_VALUE.match(value.strip())
        if match:
            return match.group(1)
    return ""


def _fields(first: dict[str, str], multi: dict[str, list[str]]) -> dict:
    get = first.get
    type_ = get("TY", "")
    return {
        "type": type_,
        "title": get("TI") or get("T1") or get("CT") or (get("BT", "") if type_ == "BOOK" else ""),
        "authors": multi.get("AU", []) + multi.get("A1", []),
        "year": get("PY") or get("Y1") or get("DA") or get("Y2", ""),
        "journal": get("JF") or get("T2") or get("JO") or get("JA") or get("J2") or get("J1") or get("BT", ""),
        "volume": get("VL") or get("VO", ""),
        "issue": get("IS") or get("CP", ""),
        "start_page": get("SP", ""),
        "end_page": get("EP", ""),
        "doi": multi.get("DO", []) + multi.get("DI", []) + multi.get("M3", []) + multi.get("UR", []),
        "pmid": _pmid(first, multi) if "N1" in first or "AN" in first else "",
        "pmcid": _pmcid(first, multi) if "N1" in first or "AN" in first or "C2" in first else "",
        "issn": get("SN", ""),
        "abstract": get("AB") or get("N2", ""),
        "keywords": multi.get("KW", []),
        "language": get("LA", ""),
        "url": LIST_SEPARATOR.join(multi.get("UR") or multi.get("L2") or multi.get("LK") or []),  # every link
    }
