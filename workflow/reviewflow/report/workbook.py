"""The evidence-table workbook reviewers work in: a sheet per KQ, then studies,
quality ratings and references, all from the report context."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ..xlsx import add_table_sheet, fill, save_deterministic

# Cell colours by the level the tool gives each judgement (see rob/tools/*.yaml).
LEVEL_FILLS = {"low": "CFE8CF", "some": "FFF1C2", "high": "F6CDCD", "critical": "C98B8B", "ni": "D6E8FB"}
EVIDENCE_HEADER = [
    "KQ",
    "Group",
    "Study",
    "Study id",
    "Comparison",
    "Intervention",
    "Intervention n",
    "Comparator",
    "Comparator n",
    "Quality",
    "Delivery",
    "Primary outcomes",
    "Secondary outcomes",
    "Harms, utilisation, satisfaction",
    "Why in this KQ",
    "Source",
    "Illustrative columns",
]


def write_workbook(context: dict, path: str | Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for kq in context["key_questions"]:
        rows = [
            [
                kq["id"],
                group["title"],
                r["label"],
                r["study_id"],
                r["comparison_id"],
                r["intervention"],
                r["intervention_n"],
                r["comparator"],
                r["comparator_n"],
                r["quality"],
                r["delivery"],
                r["primary_outcomes"],
                r["secondary_outcomes"],
                r["harms"],
                r["mapped_by"],
                r["source"],
                "; ".join(r["illustrative_columns"]),
            ]
            for group in kq["groups"]
            for r in group["rows"]
        ]
        sheet = add_table_sheet(workbook, kq["id"], EVIDENCE_HEADER, rows)
        _colour_judgements(sheet, EVIDENCE_HEADER.index("Quality") + 1, len(rows), context["rob_levels"])
    studies_header = [
        "Study id",
        "Study",
        "Program",
        "Design",
        "Country",
        "Setting",
        "Pain condition",
        "Pain duration",
        "Mean age",
        "% male",
        "Race/ethnicity",
        "Disability",
        "Comorbidities",
        "Funding",
        "N randomised",
        "N analysed",
        "KQs",
        "Source",
        "Illustrative columns",
    ]
    add_table_sheet(
        workbook,
        "Studies",
        studies_header,
        [
            [
                s["study_id"],
                s["label"],
                s["program_type"],
                s["design"],
                s["country"],
                s["setting"],
                s["pain_condition"],
                s["pain_duration"],
                s["mean_age"],
                s["pct_male"],
                s["race_ethnicity"],
                s["disability"],
                s["comorbidities"],
                s["funding"],
                s["n_randomised"],
                s["n_analysed"],
                s["kqs"],
                s["source"],
                "; ".join(s["illustrative_columns"]),
            ]
            for s in context["studies"]
        ],
    )
    arms_header = [
        "Study id",
        "Arm",
        "Name",
        "Type",
        "Components",
        "Duration, intensity",
        "Format",
        "Setting",
        "Care provision",
        "N randomised",
        "N analysed",
        "Source",
        "Illustrative columns",
    ]
    add_table_sheet(
        workbook,
        "Arms",
        arms_header,
        [
            [
                a["study_id"],
                a["arm"],
                a["name"],
                a["arm_type"],
                a["components"],
                a["duration_intensity"],
                a["session_format"],
                a["setting"],
                a["care_provision"],
                a["n_randomised"],
                a["n_analysed"],
                a["source"],
                "; ".join(a["illustrative_columns"]),
            ]
            for a in context["arms"]
        ],
    )
    domains = context["rob_domains"]
    rob_header = [
        "Study id",
        "Study",
        "Outcome",
        "Tool",
        *domains,
        "Overall (stated)",
        "By the tool's rule",
        "Agrees",
        "Support",
        "Source",
        "Illustrative columns",
    ]
    rob_rows = [
        [
            r["study_id"],
            r["label"],
            r["outcome"],
            r["tool"],
            *[r[d] for d in domains],
            r["overall"],
            r["computed"],
            r["agrees"],
            r["support"],
            r["source"],
            "; ".join(r["illustrative_columns"]),
        ]
        for r in context["rob"]
    ]
    sheet = add_table_sheet(workbook, "Risk of bias", rob_header, rob_rows)
    for column in range(5, 5 + len(domains) + 2):
        _colour_judgements(sheet, column, len(rob_rows), context["rob_levels"])
    soe_header = [
        "KQ",
        "Comparison",
        "Program",
        "Outcome",
        "Studies",
        "Participants",
        "Study limitations",
        "Directness",
        "Consistency",
        "Precision",
        "Reporting bias",
        "Strength of evidence",
        "Findings",
        "Source",
        "Illustrative columns",
    ]
    add_table_sheet(
        workbook,
        "Strength of evidence",
        soe_header,
        [
            [
                r["kq"],
                r["comparison"],
                r["program"],
                r["outcome"],
                r["n_studies"],
                r["n_participants"],
                r["study_limitations"],
                r["directness"],
                r["consistency"],
                r["precision"],
                r["reporting_bias"],
                r["grade"],
                r["findings"],
                r["source"],
                "; ".join(r["illustrative_columns"]),
            ]
            for kq in context["key_questions"]
            for r in kq["soe"]
        ],
    )
    add_table_sheet(
        workbook,
        "References",
        ["No.", "Study id", "Citation id", "Reference", "DOI", "PMID"],
        [[r["number"], r["study_id"], r["citation_id"], r["text"], r["doi"], r["pmid"]] for r in context["references"]],
    )
    save_deterministic(workbook, path, date.fromisoformat(context["batch"]["date_searched"]))


def _colour_judgements(sheet, column: int, count: int, levels: dict[str, str]) -> None:
    for row in range(2, count + 2):
        cell = sheet.cell(row=row, column=column)
        if cell.value in levels:
            cell.fill = fill(LEVEL_FILLS[levels[cell.value]])
