"""What format parsers give: one Block per record found, parsed or not; and Batches,
consecutive records field by field, which reading.frames normalises in one go."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .ids import raw_fingerprint


@dataclass
class Block:
    """One record as found in an export file.

    `where` names it for people ('record 3 (line 40)'); `raw` is the text its
    id is derived from; `fields` holds the parser's raw fields for
    normalise.finish_columns, or `problem` says why the record cannot be read.
    """

    where: str
    raw: str
    fields: dict | None = None
    problem: str | None = None
    clean: bool = False  # no entity, tab, doubled space or space at either end of a value
    fingerprint: str | None = None  # ids.raw_fingerprint(raw), when the parser knows it cheaply
    extra_tags: tuple[str, ...] = ()  # tags kept in the extra field, for the log


@dataclass
class Problem:
    """A record that cannot be read, at its place among the file's records."""

    position: int
    where: str
    raw: str
    problem: str


@dataclass
class Batch:
    """Consecutive records of one file, field by field.

    `fields` maps a parser's field names to one raw value per readable record;
    `positions` numbers those records among all the file's records; `fingerprints[i]
    + fingerprint_tail` is ids.raw_fingerprint of record i's raw text. Raw text and
    place are asked for by index (`raw_of`, `where_of`), as they are needed only for
    the few records set aside: a reader by column need not build them for every record.
    """

    positions: list[int]
    fields: dict[str, list]
    clean: list[bool]
    fingerprints: list  # text, its UTF-8 bytes (a memoryview), or a tuple of pieces of them
    raw_of: Callable[[int], str]
    where_of: Callable[[int], str]
    extra_tags: list[tuple[str, ...]]
    problems: list[Problem] = field(default_factory=list)
    fingerprint_tail: str = ""
    ascii: bool = False  # every value is ASCII


def batched(blocks: Iterable[Block], size: int = 5000, first_position: int = 1) -> Iterator[Batch]:
    """Blocks in Batches of `size` records, their fields turned into columns."""
    position = first_position
    chunk: list[Block] = []
    problems: list[Problem] = []
    for block in blocks:
        if block.problem is not None:
            problems.append(Problem(position, block.where, block.raw, block.problem))
        else:
            chunk.append(block)
        position += 1
        if len(chunk) + len(problems) >= size:
            yield _batch(chunk, problems, position)
            chunk, problems = [], []
    if chunk or problems:
        yield _batch(chunk, problems, position)


def _batch(blocks: list[Block], problems: list[Problem], next_position: int) -> Batch:
    # the readable records' positions: those of the batch's span that are not problems
    taken = {p.position for p in problems}
    span = range(next_position - len(blocks) - len(problems), next_position)
    keys = dict.fromkeys(key for block in blocks for key in block.fields)
    return Batch(
        positions=[p for p in span if p not in taken],
        fields={key: [block.fields.get(key) for block in blocks] for key in keys},
        clean=[block.clean for block in blocks],
        fingerprints=[
            block.fingerprint if block.fingerprint is not None else raw_fingerprint(block.raw) for block in blocks
        ],
        raw_of=lambda i: blocks[i].raw,
        where_of=lambda i: blocks[i].where,
        extra_tags=[block.extra_tags for block in blocks],
        problems=problems,
        ascii=all(block.raw.isascii() for block in blocks),
    )


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
