"""Included citations not yet under a study: which study each may report, and why.

A new include of a living review is often one more report of a trial the review
already holds (a follow-up, a secondary analysis, a protocol). Three signs point to
the study, strongest first: a trial registration number the citation shares with
a study's publications (found in the title, abstract or the export's other fields:
ClinicalTrials.gov, ISRCTN, ANZCTR, EudraCT and the other WHO primary registries);
the same first author and year; a similar title (RapidFuzz's token-set ratio).
No library matches citations to studies, so the signs are written here; each
suggestion carries its reason so the person who links decides, never the rule.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz

from ..tables import split_list

# Trial registration numbers of ClinicalTrials.gov and the WHO primary registries.
REGISTRATION = re.compile(
    r"\b(NCT\d{8}|ISRCTN\d{8}|ACTRN\d{14}|ChiCTR[-A-Z]*\d{6,}|DRKS\d{8}|CTRI/\d{4}/\d{2,3}/\d{5,6}|"
    r"IRCT\d{8,}N\d+|UMIN\d{9}|NTR\d{3,5}|NL\d{4,5}|PACTR\d{15}|KCT\d{7}|TCTR\d{11}|SLCTR/\d{4}/\d{3}|"
    r"JPRN-\w+|RBR-\w+|(?<=EudraCT )\d{4}-\d{6}-\d{2}|EUCTR\d{4}-\d{6}-\d{2})\b",
    re.IGNORECASE,
)
TITLE_SIMILAR = 80  # token-set ratio from which a title counts as similar
NEW_STUDY = "new study"
SUGGESTION_COLUMNS = ["suggested_study", "why"]


def registrations(*texts: str) -> set[str]:
    """Registration numbers named in the texts, upper-cased, EudraCT numbers with their prefix."""
    found = set()
    for text in texts:
        for match in REGISTRATION.finditer(text or ""):
            number = match.group(0).upper()
            if number.startswith("EUCTR"):
                number = number[len("EUCTR") :]
            found.add(f"EUDRACT{number}" if number[0].isdigit() else number)
    return found


def first_author(authors: str) -> str:
    """The first author's surname, folded (accents, case, spaces), for comparison:
    'Smeets, RJEM', 'Smeets RJEM' and 'Smeets R.J.E.M.' all give 'smeets'."""
    names = split_list(authors)
    if not names:
        return ""
    name = names[0]
    if "," in name:
        surname = name.split(",")[0]
    else:  # 'van der Heijden GJMG': the surname is every word before the initials
        words = name.split()
        while len(words) > 1 and INITIALS.fullmatch(words[-1]):
            words.pop()
        surname = " ".join(words)
    folded = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", folded.lower())


INITIALS = re.compile(r"(?:[A-Z\u00c0-\u00de]\.?){1,5}|Jr\.?|Sr\.?|II|III|IV")


@dataclass(frozen=True)
class Suggestion:
    study_id: str
    why: str
    strength: float  # for ordering: registration > author and year > title similarity


def _citation_text(row: dict) -> tuple[str, ...]:
    return (row.get("title", ""), row.get("abstract", ""), row.get("extra", ""), row.get("keywords", ""))


class StudyIndex:
    """What identifies each study: its publications' registration numbers, first
    authors with years, and titles."""

    def __init__(self, links: pd.DataFrame, citations: pd.DataFrame) -> None:
        by_id = citations.set_index("citation_id").to_dict("index")
        self.numbers: dict[str, set[str]] = {}
        self.author_years: dict[tuple[str, str], set[str]] = {}
        self.authors: dict[str, set[str]] = {}
        self.titles: list[tuple[str, str]] = []
        for study_id, citation_id in zip(links["study_id"], links["citation_id"]):
            row = by_id.get(citation_id)
            if row is None:
                continue
            for number in registrations(*_citation_text(row)):
                self.numbers.setdefault(number, set()).add(study_id)
            key = (first_author(row.get("authors", "")), str(row.get("year", "")))
            if all(key):
                self.author_years.setdefault(key, set()).add(study_id)
            if key[0]:
                self.authors.setdefault(key[0], set()).add(study_id)
            if row.get("title"):
                self.titles.append((study_id, row["title"]))

    def suggest(self, citation: dict, limit: int = 3) -> list[Suggestion]:
        """The studies this citation may report, most signs first, at most `limit`. Each kind
        of sign (registration, author, title) counts once per study, by its strongest
        instance, and the kinds add up: a follow-up by the same first author with a similar
        title outranks a study that shares only the author."""
        signs: dict[tuple[str, str], tuple[float, str]] = {}

        def offer(study_id: str, kind: str, why: str, strength: float) -> None:
            if signs.get((study_id, kind), (0.0, ""))[0] < strength:
                signs[(study_id, kind)] = (strength, why)

        for number in sorted(registrations(*_citation_text(citation))):
            for study_id in sorted(self.numbers.get(number, ())):
                offer(study_id, "registration", f"same trial registration {number}", 300)
        key = (first_author(citation.get("authors", "")), str(citation.get("year", "")))
        shown = citation.get("authors", "").split(",")[0].split(";")[0]
        if all(key):
            for study_id in sorted(self.author_years.get(key, ())):
                offer(study_id, "author", f"same first author and year ({shown} {key[1]})", 200)
        if key[0]:
            for study_id in sorted(self.authors.get(key[0], ())):
                offer(study_id, "author", f"same first author ({shown})", 150)
        title = citation.get("title", "")
        if title:
            for study_id, other in self.titles:
                score = fuzz.token_set_ratio(title.lower(), other.lower())
                if score >= TITLE_SIMILAR:
                    offer(study_id, "title", f"similar title ({score:.0f}%): {other[:60]}", 100 + score / 100)
        studies: dict[str, list[tuple[float, str]]] = {}
        for (study_id, _), sign in sorted(signs.items()):
            studies.setdefault(study_id, []).append(sign)
        offered = [
            Suggestion(study_id, "; ".join(why for _, why in sorted(found, reverse=True)), sum(s for s, _ in found))
            for study_id, found in studies.items()
        ]
        return sorted(offered, key=lambda s: (-s.strength, s.study_id))[:limit]
