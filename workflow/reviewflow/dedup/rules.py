"""The rules that call a pair of records the same work, in order of strength.

Precision first: every rule needs the title to agree and at least two further
pieces of evidence, and no rule may override a contradiction (two DOIs, two
PMIDs, two volumes, titles that differ in a number or a notice word such as
"erratum"). Pairs close to a rule but short of it go to people (the review
queue); nothing uncertain is merged silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (name, rank): a lower rank is stronger evidence; clustering applies strong rules first.
RULES = {
    "identifier": 0,
    "report number": 1,
    "title+details": 1,
    "title+volume+page": 2,
    "title+venue": 2,
    "title+issue": 3,
    "title+authors": 3,
    "details+title part": 4,
    "title only": 5,
    "venue+page range": 5,
    "venue+page, title typo": 5,
    "conference abstract": 6,
}
GENERIC_TITLE_WORDS = 4  # 'Editorial', 'Reply to the letter': titles this short identify nothing alone


UNTITLED_PAIR = "a record without a title: the rules merge it only on a shared DOI or PMID; decide by hand"
UNTITLED = "has no title as exported: kept; check it against the database (a placeholder, a catalogue entry?)"


def classify(scored: pd.DataFrame, conference_abstracts: str = "separate") -> pd.DataFrame:
    """Adds decision, rule and reason. Decisions: 'duplicate' (merged by `rule`),
    'uncertain' (to the review queue), 'different' (a near pair kept apart by a
    contradiction), 'linked' (a conference abstract and its paper, kept apart) or ''."""
    s = weak_fields_as_evidence(scored)
    e = derived_evidence(s)
    decision = np.full(len(s), "", dtype=object)
    rule = np.full(len(s), "", dtype=object)
    for name, mask in reversed(rule_masks(s, e)):  # the strongest rule met names the merge
        hit = mask.to_numpy()
        decision[hit] = "duplicate"
        rule[hit] = name
    reason = np.full(len(s), "", dtype=object)
    # a record exported without a title merges by itself only on a shared DOI or PMID
    # ('identifier'); any other rule it meets sends the pair to people instead
    untitled = s["untitled"].to_numpy(dtype=bool)
    held_back = untitled & (decision == "duplicate") & (rule != "identifier")
    decision[held_back], rule[held_back] = "", ""
    near, hard, why = near_pairs(s, e, decision)
    near |= held_back
    why = np.where(held_back & ~hard, UNTITLED_PAIR, why)
    decision[near & hard] = "different"  # a known false friend: kept apart, listed so people can see it
    decision[near & ~hard] = "uncertain"
    reason[near] = why[near]
    # A conference abstract and a full report of the same work: same title and authors, the
    # abstract up to a year earlier, usually in another venue. In one volume of one journal
    # they are one abstract however labelled, and the rules above decide.
    report = (
        s["conference_vs_other"]
        & ~s["volume_same"]
        & (e["t"] >= 0.95)
        & (e["a"] >= 0.8)
        & (s["year_gap"] <= 1)
        & ~(s["doi_differs"] | s["pmid_differs"] | s["signature_differs"])
    ).to_numpy() & ~untitled
    if conference_abstracts == "separate":
        decision[report] = "linked"
        rule[report] = ""
        reason[report] = "conference abstract and full report (kept apart: dedup.conference_abstracts is 'separate')"
    else:
        decision[report] = "duplicate"
        rule[report] = "conference abstract"
        reason[report] = ""
    out = s.copy()
    out["decision"], out["rule"], out["reason"] = decision, rule, reason
    return out


def weak_fields_as_evidence(scored: pd.DataFrame) -> pd.DataFrame:
    """Pages and document numbers read as what they say, before any rule sees them: a
    start page one digit off (a typo) counts as the same page when the end page does not
    disagree and title, authors, journal and volume agree; a Cochrane CD number or a trial
    registration given as the pages is the document's number, equal or not."""
    s = scored.copy()
    typo = (
        s["page_typo"]
        & ~s["page_end_differs"]
        & (s["title"] >= 0.95)
        & (s["authors"] >= 0.8)
        & s["volume_same"]
        & s["journal_same"]
    )
    s["page_same"] = s["page_same"] | typo | s["report_number_same"]
    s["page_differs"] = (s["page_differs"] & ~typo) | s["report_number_differs"]
    return s


def derived_evidence(s: pd.DataFrame) -> dict[str, pd.Series]:
    """The named conditions the rules are written in, from the pair scores."""
    t, a = s["title"], s["authors"]
    authors_agree = a >= 0.8
    # two issue numbers (1-2 digits; longer ones are record or accession numbers, see
    # keys.issue_number) contradict unless the pages agree: then one issue is a slip
    issue_clash = s["issue_differs"] & ~s["page_same"]
    same_year = s["year_gap"] <= 0  # equal or unknown
    evidence = (
        authors_agree.astype(int)
        + s["journal_same"].astype(int)
        + s["volume_same"].astype(int)
        + s["page_same"].astype(int)
    )
    return {
        "t": t,
        "a": a,
        "authors_agree": authors_agree,
        "authors_fine": a.isna() | (a >= 0.5),
        "issue_clash": issue_clash,
        "contradiction": s["doi_differs"]
        | s["pmid_differs"]
        | s["signature_differs"]
        | issue_clash
        | s["report_number_differs"],
        "same_year": same_year,
        "close_year": same_year | ((s["year_gap"] == 1) & s["volume_same"] & s["page_same"]),
        "evidence": evidence,
        # 'Editorial', 'Reply to the letter': short and saying little; 'Exercise for
        # intermittent claudication' is short but names its subject
        "generic": (s["title_words"] <= GENERIC_TITLE_WORDS) & (s["title_content_words"] < 3),
        # pages garbled in one export (e.g. '1-6' for e12724) are forgiven only when all else agrees
        "pages_fine": ~s["page_differs"] | ((t >= 0.98) & authors_agree & s["volume_same"] & ~s["journal_differs"]),
    }


def rule_masks(s: pd.DataFrame, e: dict[str, pd.Series]) -> list[tuple[str, pd.Series]]:
    """Each rule with the pairs that meet it, strongest first."""
    t, a, contradiction, same_year, authors_agree = (
        e["t"],
        e["a"],
        e["contradiction"],
        e["same_year"],
        e["authors_agree"],
    )
    return [
        (
            "identifier",
            (s["doi_same"] | s["pmid_same"]) & ((t >= 0.8) | (s["title_contained"] >= 0.95)) & ~contradiction,
        ),
        # a Cochrane review re-published under a reworded title keeps its CD number
        (
            "report number",
            s["report_number_same"]
            & ((t >= 0.8) | (s["title_contained"] >= 0.95))
            & ~(s["doi_differs"] | s["pmid_differs"] | s["marks_differ"])
            & (s["year_gap"] <= 1)
            & e["authors_fine"],
        ),
        (
            "title+details",
            (t >= 0.95)
            & ~contradiction
            & ~s["volume_differs"]
            & e["pages_fine"]
            & e["close_year"]
            & e["authors_fine"]
            & (e["evidence"] >= 2)
            & (~e["generic"] | (s["volume_same"] & s["page_same"]))
            # a journal-club digest repeats its article's title and authors under another
            # journal name, with pages of its own ('JC3'): two journals and two page
            # strings that do not agree are two works, however unreadable the pages
            & ~(s["journal_differs"] & s["pages_both_given"] & ~s["page_same"]),
        ),
        (
            "title+volume+page",
            (t >= 0.85) & ~contradiction & same_year & authors_agree & s["volume_same"] & s["page_same"],
        ),
        (
            "title+venue",
            (t >= 0.95) & ~contradiction & same_year & s["volume_same"] & s["page_same"] & s["journal_same"],
        ),
        # short or generic titles ('2015 Meeting Abstracts', 'Coronary artery disease') in one issue of one journal
        (
            "title+issue",
            (t >= 0.95)
            & ~contradiction
            & same_year
            & authors_agree
            & s["volume_same"]
            & s["issue_text_same"]
            & ~s["journal_differs"]
            & ~s["page_differs"],
        ),
        (
            "title+authors",
            (t >= 0.95)
            & ~contradiction
            & (same_year | ((s["year_gap"] == 1) & (t >= 0.97)))
            & (a >= 0.9)
            & ~s["volume_differs"]
            & ~s["page_differs"]
            & (s["title_words"] >= 6)
            & ~s["kinds_differ"]
            & ~(s["journal_differs"] & s["pages_both_given"] & ~s["page_same"]),
        ),
        (
            "details+title part",
            (s["title_contained"] >= 0.95)
            & (t >= 0.3)
            & ~contradiction
            & same_year
            & ((a >= 0.9) | ((a >= 0.6) & s["page_end_same"]))
            & s["page_same"]
            & ~s["volume_differs"]
            & (s["volume_same"] | s["journal_same"] | s["no_venue"]),
        ),
        (
            "details+title part",
            (s["title_contained"] >= 0.95)
            & ~contradiction
            & same_year
            & (a >= 0.9)
            & s["journal_same"]
            & ~s["volume_differs"]
            & ~s["page_differs"]
            & (s["title_words"] >= 6),
        ),
        # one article, its title in two languages: same journal issue, same page range, same first author
        (
            "venue+page range",
            same_year
            & s["volume_same"]
            # one issue on both sides, or an issue beside an accession number (which says nothing)
            & (s["issue_same"] | (s["issue_text_differs"] & ~s["issue_differs"]))
            & ~s["marks_differ"]
            & s["page_same"]
            & s["page_end_same"]
            & s["journal_same"]
            & s["first_author"]
            & ~(s["doi_differs"] | s["pmid_differs"])
            & ~s["conference_vs_other"],
        ),
        # a number mistyped in one title ('p6INK4a' for 'p16INK4a'): one journal, volume, first page and author list
        (
            "venue+page, title typo",
            (t >= 0.95)
            & s["signature_differs"]
            & ~s["marks_differ"]
            & ~(s["doi_differs"] | s["pmid_differs"] | e["issue_clash"])
            & same_year
            & authors_agree
            & s["volume_same"]
            & s["page_same"]
            & s["journal_same"],
        ),
        ("title only", (t >= 0.99) & ~contradiction & same_year & ~s["has_details"] & (s["title_words"] >= 8)),
    ]


def near_pairs(
    s: pd.DataFrame, e: dict[str, pd.Series], decision: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pairs close to a rule but unmerged, those of them a contradiction keeps apart, why)."""
    t, issue_clash = e["t"], e["issue_clash"]
    near = (decision == "") & (((t >= 0.9) & (s["year_gap"] <= 1)) | s["doi_same"] | s["pmid_same"]).to_numpy()
    elsewhere = s["journal_differs"] & (s["page_differs"] | s["volume_differs"])  # one title in two venues
    shared_id = (s["doi_same"] | s["pmid_same"]) & (t < 0.5) & (s["title_contained"] < 0.8)  # e.g. a supplement's DOI
    why = np.select(
        [
            s["doi_differs"] | s["pmid_differs"],
            s["signature_differs"] | issue_clash,
            elsewhere,
            shared_id,
            s["doi_same"] | s["pmid_same"],
            s["volume_differs"] | s["page_differs"],
            s["year_gap"] == 1,
            ~e["authors_fine"],
        ],
        [
            "different DOIs or PMIDs",
            "titles or issues differ in a number or a notice word (part, follow-up, erratum, reply)",
            "the same title in two journals",
            "a shared DOI or PMID (e.g. of a supplement) on different titles",
            "same identifier, different titles",
            "different volume or pages",
            "years one apart",
            "different authors",
        ],
        "too little evidence beyond the title",
    )
    hard = (e["contradiction"] | elsewhere | shared_id).to_numpy()
    return near, hard, why
