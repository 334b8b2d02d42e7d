"""Stable record ids.

A record id is a hash of the search batch, the database and the record's raw
text with line ends and blank lines folded away. Re-reading the same export
gives the same ids, whatever our parsing or normalisation later learns; exact
repeats of a record get a suffix ('-2', '-3') in file order.
"""

from __future__ import annotations

import hashlib

ID_HEX_DIGITS = 16  # 64 bits: collisions stay improbable at millions of records


def raw_fingerprint(raw: str) -> str:
    lines = (line.strip() for line in raw.replace("\ufeff", "").splitlines())
    return "\n".join(line for line in lines if line)


def record_ids(raws: list[str], search: str, source: str) -> list[str]:
    ids, seen = [], {}
    for raw in raws:
        key = f"{search}\x1f{source}\x1f{raw_fingerprint(raw)}"
        base = "R" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:ID_HEX_DIGITS]
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids
