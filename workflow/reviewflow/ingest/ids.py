"""Stable record ids.

A record id is a hash of what identifies the export, its search batch and its
file name, and the record's raw text with line ends and blank lines folded away.
The database label is left out on purpose: it is a name for the report, and
relabelling an export must not orphan the decisions made on its records. Re-reading the same export
gives the same ids, whatever our parsing or normalisation later learns; exact
repeats of a record get a suffix ('-2', '-3') in file order.
"""

from __future__ import annotations

import hashlib

from ..tables import ID_HEX_DIGITS


def raw_fingerprint(raw: str) -> str:
    """The raw text with every line stripped and blank lines dropped."""
    if raw.isascii() and not (
        " \n" in raw
        or "\n " in raw
        or "\n\n" in raw
        or "\t" in raw
        or "\r" in raw
        or "\x0b" in raw
        or "\x0c" in raw
        or "\x1c" in raw
        or "\x1d" in raw
        or "\x1e" in raw
    ):
        return raw.strip()  # already tidy: the same result without splitting lines
    lines = (line.strip() for line in raw.replace("\ufeff", "").splitlines())
    return "\n".join(line for line in lines if line)


class RecordIds:
    """Ids for the records of one export, in file order (so repeats get their suffix)."""

    def __init__(self, search: str, file: str) -> None:
        self.prefix = f"{search}\x1f{file}\x1f".encode()
        self.seen: dict[str, int] = {}

    def base(self, fingerprint: str | memoryview | tuple[memoryview, ...], tail: bytes = b"") -> str:
        """The id of a record whose raw_fingerprint is fingerprint + tail (UTF-8), before any repeat's
        suffix (the parts are hashed in turn, so a reader need not join them; a reader may give
        the fingerprint as its UTF-8 bytes, or as pieces of them, so it need not copy them)."""
        digest = hashlib.sha1(self.prefix)
        if isinstance(fingerprint, tuple):
            for piece in fingerprint:
                digest.update(piece)
        else:
            digest.update(fingerprint if isinstance(fingerprint, memoryview) else fingerprint.encode("utf-8"))
        if tail:
            digest.update(tail)
        return "R" + digest.hexdigest()[:ID_HEX_DIGITS]

    def numbered(self, base: str) -> str:
        count = self.seen[base] = self.seen.get(base, 0) + 1
        return base if count == 1 else f"{base}-{count}"

    def next(self, raw: str) -> str:
        return self.numbered(self.base(raw_fingerprint(raw)))
