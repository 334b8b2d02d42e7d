"""The rob stage's files: the assessment sheet, the studies and evidence rows in;
the checked assessments, the studies still lacking one and a workbook for them, and
the figures per key question out."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd

from ..sheets import default_sheet, read_optional
from ..tables import read_csv, write_csv
from . import load_tool, sheet_schema
from .assessments import rob_table, write_template
from .dual import compare, write_consensus_workbook
from .figures import kq_figures

log = logging.getLogger(__name__)


def risk_of_bias(
    inputs: dict[str, str],
    *,
    tool_name: str,
    palette: str,
    kq_ids: list[str],
    stamp: str,
    outputs: dict[str, str],
) -> None:
    """Assessments checked against the tool, the gaps and a workbook for them, and the
    figures per key question."""
    tool = load_tool(tool_name)
    studies = read_csv(inputs["studies"])
    evidence = read_csv(inputs["evidence"])
    assessments = inputs.get("assessments")
    sheet = read_optional(assessments, sheet_schema(tool))
    table, missing = rob_table(sheet, studies, tool, assessments or default_sheet("rob", "assessments"))
    write_csv(table, outputs["table"], list(table.columns))
    write_csv(pd.DataFrame({"study_id": missing}), outputs["gaps"], ["study_id"])
    write_template(tool, studies, missing, outputs["template"], date.fromisoformat(stamp))
    if missing:
        log.warning("included studies without an assessment: %s", ", ".join(missing))
    disagreeing = table[table["agrees"] == "false"]
    if len(disagreeing):
        log.warning("stated overall differs from the tool's rule for: %s", ", ".join(disagreeing["study_id"]))
    for kq in kq_ids:
        for name, svg in kq_figures(tool, palette, kq, studies, evidence, table).items():
            Path(outputs[name]).write_text(svg, encoding="utf-8")
    if "disagreements" in outputs:
        _dual(inputs, outputs, tool, studies, sheet, date.fromisoformat(stamp))


def _dual(inputs: dict, outputs: dict, tool, studies, consensus, stamp: date) -> None:
    """Each reviewer's own sheet checked as the consensus sheet is; their differences, as a
    workbook the team fills with what they agreed, and their agreement per domain."""
    sheets = {}
    for name, path in sorted(inputs.items()):
        if name.startswith("reviewer_"):
            sheets[name.removeprefix("reviewer_")] = read_optional(path, sheet_schema(tool))
            rob_table(sheets[name.removeprefix("reviewer_")], studies, tool, path)  # unknown studies stop here
    differences, agreement = compare(sheets, consensus, tool)
    write_csv(agreement, outputs["agreement"], list(agreement.columns))
    write_consensus_workbook(differences, tool, outputs["disagreements"], stamp)
    still = differences[differences["status"] == "open"]
    if len(still):
        log.warning("%d differences between reviewers not resolved in the consensus sheet yet", len(still))


def run(inputs: dict, outputs: dict, params: dict) -> None:
    risk_of_bias(
        inputs,
        tool_name=params["tool"],
        palette=params["palette"],
        kq_ids=list(params["kq_ids"]),
        stamp=params["stamp"],
        outputs=outputs,
    )
