"""Small helpers shared by the SVG figures (PRISMA diagram, risk-of-bias plots)."""

from __future__ import annotations

import re
from functools import lru_cache


def wrap_words(text: str, width_chars: int) -> list[str]:
    """Lines of at most width_chars characters, broken between words; a single word
    longer than a line is cut, so no text can run out of its box. (Remembered: a study's
    label is wrapped once for all the figures it appears in.)"""
    return list(_wrapped(text, width_chars))


@lru_cache(maxsize=65536)
def _wrapped(text: str, width_chars: int) -> tuple[str, ...]:
    lines, line = [], ""
    text = re.sub(r"\bn = (?=\d)", "n\u00a0=\u00a0", text)  # '(n = 54)' never breaks after 'n'
    for word in [w for w in re.split(r"[ \t\n]+", text) if w]:
        while len(word) > width_chars:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width_chars])
            word = word[width_chars:]
        if line and len(line) + 1 + len(word) > width_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return tuple(lines + ([line] if line else []))
