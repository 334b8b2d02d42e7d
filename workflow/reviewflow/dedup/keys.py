"""Match keys: each record's fields reduced to what two exports of one work share.

Exports of one article differ in case, accents, punctuation, HTML, Greek letters
(spelled or not), British or American spelling, journal abbreviations, author name
order and initials, page ranges and DOI forms. These functions remove those
differences and nothing else: they never drop numbers or words that tell two works
apart (Part 1 / Part 2, a 2-year / 5-year follow-up, an erratum).
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd

from ..ingest.normalise import normalise_doi, normalise_type

GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψωϐϑϕϰϱϵ",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma sigma tau "
        "upsilon phi chi psi omega beta theta phi kappa rho epsilon".split(),
    )
)

# British spellings (and a few Latin/Greek ligature forms) mapped to American, applied to whole words.
SPELLING = [
    (re.compile(r"\b(\w{2,}?)isation(s?)\b"), r"\1ization\2"),
    (
        re.compile(
            r"\b(random|organ|character|real|recogn|standard|minim|maxim|optim|util|hospital|general|normal|special|summar|categor|prioriti|emphas|visual|stabil|mobil|steril|immun|vascular|catheter)is(e|ed|es|ing)\b"
        ),
        r"\1iz\2",
    ),
    (re.compile(r"\banalys(e|ed|es|ing)\b"), r"analyz\1"),
    (
        re.compile(r"\b(\w{3,})our(s?)\b"),
        lambda m: m.group(0) if m.group(0).rstrip("s") in OUR_EXCEPTIONS else f"{m.group(1)}or{m.group(2)}",
    ),  # behaviour, tumour (not four, flour)
    (re.compile(r"(\w)aem"), r"\1em"),  # anaemia, leukaemia, haem -> (h)em below
    (re.compile(r"\bhaem"), "hem"),
    (re.compile(r"\baetiolog"), "etiolog"),
    (re.compile(r"\bpaed"), "ped"),
    (re.compile(r"(\w)paed"), r"\1ped"),  # orthopaedic
    (re.compile(r"\banaes"), "anes"),
    (re.compile(r"\boe(d|s)"), r"e\1"),  # oedema, oesophagus, oestrogen
    (re.compile(r"\bfoet"), "fet"),
    (re.compile(r"(\w)oea\b"), r"\1ea"),  # diarrhoea
    (re.compile(r"\bgynaec"), "gynec"),
    (re.compile(r"\b(cent|fib|lit|met|theat)re(s?)\b"), r"\1er\2"),
    (re.compile(r"\bprogrammes?\b"), "program"),
    (re.compile(r"\bageing\b"), "aging"),
    (re.compile(r"\bgrey\b"), "gray"),
]
OUR_EXCEPTIONS = {"contour", "detour", "devour", "velour", "amour", "flour", "scour", "armour"}

# A translated title in brackets ("[Title in English]"), and database notes after a title.
BRACKETED = re.compile(r"\[[^\]]*\]")
TRAILING_NOTES = re.compile(
    r"(?:\s*[\[(](?:review|\d+ refs?|english abstract|abstract|author'?s transl)[^\])]*[\])]|[\s.:]+structured abstract"
    r"|\s*\[(?:erratum appears|comment (?:in|on)|retraction (?:in|of)|update (?:in|of)|summary for "
    r"patients|see also)[^\]]*\]?"
    r"|[\s.]*\[(?:article in "
    r")?(?:japanese|chinese|german|french|spanish|russian|italian|portuguese|polish|dutch|korean|danish|swedish|norwegian|finnish|czech|hungarian|turkish|persian|hebrew)\])\s*$",
    re.I,
)  # database notes after a title: '[Review] [42 refs]', '[Erratum appears in Lancet Oncol 2011]' (even cut short)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
QUALIFIERS = {
    "part",
    "phase",
    "study",
    "trial",
    "type",
    "stage",
    "grade",
    "section",
    "volume",
    "vol",
    "no",
    "number",
    "series",
}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
# Words that make a record a different kind of publication than an article of the same title.
NOTICE_WORDS = {
    "erratum": "erratum",
    "errata": "erratum",
    "corrigendum": "erratum",
    "correction": "erratum",
    "retraction": "retraction",
    "retracted": "retraction",
    "comment": "comment",
    "commentary": "comment",
    "reply": "reply",
    "response": "reply",
    "letter": "letter",
    "editorial": "editorial",
}
CONFERENCE_JOURNAL = re.compile(r"\babstracts?\b|\bmeeting\b|\bcongress\b", re.I)
JOURNAL_STOP = {"the", "of", "and", "in", "for", "on", "de", "la", "le", "der", "und", "a", "an", "et", "y", "e"}


HTML_TAG = re.compile(r"<[^>]+>")
# Patterns the key functions use on every record, compiled once
BRACKET_TEXT = re.compile(r"\[([^\]]{12,})\]")
RUN_ON_NAME = re.compile(r"\.(?=[A-Z][a-z])")
AND_BETWEEN_NAMES = re.compile(r"\s+(?:and|&)\s+")
INITIAL_FIRST = re.compile(r"\s*[A-Z]\.?\s")
FIRST_PAGE = re.compile(r"\s*[A-Za-z]?(\d+)")
PAGE_SPAN = re.compile(r"\s*([A-Za-z]?)(\d+)\s*-+\s*[A-Za-z]?(\d+)\s*$")
VOLUME = re.compile(r"\s*(\d+)\s*(?:\(.*\))?\s*(?:suppl.*)?", re.I)
VOLUME_ISSUE = re.compile(r"\s*\d+\s*\((\d{1,2})\)")
SMALL_NUMBER = re.compile(r"\s*(\d{1,2})\s*")
SUPPLEMENT_IN_VOLUME = re.compile(r"\bsuppl\w*\.?\s*(\d*)", re.I)
ISSUE_NUMBER = re.compile(r"\s*\d{1,4}\s*")
# Every ASCII character but a-z and 0-9 to a space (text here is ASCII): str.translate, far
# faster than a regular expression; runs of spaces are folded after.
NOT_WORD_TO_SPACE = {c: " " for c in range(128) if not (chr(c).isdigit() or "a" <= chr(c) <= "z")}
DIGITS = re.compile(r"\d+")
THOUSANDS = re.compile(r"\b(\d{1,3}) (\d{3})\b")


def ascii_words(text: str) -> str:
    """Lower-case ASCII words: HTML and accents removed, Greek letters spelled out."""
    text = str(text)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = HTML_TAG.sub(" ", text)
    if not text.isascii():
        text = "".join(GREEK.get(c, GREEK.get(c.lower(), c)) if "\u0370" <= c <= "\u03ff" else c for c in text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.lower().translate(NOT_WORD_TO_SPACE).split())


def americanise(words: str) -> str:
    return " ".join(map(_american_word, words.split()))


@cache
def _american_word(word: str) -> str:
    """Word by word, cached: a corpus repeats its vocabulary, so each word is spelled once."""
    for pattern, replacement in SPELLING:
        word = pattern.sub(replacement, word)
    return word


def title_match_key(title: str) -> str:
    """The title as matching sees it; a title wholly in brackets (a translation) keeps its words."""
    text = str(title).strip()
    if "[" in text or "(" in text or "ABSTRACT" in text.upper():  # what TRAILING_NOTES needs to match
        text = TRAILING_NOTES.sub("", TRAILING_NOTES.sub("", text))
    stripped = (BRACKETED.sub(" ", text) if "[" in text else text).strip()
    words = ascii_words(stripped if len(stripped) >= 12 else text)
    return americanise(words)


def alternative_title(title: str) -> str:
    """The other-language title some databases add in brackets: 'English [Deutsch]'."""
    inside = [m.strip() for m in BRACKET_TEXT.findall(str(title))]
    outside = BRACKETED.sub(" ", str(title)).strip()
    return americanise(ascii_words(inside[0])) if inside and len(outside) >= 12 else ""


# Words title_signature reads as (part of) a number; a title with none of them and no digit
# has neither numbers nor parts, only perhaps notice words.
SERIES_WORDS = frozenset(ORDINALS) | frozenset(NUMBER_WORDS) | frozenset(QUALIFIERS) | {"section"}


def title_signature(key: str) -> str:
    """What must be equal in two titles of one work, as 'numbers|notices|parts': numbers
    (counts, doses, ages), notice words (erratum, reply...) and what names a part,
    phase or report of a series (Part 2, second follow-up, five-year)."""
    words = key.split()
    if key.replace(" ", "").isalpha() and SERIES_WORDS.isdisjoint(words):  # no number, nothing naming a part
        placed = words[:3] + words[-1:]
        return "|" + " ".join(sorted({NOTICE_WORDS[w] for w in placed if w in NOTICE_WORDS})) + "|"
    if (
        len(words) > 3
        and words[-1].isdigit()
        and len(words[-1]) == 1
        and words[-2].isalpha()
        and len(words[-2]) >= 4
        and words[-2] not in QUALIFIERS
    ):
        words = words[:-1]  # a footnote mark ('... representation 1'), not a number of the title
    joined = THOUSANDS.sub(r"\1\2", " ".join(words))  # '10 000' is 10000
    words = joined.split()
    numbers, parts = [], []  # parts: what names a part, phase or report of a series; a typo there is no typo
    for i, word in enumerate(words):
        previous = words[i - 1] if i else ""
        found = [] if word.isalpha() else DIGITS.findall(word)
        if found:
            (parts if previous in QUALIFIERS else numbers).extend(
                str(int(n)) for n in found
            )  # 'hpv16' and 'hpv 16' alike
        elif word in ORDINALS:
            parts.append(str(ORDINALS[word]))
        elif word in NUMBER_WORDS and (i + 1 < len(words)) and words[i + 1] not in ("of",):
            parts.append(str(NUMBER_WORDS[word]))
        elif word in ROMAN and previous in QUALIFIERS:
            parts.append(str(ROMAN[word]))
        elif len(word) == 1 and word.isalpha() and previous in ("part", "phase", "section"):
            parts.append(word)
    # 'Reply to ...', 'Erratum: ...', '... : a commentary' name a notice; 'immune response'
    # or 'in response to humanitarian events' inside a title do not
    placed = words[:3] + words[-1:]
    notices = sorted({NOTICE_WORDS[w] for w in placed if w in NOTICE_WORDS})
    return " ".join(sorted(numbers)) + "|" + " ".join(notices) + "|" + " ".join(sorted(parts))


INITIALS = re.compile(r"^(?:[A-Z]\.?[ -]?){1,4}$")


def author_surnames(authors: str) -> str:
    """Surnames only, in order, so 'Peters, J. L.', 'Peters JL' and 'J. L. Peters' all
    give 'peters' and the order of given name and surname stops mattering."""
    text = RUN_ON_NAME.sub(".;", str(authors).strip())  # 'Adeli K.Lewis G. F.'
    if not text:
        return ""
    if ";" in text:
        names = text.split(";")
    elif " and " in text or " & " in text:
        pieces = AND_BETWEEN_NAMES.split(text)  # BibTeX: 'Last, First and Last, First'
        names = [n for piece in pieces for n in ([piece] if _last_first(piece) else _comma_names(piece))]
    else:
        names = _comma_names(text)
    return " ".join(s for s in (_surname(n.strip()) for n in names) if s)


def _last_first(piece: str) -> bool:
    """'Zuna, R E' or 'van der Schaar, Mihaela' (one name), not 'K. Meyer, J. Fransen' (two)."""
    return piece.count(",") == 1 and not INITIAL_FIRST.match(piece)


def _comma_names(text: str) -> list[str]:
    """'Zuna, R E' is one name; 'Peters JL, Large RG' two; 'Rose, Michael J, Reilly, James P' two."""
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    if len(pieces) <= 1:
        return pieces
    if len(pieces) == 2 and INITIALS.match(pieces[1]):
        return [text]
    if (
        len(pieces) % 2 == 0
        and all(" " not in p.strip() for p in pieces[::2])
        and not any(INITIALS.match(p) for p in pieces[::2])
    ):
        return [f"{pieces[i]}, {pieces[i + 1]}" for i in range(0, len(pieces), 2)]
    return pieces


NAME_BREAKS = re.compile(r"[\s.]+")
CAPITALS = re.compile(r"[A-Z]{1,4}")


@lru_cache(maxsize=1 << 18)  # names recur across records: each is read once
def _surname(name: str) -> str:
    head, space, tail = name.rpartition(" ")
    if space and head.isalpha() and head.isascii() and len(tail) <= 4 and tail.isalpha() and tail.isupper():
        if tail.isascii():
            return head.lower()  # 'Peters JL', the common case: what the general way below gives
    if "," in name:
        return ascii_words(name.split(",")[0]).replace(" ", "")
    raw = [w for w in NAME_BREAKS.split(name) if w]
    if not raw:
        return ""
    if len(raw) > 1 and CAPITALS.fullmatch(raw[-1]):
        while len(raw) > 1 and CAPITALS.fullmatch(raw[-1]):
            raw.pop()
        return ascii_words(" ".join(raw)).replace(" ", "")  # 'Peters JL', 'Lewis G. F.', 'Van der Maas LC'
    if len(raw) > 1 and len(raw[0]) <= 2:
        return ascii_words(raw[-1])  # 'J. L. Peters'
    return ascii_words(raw[0])


JOURNAL_CONFERENCE = re.compile(r"\.?\s*conference\s*:.*$", re.I)  # 'Arthritis Rheumatol.Conference: ACR 2019'
JOURNAL_SECTION = re.compile(r"\b(?:series|section|sect|part|pt)\b.*$")  # 'J Gerontol A Biol Sci Med Sci'


@lru_cache(maxsize=1 << 16)  # a corpus names a few thousand journals, each on many records
def journal_key(journal: str) -> str:
    """The journal's words without a meeting ('.Conference: ...') or a section title
    ('. Series A, Biological Sciences'): one journal, however much of its name is given."""
    text = JOURNAL_CONFERENCE.sub("", str(journal))
    text = text.split(":")[0].split("(")[0].replace("&", " and ").replace(".", " ")
    words = JOURNAL_SECTION.sub("", ascii_words(text)).split()
    return " ".join(w for w in words if w not in JOURNAL_STOP)


def journals_match(a: str, b: str) -> bool:
    """Same journal, allowing ISO abbreviations: 'curr opin lipidol' ~ 'current opinion lipidology'."""
    if not a or not b:
        return False
    if a == b:
        return True
    x, y = a.split(), b.split()
    if len(x) != len(y):
        return False
    return all(u.startswith(v) or v.startswith(u) for u, v in zip(x, y))


def start_page(pages: str) -> str:
    """The first page's number ('e12724' -> '12724', 'S212' -> '212', '283'), '' if none is
    readable: a letter prefix given by one export and not the other says nothing."""
    match = FIRST_PAGE.match(str(pages))
    return match.group(1).lstrip("0") if match else ""


def end_page(pages: str) -> str:
    """The last page, abbreviated ranges written out ('831-5' -> '835'); '' without a range."""
    match = PAGE_SPAN.match(str(pages))
    if not match:
        return ""
    start, end = match.group(2), match.group(3)
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return end.lstrip("0") if int(end) > int(start) else ""


REPORT_NUMBER = re.compile(r"\b(CD\d{6}|NCT\d{8}|ISRCTN\d{8}|CRD\d{11})\b", re.I)


def report_number(pages: str) -> str:
    """A document number given as the pages: a Cochrane review's CD number, a trial
    registration. Two records with different numbers are two documents."""
    match = REPORT_NUMBER.search(str(pages))
    return match.group(1).upper() if match else ""


def one_typo_apart(a: str, b: str) -> bool:
    """Two page numbers of one length that differ in one digit or by two neighbours swapped."""
    if len(a) != len(b) or a == b or not a:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(diff) == 1 or (
        len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    )


def volume_number(volume: str, year: str = "") -> str:
    """The volume as a number; '' for anything else ('1)', 'Suppl', the year typed as the
    volume), which says nothing."""
    match = VOLUME.fullmatch(str(volume))
    number = str(int(match.group(1))) if match else ""
    return "" if number and number == str(year).strip()[:4] else number


def issue_number(volume: str, issue: str) -> str:
    """The issue as a plain number, or '' when it is not one ('Suppl 1', an article
    number such as 'e70933', a database's accession number in the issue field: 3 digits
    or more); Embase puts it in the volume: '17 (1) (no pagination)'."""
    inside = VOLUME_ISSUE.match(str(volume))
    if inside:
        return str(int(inside.group(1)))
    plain = SMALL_NUMBER.fullmatch(str(issue))
    return str(int(plain.group(1))) if plain else ""


SUPPLEMENT = re.compile(r"^(?:(\d*)\s*)?(?:suppl(?:ement)?s?|s)\s*(\d*)$|^(\d+)\s*(?:suppl(?:ement)?s?|s)$")


@lru_cache(maxsize=1 << 16)  # volumes and issues are small numbers, repeated
def issue_text(volume: str, issue: str) -> str:
    """The issue as words, supplements written one way ('Suppl. 1', 'S1', '1 Suppl',
    'Supplement 1' -> 'suppl 1'); a supplement named only in the volume counts."""
    words = " ".join(ascii_words(issue).split())
    if not words:
        inside = SUPPLEMENT_IN_VOLUME.search(str(volume))
        words = f"suppl {inside.group(1)}".strip() if inside else ""
    match = SUPPLEMENT.fullmatch(words.replace(" ", "")) if words else None
    if match and any(match.groups()) or words in ("s", "suppl", "supplement"):
        number = next((g for g in match.groups() if g), "") if match else ""
        return f"suppl {int(number)}" if number else "suppl"
    return words


def shifted_fields(volume: str, issue: str, pages: str) -> tuple[str, str, str]:
    """(volume, issue, pages) put back when an export moved them one field right: no
    volume, the volume in the issue field and the issue number as the only 'page'."""
    if not str(volume).strip() and ISSUE_NUMBER.fullmatch(str(issue)) and SMALL_NUMBER.fullmatch(str(pages)):
        return str(issue).strip(), str(pages).strip(), ""
    return volume, issue, pages


ELSEVIER_JOURNAL_CODE = re.compile(r"^10\.\d{4,5}/j\.([a-z]{3,})\.")


def doi_names_other_journal(doi: str, journal: str) -> bool:
    """A DOI whose journal code ('10.1016/j.regpep.2012...': Regulatory Peptides) cannot
    be spelled from the record's journal ('Appetite'): an export filled it from another
    record. Such a DOI neither merges nor keeps apart; only Elsevier-style codes are read."""
    code = ELSEVIER_JOURNAL_CODE.match(doi)
    letters = journal.replace(" ", "")
    if not code or not letters:
        return False
    remaining = iter(letters)
    return not all(c in remaining for c in code.group(1))  # the code's letters, in order, within the name


def is_conference(kind: str, journal: str) -> bool:
    """A conference abstract (not a full conference paper, a report in its own right): by
    its type in ingest's one vocabulary, or a meeting named as its journal."""
    return normalise_type(kind)[0] == "conference abstract" or bool(CONFERENCE_JOURNAL.search(str(journal)))


def _author_words(text: str) -> str:
    return " ".join(sorted({w for w in ascii_words(text).split() if len(w) > 2 and w != "and"}))


def match_keys(records: pd.DataFrame) -> pd.DataFrame:
    """One row per record with the normalised fields matching uses. Functions run over
    plain lists: iterating a pandas string column cell by cell costs more than the work."""
    titles, authors = records["title"].tolist(), records["authors"].tolist()
    title = [title_match_key(t) for t in titles]
    volume, issue, pages = (
        (
            list(column)
            for column in zip(
                *map(shifted_fields, records["volume"].tolist(), records["issue"].tolist(), records["pages"].tolist())
            )
        )
        if len(records)
        else ([], [], [])
    )
    years, kinds, journals = records["year"].tolist(), records["type"].tolist(), records["journal"].tolist()
    doi = [normalise_doi(d) for d in records["doi"].tolist()]  # any form: a link, percent-encoded, 'doi:'...
    journal = [journal_key(j) for j in journals]
    misfit = [doi_names_other_journal(d, j) for d, j in zip(doi, journal)]
    return pd.DataFrame(
        {
            "title": title,
            "title_alt": [alternative_title(t) for t in titles],
            "signature": [title_signature(t) for t in title],
            "authors": [author_surnames(a) for a in authors],
            "author_words": [_author_words(a) for a in authors],
            "journal": journal,
            "year": pd.to_numeric(records["year"].str.extract(r"(\d{4})", expand=False), errors="coerce")
            .fillna(0)
            .astype(int),
            "volume": [volume_number(v, y) for v, y in zip(volume, years)],
            "issue": [issue_number(v, i) for v, i in zip(volume, issue)],
            "issue_text": [issue_text(v, i) for v, i in zip(volume, issue)],
            "page": [start_page(p) for p in pages],
            "page_end": [end_page(p) for p in pages],
            "pages_given": [bool(str(p).strip()) for p in pages],
            "report_number": [report_number(p) for p in pages],
            "doi": [("" if wrong else d) for d, wrong in zip(doi, misfit)],
            "doi_misfit": misfit,
            "pmid": records["pmid"],
            "conference": [is_conference(k, j) for k, j in zip(kinds, journals)],
            "kind": records["type"].str.strip().str.lower(),
        },
        index=records.index,
    )
