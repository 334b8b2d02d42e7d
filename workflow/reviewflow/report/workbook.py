"""The evidence-table workbook reviewers work in: a sheet per KQ, then studies,
arms, risk of bias, strength of evidence and references, all from the report
context. Each sheet is a list of (heading, field) pairs; the review's own
characteristics and outcome columns come from its vocabulary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ..xlsx import add_table_sheet, fill, save_deterministic

# Cell colours by the level the tool gives each judgement (see rob/tools/*.yaml).
LEVEL_FILLS = {"low": "CFE8CF", "some": "FFF1C2", "high": "F6CDCD", "critical": "C98B8B", "ni": "D6E8FB"}
MARKS = ("Illustrative columns", "illustrative_columns")
SOURCE = [("Source", "source"), MARKS]


# Columns a spreadsheet user sorts and sums: written as numbers where the text is one.
NUMBERS = ("n_studies", "participants", "estimate", "ci_low", "ci_high", "weight")


def _cells(row: dict, field: str):
    value = row.get(field, "")
    if isinstance(value, list):
        return "; ".join(value)
    if field in NUMBERS and isinstance(value, str) and value:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def _sheet(workbook: Workbook, title: str, columns: list[tuple[str, str]], rows: list[dict]):
    header = [heading for heading, _ in columns]
    return add_table_sheet(workbook, title, header, [[_cells(row, field) for _, field in columns] for row in rows])


def write_workbook(context: dict, path: str | Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    vocabulary, levels = context["vocabulary"], context["rob_levels"]
    evidence = [
        ("KQ", "kq"),
        ("Group", "kq_group_title"),
        ("Study", "label"),
        ("Study id", "study_id"),
        ("Comparison", "comparison_id"),
        ("Intervention", "intervention"),
        ("Intervention n", "intervention_n"),
        ("Comparator", "comparator"),
        ("Comparator n", "comparator_n"),
        ("Risk of bias (overall)", "quality"),
        ("Delivery", "delivery"),
        *[(column["heading"], column["id"]) for column in vocabulary["outcome_columns"]],
        ("Why in this KQ", "mapped_by"),
        *SOURCE,
    ]
    for kq in context["key_questions"]:
        rows = [row for group in kq["groups"] for row in group["rows"]]
        sheet = _sheet(workbook, kq["id"], evidence, rows)
        _colour_judgements(sheet, evidence.index(("Risk of bias (overall)", "quality")) + 1, len(rows), levels)
    characteristics = [(c["heading"], c["id"]) for c in vocabulary["study_characteristics"]]
    studies = [
        ("Study id", "study_id"),
        ("Study", "label"),
        ("Intervention", "intervention_types"),
        ("Design", "design"),
        ("Country", "country"),
        ("Setting", "setting"),
        *characteristics,
        ("Funding", "funding"),
        ("N randomised or enrolled", "n_randomised"),
        ("N analysed", "n_analysed"),
        ("KQs", "kqs"),
        *SOURCE,
    ]
    _sheet(workbook, "Studies", studies, context["studies"])
    arms = [
        ("Study id", "study_id"),
        ("Arm", "arm"),
        ("Name", "name"),
        ("Type", "arm_type"),
        *[(c["heading"], c["id"]) for c in vocabulary["arm_characteristics"]],
        ("N randomised or enrolled", "n_randomised"),
        ("N analysed", "n_analysed"),
        *SOURCE,
    ]
    _sheet(workbook, "Arms", arms, context["arms"])
    _rob_sheet(workbook, context)
    soe = [
        ("KQ", "kq"),
        ("Comparison", "kq_group"),
        ("Intervention", "intervention"),
        ("Outcome", "outcome"),
        ("Timepoint", "timepoint"),
        ("Studies", "n_studies"),
        ("Participants", "participants"),
        ("Effect (95% CI)", "effect"),
        ("Study limitations", "study_limitations"),
        ("Study limitations by rule", "study_limitations_by_rule"),
        ("Directness", "directness"),
        ("Consistency", "consistency"),
        ("Consistency by rule", "consistency_by_rule"),
        ("Precision", "precision"),
        ("Precision by rule", "precision_by_rule"),
        ("Reporting bias", "reporting_bias"),
        ("Strength of evidence", "grade"),
        ("Grade by rule", "grade_by_rule"),
        ("Differs from the rules", "differs"),
        ("Findings", "findings"),
        *SOURCE,
    ]
    _sheet(workbook, "Strength of evidence", soe, [r for kq in context["key_questions"] for r in kq["soe"]])
    studies = [
        ("Analysis", "analysis_id"),
        ("KQ", "kq"),
        ("Comparison", "kq_group"),
        ("Intervention", "intervention"),
        ("Outcome", "outcome"),
        ("Timepoint", "timepoint"),
        ("Study", "label"),
        ("Measure as reported", "measure_reported"),
        ("Timepoint as reported", "timepoint_reported"),
        ("Participants", "participants"),
        ("Estimate", "estimate"),
        ("CI low", "ci_low"),
        ("CI high", "ci_high"),
        ("Weight %", "weight"),
        ("Pooled", "pooled"),
        ("Why not pooled", "reason"),
        *SOURCE,
    ]
    _sheet(workbook, "Study results", studies, context["study_results"])
    references = [("No.", "number"), ("Study id", "study_id"), ("Reference", "text"), ("DOI", "doi"), ("PMID", "pmid")]
    _sheet(workbook, "References", references, context["references"])
    save_deterministic(workbook, path, date.fromisoformat(context["batch"]["date_searched"]))


def _rob_sheet(workbook: Workbook, context: dict) -> None:
    domains = context["rob_domains"]
    computed = [("By the tool's rule", "computed"), ("Agrees", "agrees")] if context["tool"]["computes_overall"] else []
    columns = [
        ("Study id", "study_id"),
        ("Study", "label"),
        ("Outcome", "outcome"),
        *[(d, d) for d in domains],
        ("Overall (stated)", "overall"),
        *computed,
        ("Support", "support"),
        *SOURCE,
    ]
    sheet = _sheet(workbook, "Risk of bias", columns, context["rob"])
    first = columns.index(("Outcome", "outcome")) + 2
    for column in range(first, first + len(domains) + 1 + len(computed[:1])):
        _colour_judgements(sheet, column, len(context["rob"]), context["rob_levels"])


def _colour_judgements(sheet, column: int, count: int, levels: dict[str, str]) -> None:
    for row in range(2, count + 2):
        cell = sheet.cell(row=row, column=column)
        if cell.value in levels:
            cell.fill = fill(LEVEL_FILLS[levels[cell.value]])
