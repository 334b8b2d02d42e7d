"""The report's references: each publication in the AMA/Vancouver style, numbered in the
order of the publications table, each journal named one way."""

from __future__ import annotations

import re

import pandas as pd

from ..ingest.normalise import NAME_SUFFIX
from ..tables import split_list


def vancouver(pub: dict) -> str:
    """A reference in the AMA/Vancouver style: six authors at most, then 'et al'."""
    names = [_initials(a) for a in split_list(pub["authors"])]
    authors = ", ".join(names[:3]) + ", et al" if len(names) > 6 else ", ".join(names)
    title = pub["title"].rstrip(".")
    parts = [f"{authors}." if authors else "", f"{title}."]
    if pub["journal"]:
        where = f"{pub['journal']}. {pub['year']}"
        if pub["volume"]:
            where += f";{pub['volume']}"
            where += f"({pub['issue']})" if pub["issue"] else ""
        where += f":{pub['pages']}" if pub["pages"] else ""
        parts.append(where + ".")
    else:
        parts.append(f"{pub['year']}.")
    return " ".join(p for p in parts if p)


def _initials(author: str) -> str:
    """'Dobscha, Steven K' -> 'Dobscha SK'; a suffix stays after the initials, as NLM
    writes it ('Yancy, WS Jr' -> 'Yancy WS Jr')."""
    surname, _, given = author.partition(",")
    found = NAME_SUFFIX.search(given)  # the suffixes ingest keeps after the initials
    suffix = found.group(1) if found else ""
    given = given[: found.start()] if found else given
    letters = "".join(part[0] for part in given.replace("-", " ").split() if part[0].isalpha())
    if given.strip().isupper() and " " not in given.strip():
        letters = given.strip()  # already initials: 'SK'
    return " ".join(p for p in (surname.strip(), letters, suffix.rstrip(".")) if p)


def reference_list(publications: pd.DataFrame) -> list[dict]:
    """Numbered references in the order of the publications table, each journal named in
    one form (the abbreviation where the review's own records use one)."""
    forms = journal_forms(publications["journal"].tolist()) if "journal" in publications else {}
    return [
        {**pub, "number": number, "text": vancouver({**pub, "journal": forms.get(pub["journal"], pub["journal"])})}
        for number, pub in enumerate(publications.to_dict("records"), start=1)
    ]


JOURNAL_FILLER = {"the", "of", "and", "&", "for", "in", "on"}


def _journal_words(name: str) -> list[str]:
    """A journal name's significant words, lower case, without a parenthesised place or
    year ('BMJ (Clin Res Ed)') and without the words abbreviations leave out."""
    plain = re.sub(r"\([^)]*\)", " ", name).replace(".", " ").lower()
    return [w for w in re.split(r"[\s:,-]+", plain) if w and w not in JOURNAL_FILLER]


def _abbreviates(short: list[str], full: list[str]) -> bool:
    """Each word of the short form begins the full form's word at the same place
    ('j clin epidemiol' against 'journal clinical epidemiology')."""
    return len(short) == len(full) and all(f.startswith(s) for s, f in zip(short, full))


def journal_forms(names: list[str]) -> dict[str, str]:
    """Map each journal name to the form the reference list prints, learned from the
    review's own records: databases give one journal as 'Journal of Clinical Epidemiology' in one
    export and 'J Clin Epidemiol' in another, and a reference list names it one way. The
    abbreviation wins (NLM style); among equals the form seen most often, then the one
    with its place of publication ('BMJ (Clin Res Ed)'). Written here because no
    maintained library carries the NLM journal list offline; a name with no shorter
    form among the records is printed as it came."""
    seen: dict[str, int] = {}
    for name in names:
        name = str(name or "").strip()
        if name:
            seen[name] = seen.get(name, 0) + 1
    words = {name: _journal_words(name) for name in seen}
    out: dict[str, str] = {}
    for name in seen:
        same = [
            other
            for other in seen
            if _abbreviates(words[other], words[name]) or _abbreviates(words[name], words[other])
        ]
        shortest = min(sum(len(w) for w in words[o]) for o in same)
        best = [o for o in same if sum(len(w) for w in words[o]) == shortest]
        out[name] = sorted(best, key=lambda o: (-seen[o], -len(o), o))[0]
    return out
