"""The tables that pass between rules: their columns, and how they are written.

Every intermediate table is UTF-8 CSV with "\\n" line ends, all cells as text
(no float formatting that could drift between pandas versions), rows in a fixed
order and lists joined with "; ". CSV rather than Parquet because it diffs in
git, opens in a spreadsheet, and its bytes depend on nothing but the data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .schemas import sheet_columns

LIST_SEPARATOR = "; "
# Columns every sheet ends with: where its values come from, and which are demonstration values.
PROVENANCE_COLUMNS = ["source", "illustrative"]

# The bibliographic fields of a record, and of a citation merged from its records.
BIBLIOGRAPHIC_FIELDS = [
    "type",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "issn",
    "abstract",
    "keywords",
    "language",
    "url",
]

# Tags an export has beyond the fields above (vendor tags such as RIS 'PU' or 'AI'), kept
# as 'TAG: value' lines so that nothing read is dropped; `reviewflow export` writes them back.
EXTRA = "extra"

# One row per record read from an export file (the ingest rule's output).
RECORD_COLUMNS = ["record_id", "source", "search", "file", "position", *BIBLIOGRAPHIC_FIELDS, EXTRA]

# Records that could not be read, set aside with on_error: skip (never dropped).
REJECTED_COLUMNS = ["record_id", "source", "search", "file", "position", "where", "reason", "raw"]

# results/dedup/records.csv: every record with the citation it belongs to.
DEDUPED_RECORD_COLUMNS = RECORD_COLUMNS + ["citation_id", "match_rule"]

# results/dedup/citations.csv: one row per unique citation (a dedup cluster).
CITATION_COLUMNS = ["citation_id", "record_ids", "sources", "searches", "first_search", *BIBLIOGRAPHIC_FIELDS, EXTRA]

# results/studies/awaiting.csv: work a review in progress has not done yet.
AWAITING_LINKING = "awaiting linking to a study"
AWAITING_EXTRACTION = "awaiting extraction"
AWAITING_COLUMNS = ["kind", "id", "state", "title"]

# results/screening/status.csv: where each citation stands in screening.
STATUS_COLUMNS = [
    "citation_id",
    "first_search",
    "title",
    "year",
    "title_abstract",
    "full_text",
    "status",
    "exclusion_reason",
    "illustrative",
]

# results/studies/studies.csv: the registry with what is computed from the extraction.
STUDY_COMPUTED_COLUMNS = [
    "intervention_types",
    "n_randomised",
    "n_analysed",
    "population",
    "primary_citation",
    "citation_ids",
    "kqs",
]


def study_columns(vocabulary: dict | None = None) -> list[str]:
    """The study table's columns: the sheet's (with the review's characteristics), then computed."""
    sheet = [c for c in sheet_columns("studies", vocabulary) if c not in PROVENANCE_COLUMNS]
    return [*sheet, *STUDY_COMPUTED_COLUMNS, *PROVENANCE_COLUMNS]


def arm_columns(vocabulary: dict | None = None) -> list[str]:
    """results/studies/arms.csv: the checked arms sheet, with the review's characteristics."""
    return sheet_columns("arms", vocabulary)


# results/studies/outcomes.csv: the checked outcomes sheet.
OUTCOME_COLUMNS = sheet_columns("outcomes")

# results/studies/publications.csv: each included citation under its study.
PUBLICATION_COLUMNS = [
    "study_id",
    "citation_id",
    "primary",
    *("authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid"),
    "illustrative",
]

# results/studies/comparisons.csv: pairs of arms with an intervention arm, derived from arms.csv.
COMPARISON_COLUMNS = [
    "study_id",
    "comparison_id",
    "kind",
    "intervention_arm",
    "comparator_arm",
    "comparator_type",
    "differences",
]

# How a comparison came to answer a KQ: the rule it met, or the override and its reason.
MAPPING_COLUMNS = ["kq", "kq_group", "kq_group_title", "study_id", "comparison_id", "mapped_by"]

# results/studies/evidence_rows.csv: one row per KQ x group x study comparison; the
# outcome cells (one column per outcome column of the config's vocabulary) hold a line per
# measure and timepoint, illustrative parts marked.
EVIDENCE_LEADING_COLUMNS = [
    "kq",
    "kq_group",
    "kq_group_title",
    "study_id",
    "label",
    "comparison_id",
    "intervention",
    "intervention_n",
    "comparator",
    "comparator_n",
    "comparator_type",
    "differences",
    "delivery",
]


def evidence_columns(vocabulary: dict) -> list[str]:
    outcomes = [column["id"] for column in vocabulary["outcome_columns"]]
    return [*EVIDENCE_LEADING_COLUMNS, *outcomes, "mapped_by", *PROVENANCE_COLUMNS]


# results/rob/rob.csv has a column per domain of the configured tool: see rob.assessments.


def conform(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Exactly these columns in this order, every cell a string ('' for missing)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table lacks columns {missing}")
    out = frame.loc[:, columns].copy()
    for column in columns:
        if pd.api.types.infer_dtype(out[column], skipna=False) in ("string", "empty"):
            out[column] = out[column].astype(str)  # every cell a string: _as_text gives each back unchanged
        else:
            out[column] = out[column].map(_as_text).astype(str)
    return out.reset_index(drop=True)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value if str(v))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(frame: pd.DataFrame, path: str | Path, columns: list[str]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    conform(frame, columns).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def read_csv(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return conform(frame, columns) if columns else frame


def split_list(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(LIST_SEPARATOR.strip()) if part.strip()]


def write_json(data, path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read_json(path: str | Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


ID_HEX_DIGITS = 16  # of record and citation ids: 64 bits, collisions stay improbable at millions of records

ID_SHAPE = re.compile(rf"^[CR][0-9a-f]{{{ID_HEX_DIGITS}}}(-[0-9]+)?$")


def orphan_hint(key: str) -> str:
    """What to say after 'names no known citation' when the key is a record or citation id:
    such an id is gone only when its export was renamed, removed or edited."""
    if not ID_SHAPE.match(key):
        return ""
    return (
        "; a record's id rests on its export's batch, file name and text, so an export renamed, removed or "
        "edited leaves the decisions on its records without their citation: if a file was renamed, put its "
        "old name back and run `reviewflow search rename CONFIG --batch BATCH OLD NEW`, which carries them"
    )
