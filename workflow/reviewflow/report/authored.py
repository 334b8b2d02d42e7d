"""The sections a review team writes (abstract, key messages, introduction, the narrative
of each key question, discussion), kept as Markdown in `<resources>/report/` and rendered
safely: raw HTML in the text is shown as text, never passed through (markdown-it-py with
html off). A section not written yet is a visible placeholder and a flag, never silently
left out. Abbreviations of the review's glossary are expanded at their first use in this
text and carry their long form for screen readers everywhere."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

FRONT = [("abstract", "Structured abstract"), ("key_messages", "Key messages"), ("introduction", "Introduction")]
BACK = [("discussion", "Discussion and limitations")]
KQ_PREFIX = "narrative_"  # narrative_KQ1.md: the narrative synthesis of KQ1
TAG = re.compile(r"(<[^>]+>)")


def section_files(folder: str | Path, kq_ids: list[str]) -> dict[str, Path]:
    """Where each section is written (whether or not the file exists yet)."""
    names = [name for name, _ in FRONT + BACK] + [KQ_PREFIX + kq for kq in kq_ids]
    return {name: Path(folder) / f"{name}.md" for name in names}


def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["table", "replacements", "smartquotes"]
    )


def render_sections(folder: str | Path, kq_ids: list[str], glossary: dict[str, str]) -> dict:
    """{name: {title, html}} in reading order; html None where the team has not written it.
    Glossary terms are expanded once, at their first use in reading order."""
    titles = dict(FRONT + BACK) | {KQ_PREFIX + kq: f"{kq}: narrative synthesis" for kq in kq_ids}
    md = markdown()
    expanded: set[str] = set()
    out = {}
    order = [n for n, _ in FRONT] + [KQ_PREFIX + kq for kq in kq_ids] + [n for n, _ in BACK]
    files = section_files(folder, kq_ids)
    for name in order:
        path = files[name]
        html = md.render(path.read_text(encoding="utf-8")) if path.is_file() else None
        if html is not None:
            html = expand_abbreviations(html, glossary, expanded)
        out[name] = {"title": titles[name], "html": html, "file": path.name}
    return out


def expand_abbreviations(html: str, glossary: dict[str, str], expanded: set[str]) -> str:
    """Each abbreviation in text (never inside a tag) becomes <abbr title=long>; its first
    use in the report's authored text reads 'long form (ABBR)' unless written so already."""
    if not glossary:
        return html
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(glossary, key=len, reverse=True)) + r")(s?)\b")

    def replace(match: re.Match) -> str:
        short, plural = match.group(1), match.group(2)
        long = glossary[short]
        abbr = f'<abbr title="{escape(long)}">{short}</abbr>{plural}'
        if short in expanded:
            return abbr
        expanded.add(short)
        before = match.string[max(0, match.start() - len(long) - 4) : match.start()]
        written_out = re.search(re.escape(long) + r"s?\s*\($", before, re.IGNORECASE)
        return abbr if written_out else f"{long}{plural} ({abbr})"

    return "".join(part if TAG.fullmatch(part) else pattern.sub(replace, part) for part in TAG.split(html))
