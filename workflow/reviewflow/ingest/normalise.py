"""Field clean-up shared by every export format, so that all records look alike."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import unquote

from ..tables import LIST_SEPARATOR

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
YEAR = re.compile(r"(1[5-9]\d\d|20\d\d)")
DOI_SUFFIX = re.compile(r"\s*\[doi\]$", re.IGNORECASE)
PAGE_RANGE = re.compile(r"([A-Za-z]?)(\d+)\s*-\s*([A-Za-z]?)(\d+)")
ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
KEYWORD_SPLIT = re.compile(r"\s*;\s*")


# Characters that UTF-8 text decoded as cp1252/Latin-1 typically shows ('Ã©', 'â€™').
MOJIBAKE_HINT = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac|\u00c3\u0192")


# C0 and C1 control characters but tab, line feed and carriage return: no export means them,
# and a spreadsheet refuses them (openpyxl raises IllegalCharacterError).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_plain(text: str) -> bool:
    """clean_text would give text back unchanged: printable (so no control character, tab,
    line end or white space but the ASCII space), no entity, no two spaces running, none
    at either end, and nothing that could be mojibake. A few calls in C."""
    return (
        "&" not in text
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
        and (text.isprintable() if text.isascii() else _printable_without_mojibake(text))
    )


def _printable_without_mojibake(text: str) -> bool:
    """Printable, and none of the characters MOJIBAKE_HINT begins with."""
    return text.isprintable() and not ("\u00c2" in text or "\u00c3" in text or "\u00e2" in text)


def clean_text(value) -> str:
    """One line of text: control characters removed, mojibake repaired, HTML entities
    decoded, white space folded."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = str(value)
    return text if is_plain(text) else _repaired(text)


def _repaired(text: str) -> str:
    text = CONTROL.sub(" ", text)
    if not text.isascii() and MOJIBAKE_HINT.search(text):
        import ftfy

        text = ftfy.fix_encoding(text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def finish_columns(fields: dict[str, list], clean: list[bool], ascii: bool = False) -> dict[str, list[str]]:
    """A parser's raw fields, one list per field with one value per record, in the record
    schema: every value cleaned the same way, whatever the format.

    Parsers only map their tags to these keys; what a value should look like is decided
    here once, for every format. `clean[i]` says the parser found nothing to repair in
    record i (no entity, tab, doubled space or space at either end of a value), so its
    text clean-up can be skipped but for values beyond ASCII (mojibake); `ascii` says
    there are none. The work goes field by field, not record by record: a field's rule is
    applied over its column, and a rule with nothing to do costs next to nothing.
    """
    count = len(clean)
    blank: list = [None] * count
    every_clean = all(clean)
    as_they_are = ascii and every_clean

    def prep(key: str) -> list[str]:
        if key not in fields:
            return [""] * count
        values = fields[key]
        if as_they_are:
            return values if None not in values else [value or "" for value in values]
        if every_clean and None not in values and _all_as_they_are(values):
            return values  # every value ASCII, or printable without mojibake: as it stands
        return [
            value  # what _cleaned does, written out: this runs for every value of a file beyond ASCII
            if value.__class__ is str
            and ((value.isascii() or _printable_without_mojibake(value)) if tidy else is_plain(value))
            else clean_text(value)
            for value, tidy in zip(values, clean)
        ]

    out = {key: prep(key) for key in TEXT_FIELDS}
    out["authors"] = [
        LIST_SEPARATOR.join(filter(None, map(normalise_author, map(str, [names] if isinstance(names, str) else names))))
        if names
        else ""
        for names in fields.get("authors") or blank
    ]
    out["keywords"] = [
        LIST_SEPARATOR.join(_keywords(words, tidy, as_they_are)) if words else ""
        for words, tidy in zip(fields.get("keywords") or blank, clean)
    ]
    pages = prep("pages")
    if "start_page" in fields:
        pages = [
            whole or (f"{start}-{end}" if start and end and end != start else start)
            for whole, start, end in zip(pages, prep("start_page"), prep("end_page"))
        ]
    out["pages"] = [_pages(text) if text else "" for text in pages]
    out["year"] = [_year(text) for text in prep("year")]
    out["doi"] = _dois(fields.get("doi") or blank, clean, as_they_are)
    out["issn"] = [_issn(text) if text else "" for text in prep("issn")]
    out["pmid"], out["pmcid"], unread = [""] * count, [""] * count, [""] * count
    if "pmid" in fields or "pmcid" in fields:
        for i, (pmid, pmcid) in enumerate(zip(prep("pmid"), prep("pmcid"))):
            if pmid or pmcid:
                out["pmid"][i], out["pmcid"][i], unread[i] = pubmed_ids(pmid, pmcid)
    types = [normalise_type(text) for text in out["type"]]
    out["type"] = [canonical for canonical, _ in types]
    out["extra"] = [
        "\n".join(x for x in (extra or "", odd, exported and f"Type (as exported): {exported}") if x)
        if odd or exported
        else extra or ""
        for extra, odd, (_, exported) in zip(fields.get("extra") or blank, unread, types)
    ]
    return out


def _cleaned(value, tidy: bool) -> str:
    """clean_text(value), not called where it would change nothing: a value of a clean record
    (no entity, doubled space or space at either end) that is ASCII or printable without
    mojibake, or a plain one."""
    if value.__class__ is str:
        if (value.isascii() or _printable_without_mojibake(value)) if tidy else is_plain(value):
            return value
    return clean_text(value)


def _all_as_they_are(values: list) -> bool:
    """What _cleaned asks of each value of a clean record, asked of them all at once."""
    try:
        joined = "".join(values)
    except TypeError:  # a value that is no text (a list, say)
        return False
    return joined.isascii() or _printable_without_mojibake(joined)


def _keywords(words, tidy: bool, as_they_are: bool) -> list[str]:
    if isinstance(words, str):
        words = KEYWORD_SPLIT.split(words)
    return list(filter(None, words if as_they_are else (_cleaned(word, tidy) for word in words)))


def _dois(values: list, clean: list[bool], as_they_are: bool) -> list[str]:
    """The first candidate that is a DOI (a list holds them in order of trust)."""
    out = []
    for value, tidy in zip(values, clean):
        candidates = value if isinstance(value, (list, tuple)) else (value,)
        found = ""
        for candidate in candidates:
            text = (candidate or "") if as_they_are else _cleaned(candidate, tidy)
            found = _doi(text) if text else ""
            if found:
                break
        out.append(found)
    return out


TEXT_FIELDS = ("type", "title", "journal", "volume", "issue", "abstract", "language", "url")


# One vocabulary of record types, whatever the export called it: RIS TY codes, MEDLINE
# publication types, BibTeX entry types, EndNote reference types, WoS and Scopus document
# types (matched in lower case). A type not listed is 'other' and kept as exported in extra.
RECORD_TYPES = {
    "journal article": (
        "jour",
        "jfull",
        "ejour",
        "article",
        "journal article",
        "journal-article",
        "review",
        "article in press",
        "j",
        "research article",
        "original article",
        "systematic review",
        "meta-analysis",
    ),
    "conference abstract": (
        "abst",
        "meeting abstract",
        "conference abstract",
        "conference_abstract",
        "meeting_abstract",
        "abstract",
    ),
    "conference paper": (
        "conf",
        "cpaper",
        "inproceedings",
        "proceedings",
        "conference paper",
        "conference proceeding",
        "proceedings paper",
        "conference proceedings",
        "conference review",
    ),
    "book": ("book", "ebook", "edbook", "b"),
    "book chapter": ("chap", "echap", "incollection", "inbook", "book section", "book chapter"),
    "report": ("rprt", "techreport", "report", "govdoc"),
    "thesis": ("thes", "phdthesis", "mastersthesis", "thesis", "dissertation"),
    "trial registration": ("ctr", "clinical trial registry record", "trial registry record", "trial registration"),
    "letter": ("letter",),
    "editorial": ("editorial",),
    "comment": ("comment",),
    "erratum": ("erratum", "published erratum", "correction"),
    "retraction": ("retraction", "retraction of publication", "retracted publication"),
    "preprint": ("preprint",),
}
_TYPE_OF = {alias: canonical for canonical, aliases in RECORD_TYPES.items() for alias in (canonical, *aliases)}
# Of several types (MEDLINE lists every publication type), the one that says what the record is.
TYPE_PRIORITY = ["retraction", "erratum", "comment", "letter", "editorial", "conference abstract", "trial registration"]


@lru_cache(maxsize=1 << 12)  # a file holds a handful of types, each on thousands of records
def normalise_type(text: str) -> tuple[str, str]:
    """(type in the one vocabulary, the type as exported when that says more: several
    publication types, or one the vocabulary does not know)."""
    names = [n.strip().lower() for n in re.split(r"\s*;\s*", str(text)) if n.strip()]
    if not names:
        return "", ""
    found = [_TYPE_OF.get(n, "other") for n in names]
    canonical = next((t for t in TYPE_PRIORITY if t in found), None) or next(
        (t for t in found if t != "other"), "other"
    )
    return canonical, (str(text).strip() if len(names) > 1 or canonical == "other" else "")


def normalise_doi(value) -> str:
    """'https://doi.org/10.1001/JAMA.2009.377' -> '10.1001/jama.2009.377'."""
    if isinstance(value, (list, tuple)):  # candidates in order of trust: the first DOI wins
        return next((doi for doi in map(normalise_doi, value) if doi), "")
    return _doi(clean_text(value))


def _doi(text: str) -> str:
    """A DOI copied from a link keeps the link's percent-encoding ('%2817%29' for '(17)')."""
    if text[:3] == "10." and text[-1] != "]":  # the common case: neither a link prefix nor a '[doi]' suffix
        text = text.rstrip().rstrip(".")
        return (unquote(text) if "%" in text else text).lower()
    text = DOI_PREFIX.sub("", DOI_SUFFIX.sub("", text)).strip().rstrip(".")
    text = (unquote(text) if "%" in text else text).lower()
    return text if text.startswith("10.") else ""


def normalise_pages(value) -> str:
    """'1242-52' -> '1242-1252': the end page written out in full."""
    return _pages(clean_text(value))


def _pages(text: str) -> str:
    first, dash, last = text.partition("-")
    if dash and first.isdecimal() and last.isdecimal() and len(last) >= len(first):
        return text  # '1242-1252': already whole (the common case, without a pattern)
    if "-" not in text and "\u2013" not in text and "\u2014" not in text:
        return text
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("--", "-")
    match = PAGE_RANGE.fullmatch(text)
    if not match:
        return text
    prefix, start, _, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}-{prefix}{end}"


@lru_cache(maxsize=1 << 12)  # years recur on every record
def _year(text: str) -> str:
    match = YEAR.search(text)
    return match.group(1) if match else ""


NAME_SUFFIX = re.compile(r"[ ,]+(Jr\.?|Sr\.?|II|III|IV|2nd|3rd)$")


def _initials_last(parts: list[str]) -> bool:
    """The last word is the initials of a 'Surname INITIALS' name: capitals only, at most
    three ('Meyer K', 'Smith JA'), or up to five after a surname written in mixed case
    ('Smeets RJEM', 'van der Heijden GJMG'), where a word in capitals cannot be the
    surname of a natural-order name ('K. MEYER')."""
    last = parts[-1].replace(".", "").replace("-", "")
    if not (last.isalpha() and last.isupper()):  # capitals of any script: 'Nygren ÅL'
        return False
    return len(last) <= 3 or (len(last) <= 5 and any(p != p.upper() for p in parts[:-1]))


@lru_cache(maxsize=1 << 16)  # names recur across records; this is the hot path of ingest
def normalise_author(value) -> str:
    """'Dobscha SK' or 'Dobscha, S. K.' -> 'Dobscha, SK'; 'K. Meyer' -> 'Meyer, K'."""
    text = clean_text(value)
    if not text:
        return ""
    suffix = NAME_SUFFIX.search(text)
    if suffix:  # 'Yancy WS Jr' or 'Yancy, W. S., Jr.': the suffix follows the initials
        core = normalise_author(text[: suffix.start()].rstrip(" ,"))
        return f"{core} {suffix.group(1).rstrip('.')}" if core else text
    if "," in text:
        surname, given = (part.strip() for part in text.split(",", 1))
    else:
        parts = text.split()
        if len(parts) > 1 and _initials_last(parts):
            surname, given = " ".join(parts[:-1]), parts[-1]  # MEDLINE style: 'Von Korff M'
        elif len(parts) > 1:
            surname, given = parts[-1], " ".join(parts[:-1])  # natural order: 'K. Meyer'
        else:
            surname, given = text, ""
    given = re.sub(r"\b([A-Z])\.\s*", r"\1", given).strip()
    if re.fullmatch(r"[A-Z](?:[ -]?[A-Z])*", given):
        given = given.replace(" ", "")  # 'A F' -> 'AF': initials written apart
    return f"{surname}, {given}" if given else surname


def _issn(text: str) -> str:
    match = ISSN.search(text)
    return f"{match.group(1)}-{match.group(2).upper()}" if match else ""


PMID = re.compile(r"^\s*(?:PMID:?\s*)?(\d{1,9})\s*(?:\[(?:pmid|pubmed)\])?\s*$", re.IGNORECASE)
PMCID = re.compile(r"^\s*(?:PMCID:?\s*)?(PMC\d{1,9})\s*$", re.IGNORECASE)


def pubmed_ids(pmid: str, pmcid: str) -> tuple[str, str, str]:
    """(PMID, PMCID, an 'extra' line for what is neither). A PubMed Central id given as
    the PMID goes to its own field; a PMID that is not a number is never cut down to its
    digits (that would name another article): it is kept as 'PMID (not a number): ...'."""
    unread = ""
    found_pmc = PMCID.match(pmcid) or PMCID.match(pmid)
    pmc = found_pmc.group(1).upper() if found_pmc else ""
    if pmcid and not found_pmc:
        unread = f"PMCID (not a PMC id): {pmcid}"
    number = PMID.match(pmid)
    if number:
        return number.group(1).lstrip("0"), pmc, unread
    if pmid and not PMCID.match(pmid):
        unread = "\n".join(x for x in (unread, f"PMID (not a number): {pmid}") if x)
    return "", pmc, unread
