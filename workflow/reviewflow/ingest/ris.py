"""RIS, in the dialects of Ovid, EBSCO, Embase, Scopus, Web of Science, ProQuest,
JSTOR and of EndNote, Zotero and Mendeley exports.

We split and read the tags ourselves rather than through rispy: a record's id
needs its raw text, errors need line numbers, and only a line that is exactly
an ER tag may end a record (rispy is used to write RIS, see export.py). It is also
faster: a text is read by column, each tag's values for every record at once (see
`_by_column`), which rispy's line by line reading cannot do; `parse`, record by record,
reads what the column reading leaves to it, and is what the column reading must equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

import numpy as np

from ..tables import LIST_SEPARATOR
from .base import Batch, Block, batched, located
from .ids import raw_fingerprint

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
# White space that TIDY_TAG_LINE would not strip, found in one pass over the whole text
# (the column reading leaves a text with any of them to `parse`).
UNTIDY = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def parse(text: str, first_number: int = 1, first_line: int = 1) -> Iterator[Block]:
    """Record starts and ends are found by two regular-expression passes (in C), then
    paired: a start whose next end lies beyond the next start has lost its ER line.
    What can be said of every record at once (plain ASCII, no tab or other control, no
    entity) is checked once on the whole text (single characters: fast), not on each record."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_text = text.isascii()
    whole = Whole(
        tidy=ascii_text and not any(mark in text for mark in UNTIDY),
        plain="&" not in text and "\t" not in text,
    )
    starts, ends = _line_starts(text, "TY  -"), []
    for position in _line_starts(text, "ER  -"):
        stop = text.find("\n", position)
        stop = len(text) if stop == -1 else stop
        if not text[position + 5 : stop].strip():
            ends.append(stop)
    line, counted, end_index = first_line, 0, 0
    for index, start in enumerate(starts):
        number = first_number + index
        line += text.count("\n", counted, start)
        counted = start
        while end_index < len(ends) and ends[end_index] <= start:
            end_index += 1
        following = starts[index + 1] if index + 1 < len(starts) else len(text) + 1
        if end_index < len(ends) and ends[end_index] < following:
            body = text[start : ends[end_index]]
            newlines = body.count("\n")
            yield _block(number, line, body, newlines + 1, whole)
            line, counted = line + newlines, ends[end_index]
        elif index + 1 < len(starts):
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


CHUNK_CHARS = 1 << 24  # a text is read in chunks of about 16 M characters (some 10,000 records)


def batches(text: str) -> Iterator[Batch]:
    """The records of a RIS text in Batches, chunk by chunk: a tidy chunk read by column,
    any other record by record (`parse`). Chunks end after a record's ER line, where no
    record can span, so both readings give what reading the whole text at once gives."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    position, lines = 1, _LineNumbers(text)
    for start, stop in _chunks(text):
        chunk = text[start:stop]
        batch = _by_column(chunk, position, partial(lines.at, start))
        if batch is not None:
            position += len(batch.positions)
            yield batch
            continue
        blocks = list(parse(chunk, position, lines.at(start)))
        yield from batched(blocks, first_position=position)
        position += len(blocks)


class _LineNumbers:
    """The line number at an offset of a text, counted only when asked (it names records
    set aside; most files have none) and from where it was last counted."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    start, size = 0, CHUNK_CHARS
    while start < len(text):
        stop = len(text) if len(text) - start <= size else _after_record_end(text, start + size)
        yield start, stop
        start = stop


def _after_record_end(text: str, at: int) -> int:
    """Where the line after the first ER line past `at` begins (the text's end if none)."""
    position = text.find("\nER  -", at)
    while position != -1:
        stop = text.find("\n", position + 1)
        if stop == -1:
            return len(text)
        if not text[position + 6 : stop].strip():
            return stop + 1
        position = text.find("\nER  -", stop)
    return len(text)


def _code(tag: str) -> int:
    """A two-letter tag as one number, as _by_column reads tags."""
    return ord(tag[0]) * 128 + ord(tag[1])


def _tag(code: int) -> str:
    return chr(code // 128) + chr(code % 128)


SEPARATOR = np.array([ord(c) for c in "  - "], dtype=np.uint32)


def _by_column(chunk: str, first_position: int, first_line: Callable[[], int]) -> Batch | None:
    """A chunk's records, each field read for every record at once; None if the chunk's
    records cannot be told apart so (a TY line within a record, an ER line outside one,
    the last record without its ER line, a tab, a line end beyond ASCII), which is found
    for the whole chunk at once, not record by record.

    The first seven characters of every line, one numpy array, say which tag each line
    has, which record it belongs to (counted by TY, ended by ER; lines between records are
    ignored, as `parse` ignores them) and whether it is a plain tag line ('TI  - value':
    a value that neither begins with a space nor ends in white space beyond ASCII; spaces
    at its end are dropped). What reference managers write is all plain lines. A record
    with any other line (a value continued on the next line, an empty line, an empty
    value) is read by `_block`, as `parse` reads it, and put in its place: the rest of the
    chunk still goes by column.
    """
    ascii = chunk.isascii()
    if any(mark in chunk for mark in UNTIDY) or not (ascii or _narrow_white_space(chunk)):
        return None
    lines = chunk.split("\n")
    heads = np.array(lines, dtype="U7").view(np.uint32).reshape(len(lines), 7)
    bounds = _record_bounds(lines, heads)
    if bounds is None:
        return None
    starts, ends, member = bounds
    count, record = int(starts.sum()), np.cumsum(starts) - 1
    data = chunk.encode("utf-8")  # a pair of ASCII characters is the same pair of its bytes
    line_starts, line_ends = _line_offsets(data)  # in bytes: the records are hashed from them
    tagged = (
        (heads[:, 0] >= 65)
        & (heads[:, 0] <= 90)
        & (((heads[:, 1] >= 65) & (heads[:, 1] <= 90)) | ((heads[:, 1] >= 48) & (heads[:, 1] <= 57)))
        & (heads[:, 2:6] == SEPARATOR).all(axis=1)
    )
    last = _last_characters(lines, data, line_starts, line_ends)
    spaced = member & (last == 32)  # a value ending in spaces: dropped, as TAG_LINE drops them
    trimmed: dict[int, int] = {}  # line: how many spaces ended it
    for i in np.flatnonzero(spaced).tolist():
        line = lines[i].rstrip(" ")
        trimmed[i], lines[i] = len(lines[i]) - len(line), line
        last[i] = ord(line[-1]) if line else 0
    plain = tagged & (heads[:, 6] != 32) & (heads[:, 6] != 0) & ~np.isin(last, WIDE_CODES)
    start_lines, end_lines = np.flatnonzero(starts), np.flatnonzero(ends)
    first = line_starts[start_lines].tolist()
    stops = (line_starts[end_lines] - 1).tolist()  # the line feed before each ER line
    whole = memoryview(data)
    bodies = [whole[a:b] for a, b in zip(first, stops)]  # TY through the line before ER, in UTF-8
    text_of = lambda a, b: str(whole[a:b], "utf-8")  # noqa: E731
    for r, pieces in _without_end_spaces(trimmed, record, line_ends, first, stops, whole).items():
        bodies[r] = pieces  # its lines stripped, as ids.raw_fingerprint strips them
    table = _Lines(np.where(member & plain, heads[:, 0].astype(np.int64) * 128 + heads[:, 1], 0), lines, record, count)
    fields = table.fields()
    fields["extra"], extra_tags = table.extra(fields["pmid"], fields["pmcid"])
    # clean, as `_block` says it: no entity, no value holding two spaces running
    if "&" not in chunk and _pairs(data, "  ") == int(tagged.sum()):
        clean = [True] * count  # each tag line's one '  ' is the tag's
    else:
        clean = [
            "&" not in body and body.count("  ") == body.count("\n") + 1
            for body in (text_of(a, b) for a, b in zip(first, stops))
        ]
    record_lines = start_lines.tolist()
    batch = Batch(
        positions=list(range(first_position, first_position + count)),
        fields=fields,
        clean=clean,
        fingerprints=bodies,
        fingerprint_tail=END_PRINT,
        raw_of=lambda i: text_of(first[i], stops[i]) + "\nER  - ",
        where_of=lambda i: located(first_position + i, first_line() + record_lines[i]),
        extra_tags=extra_tags,
        ascii=ascii,
    )
    ends_after = line_ends[end_lines].tolist()  # where each ER line ends
    odd = np.unique(record[member & ~plain]).tolist()
    return _read_alone(batch, {r: text_of(first[r], ends_after[r]) for r in odd})


def _record_bounds(lines: list[str], heads: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(record starts, record ends, lines of a record) as `parse` finds them: a line that
    begins 'TY  -' starts one, a line that is 'ER  -' and white space ends it. None if a
    record starts within one, ends outside one or never ends, or there is no record."""
    starts = (heads[:, :5] == TY_LINE).all(axis=1)
    ends = (heads[:, :5] == ER_LINE).all(axis=1)
    for i in np.flatnonzero(ends).tolist():
        ends[i] = not lines[i][5:].strip()
    within = np.cumsum(starts) - np.cumsum(ends)  # 1 from a TY line through the line before its ER
    if not starts.any() or not (((within == 0) | (within == 1)).all() and within[-1] == 0):
        return None
    return starts, ends, within == 1


def _read_alone(batch: Batch, records: dict[int, str]) -> Batch:
    """The batch with these records (index: text through the ER line) read by `_block`."""
    raws: dict[int, str] = {}
    for r, body in records.items():
        block = _block(batch.positions[r], 0, body, body.count("\n") + 1, Whole())
        for key, value in block.fields.items():
            batch.fields[key][r] = value
        batch.clean[r], batch.extra_tags[r], raws[r] = block.clean, block.extra_tags, block.raw
        batch.fingerprints[r] = (block.fingerprint or raw_fingerprint(block.raw))[: -len(END_PRINT)]
    if raws:
        raw_of = batch.raw_of
        batch.raw_of = lambda i: raws[i] if i in raws else raw_of(i)
    return batch


TY_LINE = np.array([ord(c) for c in "TY  -"], dtype=np.uint32)
ER_LINE = np.array([ord(c) for c in "ER  -"], dtype=np.uint32)
END_PRINT = "\nER  -"  # how a record's fingerprint ends: its ER line, stripped


def _without_end_spaces(trimmed, record, line_ends, first, stops, whole) -> dict[int, tuple[memoryview, ...]]:
    """Each record with lines ending in spaces as the pieces of its text without them, in
    UTF-8: hashed in turn, they give its fingerprint with no copy of the record made. (A
    record with other odd lines is read alone and fingerprinted there.)"""
    pieces: dict[int, list[memoryview]] = {}
    cursor: dict[int, int] = {}
    for i, spaces in trimmed.items():  # lines in order
        r = int(record[i])
        at = cursor.get(r, first[r])
        pieces.setdefault(r, []).append(whole[at : line_ends[i] - spaces])  # the spaces are ASCII: a byte each
        cursor[r] = line_ends[i]
    return {r: (*parts, whole[cursor[r] : stops[r]]) for r, parts in pieces.items()}


def _line_offsets(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where each line of UTF-8 text begins and ends (before its line feed), in bytes."""
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    return np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [len(data)]))


def _last_characters(lines: list[str], data: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each line's last character as a number (0 for an empty line): its last byte, read
    for every line at once, but where that byte ends a character beyond ASCII."""
    code_units = np.frombuffer(data, dtype=np.uint8)
    last = np.where(ends > starts, code_units[np.maximum(ends - 1, 0)], 0).astype(np.uint32)
    for i in np.flatnonzero(last >= 128).tolist():
        last[i] = ord(lines[i][-1])
    return last


# White space beyond ASCII, as str.strip knows it, and the line ends beyond ASCII that
# str.splitlines knows with the byte-order mark ids.raw_fingerprint drops (a unit test
# checks both lists against Python's own).
WIDE_CODES = np.array([0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
WIDE_LINE_ENDS = ("\x85", "\u2028", "\u2029", "\ufeff")


def _narrow_white_space(chunk: str) -> bool:
    """No line end or byte-order mark beyond ASCII: lines are split at line feeds only (a
    search for each character, in C)."""
    return not any(mark in chunk for mark in WIDE_LINE_ENDS)


def _pairs(data: bytes, two: str) -> int:
    """How often two ASCII characters follow each other in UTF-8 data (whose characters
    beyond ASCII hold no ASCII byte), overlaps counted ('   ' holds '  ' twice): the
    data read as 16-bit numbers from its even and from its odd
    offsets, each compared at once. Several times faster than str.count for a pair as
    common as two spaces, which defeats count's skipping."""
    code_units = np.frombuffer(data, dtype=np.uint8)
    wanted = ord(two[0]) | ord(two[1]) << 8
    even = code_units[: len(code_units) // 2 * 2].view("<u2")
    odd = code_units[1 : 1 + (len(code_units) - 1) // 2 * 2].view("<u2")
    return int(np.count_nonzero(even == wanted) + np.count_nonzero(odd == wanted))


class _Lines:
    """The tag lines of consecutive tidy records: tag codes and lines, and the record of each."""

    def __init__(self, codes: np.ndarray, lines: list[str], record: np.ndarray, count: int) -> None:
        self.codes, self.lines, self.record, self.count = codes, lines, record, count
        self.present = {_tag(code) for code in np.unique(codes).tolist() if code}

    def _values(self, found: np.ndarray) -> list[str]:
        """The values of the lines found (what follows 'XX  - '), cut only from the lines a
        field reads."""
        if len(found) == 0:
            return []
        taken = itemgetter(*found.tolist())(self.lines)
        return [taken[6:]] if len(found) == 1 else [line[6:] for line in taken]

    def first(self, tag: str) -> list[str]:
        """Each record's first value of tag ('' if it has none)."""
        found = np.flatnonzero(self.codes == _code(tag))
        records = self.record[found]
        if np.array_equal(records, np.arange(self.count)):
            return self._values(found)  # once in every record
        leading = np.ones(len(found), dtype=bool)
        leading[1:] = records[1:] != records[:-1]
        column = [""] * self.count
        for record, value in zip(records[leading].tolist(), self._values(found[leading])):
            column[record] = value
        return column

    def every(self, tag: str) -> list[list[str]]:
        """Each record's values of tag, in order."""
        found = np.flatnonzero(self.codes == _code(tag))
        values = self._values(found)
        bounds = np.searchsorted(self.record[found], np.arange(self.count + 1)).tolist()
        return [values[bounds[i] : bounds[i + 1]] for i in range(self.count)]

    def first_of(self, tags: tuple[str, ...]) -> list[str]:
        column = None
        for tag in tags:
            if tag in self.present:
                values = self.first(tag)
                column = values if column is None else [have or other for have, other in zip(column, values)]
        return [""] * self.count if column is None else column

    def every_of(self, tags: tuple[str, ...]) -> list[list[str]]:
        columns = [self.every(tag) for tag in tags if tag in self.present]
        if len(columns) == 1:
            return columns[0]
        if not columns:
            return [[]] * self.count
        return [[value for values in row for value in values] for row in zip(*columns)]

    def fields(self) -> dict[str, list]:
        """What `_fields` gives, for every record at once."""
        fields = {name: self.first_of(tags) for name, tags in FIRST_OF.items()}
        if "BT" in self.present:
            fields["title"] = [
                title or (book if kind == "BOOK" else "")
                for title, kind, book in zip(fields["title"], fields["type"], self.first("BT"))
            ]
        fields.update({name: self.every_of(tags) for name, tags in EVERY_OF.items()})
        links = self.every("UR") if "UR" in self.present else [[]] * self.count
        fields["url"] = [LIST_SEPARATOR.join(row) for row in links]
        fields["pmid"], fields["pmcid"] = [""] * self.count, [""] * self.count
        if self.present & {"N1", "AN", "C2"}:  # identifiers in notes and accession numbers: record by record
            for i, (first, multi) in self._records_with(("AN", "C2"), ("N1", "DB", "DP")):
                if "N1" in first or "AN" in first:
                    fields["pmid"][i] = _pmid(first, multi)
                fields["pmcid"][i] = _pmcid(first, multi)
        return fields

    def _records_with(self, single: tuple[str, ...], several: tuple[str, ...]):
        firsts = {tag: self.first(tag) for tag in single if tag in self.present}
        everys = {tag: self.every(tag) for tag in several if tag in self.present}
        for i in range(self.count):
            first = {tag: column[i] for tag, column in firsts.items() if column[i]}
            multi = {tag: column[i] for tag, column in everys.items() if column[i]}
            if first or "N1" in multi:
                if "N1" in multi:
                    first["N1"] = multi["N1"][0]
                yield i, (first, multi)

    def extra(self, pmids: list[str], pmcids: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
        """Each record's lines of tags no field reads ('TAG: value'), as `_block` keeps them."""
        extra, extra_tags = [""] * self.count, [()] * self.count
        unread = [_code(tag) for tag in self.present if tag not in READ_TAGS]
        if not unread:
            return extra, extra_tags
        found = np.flatnonzero(np.isin(self.codes, unread))
        kept: dict[int, list[tuple[str, str]]] = {}
        tags = [_tag(code) for code in self.codes[found].tolist()]
        for i, tag, value in zip(self.record[found].tolist(), tags, self._values(found)):
            if not _read_identifier(tag, value, {pmids[i], pmcids[i]} - {""}):
                kept.setdefault(i, []).append((tag, value))
        for i, lines in kept.items():
            extra[i] = "\n".join(f"{tag}: {value}" for tag, value in lines)
            extra_tags[i] = tuple(sorted({tag for tag, _ in lines}))
        return extra, extra_tags


@dataclass(frozen=True)
class Whole:
    """What holds for the whole text, so for each of its records."""

    tidy: bool = False  # plain ASCII; no tab, no other control character
    plain: bool = False  # no entity ('&'), no tab


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
    # No entity, tab or doubled space in any value (each tag line has one '  '): normalise may
    # then skip its text clean-up (but for values beyond ASCII).
    clean = (whole.plain or ("&" not in raw and "\t" not in raw)) and raw.count("  ") == lines
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


# Which tags fill which field, for both readings. A field of FIRST_OF takes the first value
# of the first of its tags a record has; a field of EVERY_OF, every value of each of its
# tags in turn (DOIs as candidates in order of trust). A book's title may be its BT.
FIRST_OF = {
    "type": ("TY",),
    "title": ("TI", "T1", "CT"),
    "year": ("PY", "Y1", "DA", "Y2"),
    "journal": ("JF", "T2", "JO", "JA", "J2", "J1", "BT"),
    "volume": ("VL", "VO"),
    "issue": ("IS", "CP"),
    "start_page": ("SP",),
    "end_page": ("EP",),
    "issn": ("SN",),
    "abstract": ("AB", "N2"),
    "language": ("LA",),
}
EVERY_OF = {"authors": ("AU", "A1"), "doi": ("DO", "DI", "M3", "UR"), "keywords": ("KW",)}


def _fields(first: dict[str, str], multi: dict[str, list[str]]) -> dict:
    fields = {name: next((first[tag] for tag in tags if tag in first), "") for name, tags in FIRST_OF.items()}
    fields.update({name: [value for tag in tags for value in multi.get(tag, ())] for name, tags in EVERY_OF.items()})
    if not fields["title"] and fields["type"] == "BOOK":
        fields["title"] = first.get("BT", "")
    fields["pmid"] = _pmid(first, multi) if "N1" in first or "AN" in first else ""
    fields["pmcid"] = _pmcid(first, multi) if "N1" in first or "AN" in first or "C2" in first else ""
    fields["url"] = LIST_SEPARATOR.join(multi.get("UR", ()))  # every link
    return fields
