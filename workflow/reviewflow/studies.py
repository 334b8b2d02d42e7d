"""Studies and key questions: publications grouped into studies, comparisons
mapped to key questions by the rules declared in the config.

Evidence tables are about studies, not publications; every included citation
must belong to exactly one study and every study must rest on included
citations, or the tables would silently lose or invent evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import ReviewflowError
from .screening import citation_resolver
from .tables import (
    EVIDENCE_COLUMNS,
    LIST_SEPARATOR,
    PUBLICATION_COLUMNS,
    STUDY_COLUMNS,
    conform,
    split_list,
)


@dataclass(frozen=True)
class SheetFiles:
    """Where each sheet came from, so errors can name it."""

    registry: str
    publications: str
    comparisons: str


def illustrative_columns(value: str, columns: list[str]) -> list[str]:
    """The columns an 'illustrative' cell marks: 'all' means every value column."""
    if value == "all":
        return [c for c in columns if c not in ("study_id", "source", "illustrative", "comparison_id")]
    return split_list(value)


def check_illustrative(frame: pd.DataFrame, file: str) -> None:
    for offset, value in enumerate(frame["illustrative"]):
        for column in illustrative_columns(value, list(frame.columns)):
            if column not in frame.columns:
                raise ReviewflowError(
                    f"'{column}' is not a column of this sheet; list column names or 'all'",
                    file=file, row=offset + 2, column="illustrative",
                )


def build_studies(
    registry: pd.DataFrame,
    publications: pd.DataFrame,
    comparisons: pd.DataFrame,
    citations: pd.DataFrame,
    status: pd.DataFrame,
    key_questions: list[dict],
    files: SheetFiles,
) -> dict[str, pd.DataFrame]:
    """Studies, their publications, evidence rows per KQ and the study x KQ matrix."""
    check_illustrative(registry, files.registry)
    check_illustrative(comparisons, files.comparisons)
    study_ids = set(registry["study_id"])
    included = set(status.loc[status["status"] == "included", "citation_id"])
    links = _link_publications(publications, citations, study_ids, included, files.publications)

    linked = set(links["citation_id"])
    missing = sorted(included - linked)
    if missing:
        raise ReviewflowError(
            f"included citation {missing[0]} is linked to no study; add a row for it",
            file=files.publications,
        )
    primaries = links[links["primary"] == "yes"].groupby("study_id").size()
    for offset, study_id in enumerate(registry["study_id"]):
        count = int(primaries.get(study_id, 0))
        if count != 1:
            problem = "has no publication" if study_id not in set(links["study_id"]) else f"has {count} primary publications; mark exactly one 'yes'"
            raise ReviewflowError(f"study '{study_id}' {problem}", file=files.registry, row=offset + 2, column="study_id")

    evidence = map_key_questions(comparisons, registry, key_questions, files.comparisons)
    kqs_by_study = evidence.groupby("study_id")["kq"].agg(lambda s: LIST_SEPARATOR.join(dict.fromkeys(s)))
    cites = citations.set_index("citation_id")
    pubs = links.join(cites, on="citation_id").sort_values(["study_id", "primary", "year", "citation_id"], ascending=[True, False, True, True], kind="stable")
    studies = registry.copy()
    studies["primary_citation"] = studies["study_id"].map(pubs[pubs["primary"] == "yes"].set_index("study_id")["citation_id"])
    studies["citation_ids"] = studies["study_id"].map(pubs.groupby("study_id")["citation_id"].agg(LIST_SEPARATOR.join))
    studies["kqs"] = studies["study_id"].map(kqs_by_study).fillna("")
    studies = studies.sort_values("study_id", kind="stable")
    matrix = kq_matrix(studies, evidence, [kq["id"] for kq in key_questions])
    return {
        "studies": conform(studies, STUDY_COLUMNS),
        "publications": conform(pubs, PUBLICATION_COLUMNS),
        "evidence_rows": conform(evidence, EVIDENCE_COLUMNS),
        "kq_matrix": matrix,
    }


def _link_publications(publications, citations, study_ids, included, file) -> pd.DataFrame:
    resolve = citation_resolver(citations)
    rows = []
    for offset, row in enumerate(publications.itertuples(index=False)):
        line = offset + 2
        if row.study_id not in study_ids:
            raise ReviewflowError(f"study '{row.study_id}' is not in the study registry", file=file, row=line, column="study_id")
        citation_id = resolve(row.citation)
        if citation_id is None:
            raise ReviewflowError(f"'{row.citation}' names no known citation", file=file, row=line, column="citation")
        if citation_id not in included:
            raise ReviewflowError(
                f"citation {citation_id} is not included by screening, so it cannot support study '{row.study_id}'",
                file=file, row=line, column="citation",
            )
        rows.append({"study_id": row.study_id, "citation_id": citation_id, "primary": row.primary})
    links = pd.DataFrame(rows, columns=["study_id", "citation_id", "primary"])
    twice = links[links["citation_id"].duplicated()]
    if len(twice):
        line = int(twice.index[0]) + 2
        raise ReviewflowError(f"citation {twice['citation_id'].iloc[0]} is linked to two studies", file=file, row=line, column="citation")
    return links


def map_key_questions(comparisons: pd.DataFrame, registry: pd.DataFrame, key_questions: list[dict], file: str) -> pd.DataFrame:
    """One evidence row per (KQ, comparison) whose comparator category the KQ declares."""
    labels = registry.set_index("study_id")["label"]
    rows = []
    for offset, comparison in enumerate(comparisons.to_dict("records")):
        line = offset + 2
        if comparison["study_id"] not in labels.index:
            raise ReviewflowError(f"study '{comparison['study_id']}' is not in the study registry", file=file, row=line, column="study_id")
        for kq in key_questions:
            if comparison["comparator_category"] not in kq["comparator_categories"]:
                continue
            group = comparison[kq["group_by"]]
            if not group:
                raise ReviewflowError(f"{kq['id']} groups comparisons by {kq['group_by']}, which is empty here", file=file, row=line, column=kq["group_by"])
            rows.append({**comparison, "kq": kq["id"], "kq_group": group, "label": labels[comparison["study_id"]]})
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    frame["_rank"] = [_group_rank(kq, group, key_questions) for kq, group in zip(frame["kq"], frame["kq_group"])]
    return frame.sort_values(["_rank", "study_id", "comparison_id"], kind="stable").drop(columns="_rank")


def _group_rank(kq_id: str, group: str, key_questions: list[dict]) -> tuple:
    """KQs in config order; within one, comparator groups in the order the config lists them."""
    for index, kq in enumerate(key_questions):
        if kq["id"] == kq_id:
            declared = kq["comparator_categories"] if kq["group_by"] == "comparator_category" else []
            return (index, declared.index(group) if group in declared else len(declared), group)
    return (len(key_questions), 0, group)


def kq_matrix(studies: pd.DataFrame, evidence: pd.DataFrame, kq_ids: list[str]) -> pd.DataFrame:
    """Study x KQ: how many comparisons of each study answer each KQ (0 = none)."""
    counts = evidence.groupby(["study_id", "kq"]).size()
    rows = []
    for study in studies.itertuples(index=False):
        row = {"study_id": study.study_id, "label": study.label}
        for kq in kq_ids:
            row[kq] = str(int(counts.get((study.study_id, kq), 0)))
        row["mapped"] = "yes" if any(row[kq] != "0" for kq in kq_ids) else "no"
        rows.append(row)
    return pd.DataFrame(rows, columns=["study_id", "label", *kq_ids, "mapped"])
