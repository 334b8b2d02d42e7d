"""Studies: publications grouped into studies, the extraction checked, comparisons
mapped to key questions, and the evidence-table rows of each key question.

Evidence tables are about studies, not publications; every linked citation
belongs to exactly one study and every study rests on included citations, or the
tables would silently lose or invent evidence. A review in progress has work not
done yet, which is not an error: an included citation not linked to a study waits
as "awaiting linking", a study without arms as "awaiting extraction", both listed
in `awaiting` (and in the report) until a person does them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ReviewflowError
from ..marks import illustrative_columns, is_illustrative
from ..screening import citation_resolver
from ..tables import (
    AWAITING_COLUMNS,
    AWAITING_EXTRACTION,
    AWAITING_LINKING,
    COMPARISON_COLUMNS,
    LIST_SEPARATOR,
    OUTCOME_COLUMNS,
    PUBLICATION_COLUMNS,
    arm_columns,
    conform,
    evidence_columns,
    orphan_hint,
    split_list,
    study_columns,
)
from .cells import arm_summary, outcome_columns_by_domain, outcome_text, population_text
from .extraction import check_extraction
from .kq_mapping import apply_overrides, apply_rules, kq_matrix, order_rows


@dataclass(frozen=True)
class SheetFiles:
    """Where each sheet came from, so errors can name it."""

    registry: str
    publications: str
    arms: str
    outcomes: str
    kq_overrides: str = "kq_overrides.csv"


def build_studies(
    registry: pd.DataFrame,
    publications: pd.DataFrame,
    arms: pd.DataFrame,
    outcomes: pd.DataFrame,
    overrides: pd.DataFrame,
    citations: pd.DataFrame,
    status: pd.DataFrame,
    key_questions: list[dict],
    files: SheetFiles,
    vocabulary: dict,
    tabled: set[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Studies, their publications, extraction, evidence rows per KQ and the study x KQ matrix.
    `tabled`: in a diagnostic review, the studies with a 2x2 table; the others await extraction
    (in a review of interventions, the studies without arms)."""
    sheet_files = {"registry": files.registry, "arms": files.arms, "outcomes": files.outcomes}
    extraction = check_extraction(registry, arms, outcomes, sheet_files, vocabulary)
    study_ids = set(registry["study_id"])
    included = set(status.loc[status["status"] == "included", "citation_id"])
    links = _link_publications(publications, citations, study_ids, included, files.publications)
    _check_links(links, registry, files)
    unlinked = sorted(included - set(links["citation_id"]))

    headings = {c["id"]: c["heading"] for c in vocabulary.get("arm_characteristics", [])}
    ruled = apply_rules(extraction.comparisons, key_questions, headings)
    mapping = apply_overrides(ruled, overrides, extraction.comparisons, study_ids, key_questions, files.kq_overrides)
    mapping = order_rows(mapping, key_questions)
    studies = _study_table(registry, extraction.arms, vocabulary)
    evidence = evidence_rows(mapping, studies, extraction, vocabulary)
    kqs_by_study = mapping.groupby("study_id")["kq"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    cites = citations.set_index("citation_id")
    pubs = links.join(cites, on="citation_id").sort_values(
        ["study_id", "primary", "year", "citation_id"], ascending=[True, False, True, True], kind="stable"
    )
    primary = pubs[pubs["primary"] == "yes"].set_index("study_id")["citation_id"]
    studies["primary_citation"] = studies["study_id"].map(primary)
    studies["citation_ids"] = studies["study_id"].map(pubs.groupby("study_id")["citation_id"].agg(LIST_SEPARATOR.join))
    studies["kqs"] = _looked_up(studies["study_id"], kqs_by_study)
    studies = studies.sort_values("study_id", kind="stable")
    kq_ids = [kq["id"] for kq in key_questions]
    return {
        "studies": conform(studies, study_columns(vocabulary)),
        "publications": conform(pubs, PUBLICATION_COLUMNS),
        "arms": conform(extraction.arms, arm_columns(vocabulary)),
        "outcomes": conform(extraction.outcomes, OUTCOME_COLUMNS),
        "comparisons": conform(extraction.comparisons, COMPARISON_COLUMNS),
        "evidence_rows": conform(evidence, evidence_columns(vocabulary)),
        "kq_matrix": kq_matrix(studies, mapping, extraction.comparisons, kq_ids, overrides, ruled),
        "awaiting": awaiting_work(
            unlinked,
            extraction.unextracted if tabled is None else tuple(sorted(study_ids - tabled)),
            citations,
            registry,
        ),
    }


def awaiting_work(
    unlinked: list[str], unextracted: tuple[str, ...], citations: pd.DataFrame, registry: pd.DataFrame
) -> pd.DataFrame:
    """Included citations not under a study yet, and studies without extraction yet."""
    titles = citations.set_index("citation_id")["title"]
    labels = registry.set_index("study_id")["label"]
    rows = [["citation", c, AWAITING_LINKING, titles.get(c, "")] for c in unlinked]
    rows += [["study", s, AWAITING_EXTRACTION, labels.get(s, "")] for s in unextracted]
    return pd.DataFrame(rows, columns=AWAITING_COLUMNS, dtype=str)


def _check_links(links: pd.DataFrame, registry: pd.DataFrame, files: SheetFiles) -> None:
    """Every study with exactly one primary publication."""
    primaries = links[links["primary"] == "yes"].groupby("study_id").size()
    for offset, study_id in enumerate(registry["study_id"]):
        count = int(primaries.get(study_id, 0))
        if count != 1:
            problem = (
                "has no publication"
                if study_id not in set(links["study_id"])
                else f"has {count} primary publications; mark exactly one 'yes'"
            )
            raise ReviewflowError(
                f"study '{study_id}' {problem}", file=files.registry, row=offset + 2, column="study_id"
            )


def _study_table(registry: pd.DataFrame, arms: pd.DataFrame, vocabulary: dict) -> pd.DataFrame:
    """The registry with the intervention types of its arms, Ns summed over arms (empty if
    any arm lacks one) and the population text."""
    studies = registry.copy()
    columns = list(registry.columns)
    interventions = [term["name"] for term in vocabulary["interventions"]]
    types = arms.groupby("study_id")["arm_type"].agg(
        lambda kinds: LIST_SEPARATOR.join(t for t in interventions if t in set(kinds))
    )
    studies["intervention_types"] = _looked_up(studies["study_id"], types)
    for column in ("n_randomised", "n_analysed"):
        totals = arms.groupby("study_id")[column].agg(lambda ns: str(sum(int(n) for n in ns)) if all(ns) else "")
        studies[column] = _looked_up(studies["study_id"], totals)
    characteristics = vocabulary.get("study_characteristics", [])
    studies["population"] = [population_text(row, columns, characteristics) for row in registry.to_dict("records")]
    arm_columns_ = list(arms.columns)
    marks = []
    for row, total, analysed in zip(registry.to_dict("records"), studies["n_randomised"], studies["n_analysed"]):
        listed = illustrative_columns(row["illustrative"], columns)
        of_study = arms[arms["study_id"] == row["study_id"]].to_dict("records")
        if any(is_illustrative(arm, "arm_type", arm_columns_) for arm in of_study):
            listed.append("intervention_types")
        for column, value in (("n_randomised", total), ("n_analysed", analysed)):
            if value and any(is_illustrative(arm, column, arm_columns_) for arm in of_study):
                listed.append(column)
        marks.append(LIST_SEPARATOR.join(dict.fromkeys(listed)))
    studies["illustrative"] = marks
    return studies


def evidence_rows(mapping: pd.DataFrame, studies: pd.DataFrame, extraction, vocabulary: dict) -> pd.DataFrame:
    """The evidence-table row of each mapped comparison, its cells composed from the extraction."""
    arms = {(a["study_id"], a["arm"]): a for a in extraction.arms.to_dict("records")}
    arm_cols = list(extraction.arms.columns)
    comparisons = extraction.comparisons.set_index(["study_id", "comparison_id"])
    labels = studies.set_index("study_id")["label"]
    sources = studies.set_index("study_id")["source"]
    characteristics = vocabulary.get("arm_characteristics", [])
    delivery = [c["id"] for c in characteristics if c.get("delivery")]
    others = {c["id"] for c in characteristics if not c.get("delivery")}
    outcome_cols = list(extraction.outcomes.columns)
    outcomes_by_study: dict[str, list[dict]] = {}
    for outcome in extraction.outcomes.to_dict("records"):
        outcomes_by_study.setdefault(outcome["study_id"], []).append(outcome)
    rows = []
    for row in mapping.to_dict("records"):
        comparison = comparisons.loc[(row["study_id"], row["comparison_id"])]
        first = arms[(row["study_id"], comparison["intervention_arm"])]
        other = arms[(row["study_id"], comparison["comparator_arm"])]
        also = tuple(c for c in split_list(comparison["differences"]) if c in others)
        marks = [
            target
            for target, column, arm in (
                ("intervention", "name", first),
                ("intervention_n", "n_randomised", first),
                ("comparator", "name", other),
                ("comparator_n", "n_randomised", other),
            )
            if is_illustrative(arm, column, arm_cols)
        ]
        summaries = (arm_summary(arm, arm_cols, delivery, also) for arm in (first, other))
        evidence = {
            **row,
            "label": labels[row["study_id"]],
            "intervention": f"{first['arm']}. {first['name']}",
            "intervention_n": first["n_randomised"],
            "comparator": f"{other['arm']}. {other['name']}",
            "comparator_n": other["n_randomised"],
            "comparator_type": comparison["comparator_type"],
            "differences": comparison["differences"],
            "delivery": "\n".join(t for t in summaries if t),
            "source": "; ".join(
                dict.fromkeys(s for s in (sources[row["study_id"]], first["source"], other["source"]) if s)
            ),
            "illustrative": LIST_SEPARATOR.join(marks),
        }
        of_study = outcomes_by_study.get(row["study_id"], [])
        for column, domains in outcome_columns_by_domain(vocabulary).items():
            evidence[column] = outcome_text(of_study, outcome_cols, first["arm"], other["arm"], domains)
        rows.append(evidence)
    return pd.DataFrame(rows, columns=evidence_columns(vocabulary))


def _link_publications(publications, citations, study_ids, included, file) -> pd.DataFrame:
    resolve = citation_resolver(citations)
    rows = []
    for offset, row in enumerate(publications.itertuples(index=False)):
        line = offset + 2
        if row.study_id not in study_ids:
            raise ReviewflowError(
                f"study '{row.study_id}' is not in the study registry", file=file, row=line, column="study_id"
            )
        citation_id = resolve(row.citation, file=file, row=line, column="citation")
        if citation_id is None:
            raise ReviewflowError(
                f"'{row.citation}' names no known citation{orphan_hint(row.citation)}",
                file=file,
                row=line,
                column="citation",
            )
        if citation_id not in included:
            raise ReviewflowError(
                f"citation {citation_id} is not included by screening, so it cannot support study '{row.study_id}'",
                file=file,
                row=line,
                column="citation",
            )
        rows.append(
            {
                "study_id": row.study_id,
                "citation_id": citation_id,
                "primary": row.primary,
                "illustrative": row.illustrative,
            }
        )
    links = pd.DataFrame(rows, columns=["study_id", "citation_id", "primary", "illustrative"])
    twice = links[links["citation_id"].duplicated()]
    if len(twice):
        line = int(twice.index[0]) + 2
        raise ReviewflowError(
            f"citation {twice['citation_id'].iloc[0]} is linked to two studies", file=file, row=line, column="citation"
        )
    return links


def _looked_up(ids: pd.Series, values) -> pd.Series:
    """Each id's value, '' where it has none: text even when nothing matches (a review
    without arms), where a Series map would give a column of floats."""
    found = dict(values)
    return ids.map(lambda key: found.get(key, ""))
