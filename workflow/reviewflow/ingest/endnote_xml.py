"""EndNote XML (EndNote and Mendeley exports), read with defusedxml so that no
entity is expanded and no external resource is fetched."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import tostring

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from ..errors import ReviewflowError
from .base import Block, located


def parse(text: str) -> Iterator[Block]:
    try:
        root = SafeTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as error:
        raise ReviewflowError(
            f"XML with entity declarations or external references is refused ({type(error).__name__})"
        ) from None
    except SafeTree.ParseError as error:
        raise ReviewflowError(f"is not well-formed XML: {error}", row=f"line {error.position[0]}") from None
    for number, record in enumerate(root.iter("record"), start=1):
        yield Block(located(number), tostring(record, encoding="unicode"), fields=_fields(record))


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _all(record, path: str) -> list[str]:
    return [t for t in (_text(e) for e in record.findall(path)) if t]


def _fields(record) -> dict:
    one = lambda path: _text(record.find(path))  # noqa: E731
    ref_type = record.find("ref-type")
    return {
        "type": ref_type.get("name", "") if ref_type is not None else "",
        "title": one("titles/title"),
        "authors": _all(record, "contributors/authors/author"),
        "year": one("dates/year"),
        "journal": one("periodical/full-title") or one("titles/secondary-title") or one("periodical/abbr-1"),
        "volume": one("volume"),
        "issue": one("number"),
        "pages": one("pages"),
        "doi": _all(record, "electronic-resource-num") + _all(record, "urls/related-urls/url"),
        "pmid": "",
        "issn": one("isbn"),
        "abstract": one("abstract"),
        "keywords": _all(record, "keywords/keyword"),
        "language": one("language"),
        "url": one("urls/related-urls/url"),
    }
