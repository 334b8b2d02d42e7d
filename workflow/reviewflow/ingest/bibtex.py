"""BibTeX (Scopus, Web of Science, EBSCO, reference managers), split by bibtexparser;
LaTeX accents and braces decoded with pylatexenc."""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser

from .base import Block, located

NOT_RECORDS = {"string", "preamble", "comment"}


def _decode(value: str) -> str:
    if "\\" not in value and "{" not in value:
        return value
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim").latex_to_text(value)


def parse(text: str) -> Iterator[Block]:
    library = bibtexparser.parse_string(text)
    blocks = sorted(
        [(entry.start_line, entry) for entry in library.entries]
        + [(failed.start_line, failed) for failed in library.failed_blocks],
        key=lambda item: item[0],
    )
    for number, (line, block) in enumerate(blocks, start=1):
        where = located(number, line + 1)
        # A repeated key or field is still a record: read it as bibtexparser would have.
        block = getattr(block, "ignore_error_block", None) or block
        if not hasattr(block, "fields_dict"):
            yield Block(where, block.raw, problem=f"is not a valid BibTeX entry ({type(block).__name__})")
            continue
        if block.entry_type.lower() in NOT_RECORDS:
            continue
        fields = {k.lower(): _decode(str(f.value)) for k, f in block.fields_dict.items()}
        get = lambda *keys: next((fields[k] for k in keys if fields.get(k)), "")  # noqa: E731
        authors = [a.strip() for a in re.split(r"\s+and\s+", get("author")) if a.strip()]
        keywords = [k for k in re.split(r"\s*[;,]\s*", get("keywords", "author_keywords")) if k]
        yield Block(
            where,
            block.raw,
            fields={
                "type": block.entry_type,
                "title": get("title"),
                "authors": authors,
                "year": get("year", "date"),
                "journal": get("journal", "journaltitle", "booktitle"),
                "volume": get("volume"),
                "issue": get("number", "issue"),
                "pages": get("pages"),
                "doi": get("doi"),
                "pmid": get("pmid"),
                "issn": get("issn"),
                "abstract": get("abstract"),
                "keywords": keywords,
                "language": get("language"),
                "url": get("url"),
            },
        )
