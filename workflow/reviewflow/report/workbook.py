"""The evidence-table workbook reviewers work in: a sheet per KQ, then studies,
quality ratings and references, all from the report context."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ..xlsx import add_table_sheet, fill, save_deterministic

QUALITY_FILLS = {"Good": "CFE8CF", "Fair": "FFF1C2", "Poor": "F6CDCD"}
EVIDENCE_HEADER = [
    "KQ", "Group", "Study", "Study id", "Comparison", "Intervention", "Intervention n",
    "Comparator", "Comparator n", "Quality", "Source", "Illustrative columns",
]  # fmt: skip


def write_workbook(context: dict, path: str | Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kq in context["key_questions"]:
        rows = [
            [kq["id"], group["name"], r["label"], r["study_id"], r["comparison_id"], r["intervention"],
             r["intervention_n"], r["comparator"], r["comparator_n"], r["quality"], r["source"],
             "; ".join(r["illustrative_columns"])]
            for group in kq["groups"] for r in group["rows"]
        ]  # fmt: skip
        sheet = add_table_sheet(workbook, kq["id"], EVIDENCE_HEADER, rows)
        _colour_quality(sheet, EVIDENCE_HEADER.index("Quality") + 1, len(rows))
    studies_header = ["Study id", "Study", "Program", "Design", "Country", "Pain condition", "N randomised", "KQs", "Source", "Illustrative columns"]
    add_table_sheet(workbook, "Studies", studies_header, [
        [s["study_id"], s["label"], s["program_type"], s["design"], s["country"], s["pain_condition"],
         s["n_randomised"], s["kqs"], s["source"], "; ".join(s["illustrative_columns"])]
        for s in context["studies"]
    ])  # fmt: skip
    rob_rows = [[r["study_id"], r["label"], r["tool"], r["overall"], r["support"], r["source"], "; ".join(r["illustrative_columns"])] for r in context["rob"]]
    sheet = add_table_sheet(workbook, "Quality", ["Study id", "Study", "Tool", "Rating", "Support", "Source", "Illustrative columns"], rob_rows)
    _colour_quality(sheet, 4, len(rob_rows))
    add_table_sheet(workbook, "References", ["No.", "Study id", "Citation id", "Reference", "DOI", "PMID"], [
        [r["number"], r["study_id"], r["citation_id"], r["text"], r["doi"], r["pmid"]] for r in context["references"]
    ])  # fmt: skip
    save_deterministic(workbook, path, date.fromisoformat(context["batch"]["date_searched"]))


def _colour_quality(sheet, column: int, count: int) -> None:
    for row in range(2, count + 2):
        cell = sheet.cell(row=row, column=column)
        if cell.value in QUALITY_FILLS:
            cell.fill = fill(QUALITY_FILLS[cell.value])
