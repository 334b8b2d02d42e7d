"""The rob stage's files: the assessment and strength-of-evidence sheets, the
studies and evidence rows in; the checked assessments, the studies still lacking
one and a workbook for them, the strength of evidence, and the figures per key
question out."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pandas as pd

from ..sheets import read_sheet
from ..tables import EVIDENCE_COLUMNS, STUDY_COLUMNS, read_csv, write_csv
from . import load_tool, sheet_schema
from .assessments import rob_table, write_template
from .figures import kq_figures
from .soe import soe_table

log = logging.getLogger(__name__)


def risk_of_bias(
    inputs: dict[str, str], *, tool_name: str, palette: str, kq_ids: list[str], stamp: str, outputs: dict[str, str]
) -> None:
    """Assessments checked against the tool, the gaps and a workbook for them, the
    strength of evidence, and the figures per key question."""
    tool = load_tool(tool_name)
    studies = read_csv(inputs["studies"], STUDY_COLUMNS)
    evidence = read_csv(inputs["evidence"], EVIDENCE_COLUMNS)
    assessments = inputs["assessments"]
    table, missing = rob_table(read_sheet(assessments, sheet_schema(tool)), studies, tool, assessments)
    write_csv(table, outputs["table"], list(table.columns))
    write_csv(pd.DataFrame({"study_id": missing}), outputs["gaps"], ["study_id"])
    write_template(tool, studies, missing, outputs["template"], date.fromisoformat(stamp))
    soe = soe_table(read_sheet(inputs["soe"], "soe"), evidence, studies, table, tool, kq_ids, inputs["soe"])
    write_csv(soe, outputs["soe"], list(soe.columns))
    if missing:
        log.warning("included studies without an assessment: %s", ", ".join(missing))
    disagreeing = table[table["agrees"] == "false"]
    if len(disagreeing):
        log.warning("stated overall differs from the tool's rule for: %s", ", ".join(disagreeing["study_id"]))
    for kq in kq_ids:
        for name, svg in kq_figures(tool, palette, kq, studies, evidence, table).items():
            Path(outputs[name]).write_text(svg, encoding="utf-8")


def run(inputs: dict, outputs: dict, params: dict) -> None:
    risk_of_bias(
        inputs,
        tool_name=params["tool"],
        palette=params["palette"],
        kq_ids=list(params["kq_ids"]),
        stamp=params["stamp"],
        outputs=outputs,
    )
