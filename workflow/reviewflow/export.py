"""Writing the deduplicated library back out for EndNote, Zotero or Mendeley:
RIS through rispy's writer, or CSV in the record schema."""

from __future__ import annotations

import re

import pandas as pd
import rispy

from .tables import LIST_SEPARATOR, split_list
from .xlsx import FORMULA_START

RIS_TAG = re.compile(r"[A-Z][A-Z0-9]")
EXPORTED_TYPE = "Type (as exported)"
# Our record types (ingest.normalise.RECORD_TYPES) as RIS reference types.
RIS_TYPES = {
    "journal article": "JOUR",
    "conference abstract": "ABST",
    "conference paper": "CPAPER",
    "book": "BOOK",
    "book chapter": "CHAP",
    "report": "RPRT",
    "thesis": "THES",
    "preprint": "UNPB",
    "letter": "JOUR",
    "editorial": "JOUR",
    "comment": "JOUR",
    "erratum": "JOUR",
    "retraction": "JOUR",
}


def to_ris(frame: pd.DataFrame) -> str:
    """One RIS record per row; PMIDs go in N1 as 'PMID: n', which we read back."""
    entries = []
    for row in frame.to_dict("records"):
        start, _, end = row["pages"].partition("-")
        entry = {
            "type_of_reference": RIS_TYPES.get(row["type"], "GEN" if row["type"] else "JOUR"),
            "title": row["title"],
            "authors": split_list(row["authors"]),
            "year": row["year"],
            "secondary_title": row["journal"],
            "volume": row["volume"],
            "number": row["issue"],
            "start_page": start,
            "end_page": end,
            "doi": row["doi"],
            "issn": row["issn"],
            "abstract": row["abstract"],
            "keywords": split_list(row["keywords"]),
            "language": row["language"],
            "urls": [u.strip() for u in row["url"].split(LIST_SEPARATOR) if u.strip()],  # one UR line each
            "notes": [f"PMID: {row['pmid']}"] * bool(row["pmid"]) + [f"PMCID: {row['pmcid']}"] * bool(row["pmcid"]),
        }
        entries.append({k: v for k, v in entry.items() if v})
    text = re.sub(r"^\d+\.\n", "", rispy.dumps(entries), flags=re.M)  # importers need no record numbers
    return _with_extra_tags(text, [row.get("extra", "") for row in frame.to_dict("records")])


def _with_extra_tags(text: str, extras: list[str]) -> str:
    """The tags ingest kept in `extra` ('TAG: value' lines), written back before each ER line."""
    records = text.split("ER  - \n")
    for number, extra in enumerate(extras):
        lines = [
            line.split(": ", 1) for line in extra.split("\n") if ": " in line and not line.startswith(EXPORTED_TYPE)
        ]  # the type is TY's
        records[number] += "".join(
            f"{tag}  - {value}\n" if RIS_TAG.fullmatch(tag) else f"N1  - {tag}: {value}\n" for tag, value in lines
        )  # a spreadsheet column's name is no RIS tag: written as a note
    return "ER  - \n".join(records)


def formula_safe(value: str) -> str:
    """A cell people open in a spreadsheet: one that would start a formula is kept as
    text by a leading apostrophe, as OWASP recommends."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def to_csv_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The library as a CSV for reference managers and spreadsheets, formula-safe."""
    out = frame.copy()
    for column in columns:
        if column not in out.columns:
            out[column] = ""
    return out[columns].map(lambda v: formula_safe(LIST_SEPARATOR.join(v) if isinstance(v, list) else v))
