"""Field clean-up shared by every export format, so that all records look alike."""

from __future__ import annotations

import html
import re

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")


def clean_text(value) -> str:
    """One line of text: HTML entities decoded, white space folded."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return " ".join(html.unescape(str(value)).split())


def normalise_doi(value) -> str:
    """'https://doi.org/10.1001/JAMA.2009.377' -> '10.1001/jama.2009.377'."""
    text = clean_text(value)
    text = re.sub(r"\s*\[doi\]$", "", text, flags=re.IGNORECASE)
    text = DOI_PREFIX.sub("", text).strip().rstrip(".").lower()
    return text if text.startswith("10.") else ""


def normalise_pages(value) -> str:
    """'1242-52' -> '1242-1252': the end page written out in full."""
    text = clean_text(value).replace("\u2013", "-").replace("\u2014", "-").replace("--", "-")
    match = re.fullmatch(r"([A-Za-z]?)(\d+)\s*-\s*([A-Za-z]?)(\d+)", text)
    if not match:
        return text
    prefix, start, _, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}-{prefix}{end}"


def join_pages(start, end) -> str:
    start, end = clean_text(start), clean_text(end)
    if start and end and end != start:
        return normalise_pages(f"{start}-{end}")
    return normalise_pages(start)


def normalise_year(value) -> str:
    match = YEAR.search(clean_text(value))
    return match.group(1) if match else ""


def normalise_author(value) -> str:
    """'Dobscha SK' or 'Dobscha, S. K.' -> 'Dobscha, SK'; 'K. Meyer' -> 'Meyer, K'."""
    text = clean_text(value)
    if not text:
        return ""
    if "," in text:
        surname, given = (part.strip() for part in text.split(",", 1))
    else:
        parts = text.split()
        if len(parts) > 1 and re.fullmatch(r"[A-Z][A-Z.\-]*", parts[-1]) and len(parts[-1].replace(".", "")) <= 3:
            surname, given = " ".join(parts[:-1]), parts[-1]  # MEDLINE style: 'Von Korff M'
        elif len(parts) > 1:
            surname, given = parts[-1], " ".join(parts[:-1])  # natural order: 'K. Meyer'
        else:
            surname, given = text, ""
    given = re.sub(r"\b([A-Z])\.\s*", r"\1", given).strip()
    if re.fullmatch(r"[A-Z](?:[ -]?[A-Z])*", given):
        given = given.replace(" ", "")  # 'A F' -> 'AF': initials written apart
    return f"{surname}, {given}" if given else surname


def normalise_authors(values) -> list[str]:
    names = [normalise_author(v) for v in (values or [])]
    return [n for n in names if n]


def normalise_issn(value) -> str:
    match = re.search(r"\b(\d{4})-?(\d{3}[\dXx])\b", clean_text(value))
    return f"{match.group(1)}-{match.group(2).upper()}" if match else ""


def normalise_pmid(value) -> str:
    match = re.search(r"\d+", clean_text(value))
    return match.group(0) if match else ""
