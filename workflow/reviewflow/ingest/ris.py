"""RIS, in the dialects of Ovid, EBSCO, Embase, Scopus, Web of Science, ProQuest,
JSTOR and of EndNote, Zotero and Mendeley exports.

We split and read the tags ourselves rather than through rispy: a record's id
needs its raw text, errors need line numbers, and only a line that is exactly
an ER tag may end a record (rispy is used to write RIS, see export.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .base import Block, located

# The tags of the RIS specification (RefMan, 2011) and of widely used exports.
KNOWN_TAGS = set(
    "TY A1 A2 A3 A4 AB AD AN AU AV BT C1 C2 C3 C4 C5 C6 C7 C8 CA CN CP CT CY DA DB DI DO DP "
    "ED EP ER ET H1 H2 ID IS J1 J2 JA JF JO KW L1 L2 L3 L4 LA LB LK M1 M2 M3 N1 N2 NV OP PB "
    "PP PY RI RN RP SE SN SP ST T1 T2 T3 TA TI TT U1 U2 U3 U4 U5 UR VL VO XT Y1 Y2".split()
)


TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?:[ \t]*(.*\S))?[ \t]*$", re.M)


def parse(text: str) -> Iterator[Block]:
    """Record starts and ends are found by two regular-expression passes (in C), then
    paired: a start whose next end lies beyond the next start has lost its ER line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts, ends = _line_starts(text, "TY  -"), []
    for position in _line_starts(text, "ER  -"):
        stop = text.find("\n", position)
        stop = len(text) if stop == -1 else stop
        if not text[position + 5 : stop].strip():
            ends.append(stop)
    line, previous, end_index = 1, 0, 0
    for number, start in enumerate(starts, start=1):
        line += text.count("\n", previous, start)
        previous = start
        while end_index < len(ends) and ends[end_index] <= start:
            end_index += 1
        following = starts[number] if number < len(starts) else len(text) + 1
        if end_index < len(ends) and ends[end_index] < following:
            yield _block(number, line, text[start : ends[end_index]])
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


def _line_starts(text: str, prefix: str) -> list[int]:
    """Offsets of the lines that begin with prefix (str.find is far faster than a regex here)."""
    found = [0] if text.startswith(prefix) else []
    needle = "\n" + prefix
    position = text.find(needle)
    while position != -1:
        found.append(position + 1)
        position = text.find(needle, position + 1)
    return found


def _block(number: int, start: int, body: str) -> Block:
    """One record, from its TY line through its ER line."""
    raw = body[: body.rindex("\n")] + "\nER  - "  # the id covers the whole record, end tag included
    tags = TAG_LINE.findall(body)
    lines = body.count("\n") + 1
    fingerprint = None
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
            fingerprint = raw.strip()  # what ids.raw_fingerprint gives, without splitting lines
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
    unknown = first.keys() - KNOWN_TAGS
    extra = "\n".join(f"{tag}: {value}" for tag, value in pairs if tag in unknown)  # vendor tags: kept
    multi: dict[str, list[str]] = {}
    for tag, value in pairs:
        if tag in MULTI_TAGS:
            multi.setdefault(tag, []).append(value)
    # Plain ASCII with no entity, tab or doubled space in any value (each tag line has one '  '):
    # normalise.finish may then skip its text clean-up.
    clean = raw.isascii() and "&" not in raw and "\t" not in raw and raw.count("  ") == lines
    fields = _fields(first, multi)
    fields["extra"] = extra
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
        "issn": get("SN", ""),
        "abstract": get("AB") or get("N2", ""),
        "keywords": multi.get("KW", []),
        "language": get("LA", ""),
        "url": get("UR") or get("L2") or get("LK", ""),
    }
