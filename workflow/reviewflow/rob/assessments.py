"""Assessments of included studies with one tool: checked, with the computed
overall beside the stated one, gaps listed, and a blank workbook for the gaps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import ReviewflowError
from ..reviewers import check_destination, mark_worksheet
from ..xlsx import add_table_sheet, save_deterministic
from . import Tool, sheet_schema


def table_columns(tool: Tool) -> list[str]:
    domains = [d["id"] for d in (*tool.domains, *tool.applicability)]
    return [
        "study_id",
        "label",
        "outcome",
        "tool",
        *domains,
        "overall",
        "computed",
        "agrees",
        "support",
        "source",
        "illustrative",
    ]


def rob_table(
    assessments: pd.DataFrame, studies: pd.DataFrame, tool: Tool, file: str
) -> tuple[pd.DataFrame, list[str]]:
    """(one row per assessment with the rule's overall and whether the stated one follows it,
    ids of included studies without any assessment)."""
    labels = studies.set_index("study_id")["label"]
    rows = []
    for offset, row in enumerate(assessments.to_dict("records")):
        if row["study_id"] not in labels.index:
            raise ReviewflowError(
                f"study '{row['study_id']}' is not an included study", file=file, row=offset + 2, column="study_id"
            )
        domains = [row[d["id"]] for d in tool.domains]
        computed = tool.compute_overall(domains)
        agrees = tool.agrees(row["overall"], computed, domains)
        rows.append(
            {
                **row,
                "label": labels[row["study_id"]],
                "tool": tool.id,
                "computed": computed or "",
                "agrees": "" if agrees is None else ("true" if agrees else "false"),
            }
        )
    table = pd.DataFrame(rows, columns=table_columns(tool)).sort_values(["study_id", "outcome"], kind="stable")
    missing = sorted(set(labels.index) - set(assessments["study_id"]))
    return table.fillna("").astype(str).reset_index(drop=True), missing


def write_template(
    tool: Tool, studies: pd.DataFrame, missing: list[str], path: str | Path, stamp: date, reviewer: str = ""
) -> None:
    """A blank assessment workbook for the tool, one row per study still lacking one,
    with dropdowns of the allowed judgements. Filled rows go into the assessments sheet; a
    reviewer's blind worksheet names its reviewer first in its key sheet, so that it can
    only go back into that reviewer's own sheet."""
    header = ["study_id", "outcome"]
    for domain in (*tool.domains, *tool.applicability):
        header += [domain["id"], f"{domain['id']}_support"]
    header += ["overall", "support", "source"]
    labels = studies.set_index("study_id")["label"]
    rows = [[study_id, *[""] * (len(header) - 1)] for study_id in missing]
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = add_table_sheet(
        workbook, "assessments", header, rows, {h: 14 if not h.endswith("support") else 30 for h in header}
    )
    judgement = DataValidation(
        type="list",
        formula1='"' + ",".join(tool.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,  # a typed value outside the list is refused, not kept
        errorTitle="Not a judgement of this tool",
        error="Choose " + ", ".join(tool.labels),
    )
    last = max(len(rows) + 1, 2)
    for index, name in enumerate(header, start=1):
        if name in {d["id"] for d in (*tool.domains, *tool.applicability)} or name == "overall":
            letter = sheet.cell(row=1, column=index).column_letter
            judgement.add(f"{letter}2:{letter}{last}")
    sheet.add_data_validation(judgement)
    key = workbook.create_sheet("domains")
    for _number, domain in enumerate((*tool.domains, *tool.applicability), start=1):
        key.append([domain["id"], domain["long"]])
    key.append(["study labels"])
    for study_id in missing:
        key.append([study_id, labels.get(study_id, "")])
    if reviewer:
        mark_worksheet(workbook, reviewer)
    save_deterministic(workbook, path, stamp)


def add_assessments(template: str | Path, assessments_csv: str | Path, tool: Tool) -> int:
    """Append the filled rows (those with an overall judgement) of a returned assessment
    workbook to the assessment sheet, checked against the tool first; a study already
    assessed is refused, not overwritten. A reviewer's blind worksheet goes into that
    reviewer's own sheet only. Returns how many rows were added."""
    from ..sheets import append_rows, read_sheet, sheet_target

    target = sheet_target(assessments_csv, "assessment")
    check_destination(template, target, "reviewflow consensus")
    schema = sheet_schema(tool)
    filled = read_sheet(template, schema, keep=lambda row: bool(str(row.get("overall", "")).strip()))
    existing = read_sheet(target, schema) if target.exists() else None
    known = set(zip(existing["study_id"], existing["outcome"])) if existing is not None else set()
    for row in filled.to_dict("records"):
        if (row["study_id"], row["outcome"]) in known:
            raise ReviewflowError(
                f"already holds an assessment of {row['study_id']}; edit it there instead",
                file=str(target),
            )
    header = list(schema["properties"]) if existing is None else list(existing.columns)
    append_rows(target, header, filled.to_dict("records"))
    return len(filled)


def study_limitations(levels: list[str]) -> str:
    """AHRQ study limitations of a body of evidence from its studies' risk-of-bias levels:
    Low when every study is at low risk, High when half or more are at high or critical
    risk, Medium otherwise (and Unknown without assessments)."""
    if not levels:
        return "Unknown"
    if all(level == "low" for level in levels):
        return "Low"
    if sum(level in ("high", "critical") for level in levels) * 2 >= len(levels):
        return "High"
    return "Medium"
