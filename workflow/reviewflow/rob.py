"""Risk of bias: the review's per-study quality ratings, checked against the study registry.

The embedded review rated each trial Good, Fair or Poor. A study with no
rating is listed as a gap, never shown as a blank judgement.
"""

from __future__ import annotations

import pandas as pd

from .errors import ReviewflowError
from .tables import ROB_COLUMNS, conform

QUALITY_LEVELS = {"Good": "low", "Fair": "some", "Poor": "high"}  # rating -> colour class


def rob_table(assessments: pd.DataFrame, studies: pd.DataFrame, tool: str, file: str) -> tuple[pd.DataFrame, list[str]]:
    """(one row per assessed study, ids of included studies lacking an assessment)."""
    labels = studies.set_index("study_id")["label"]
    for offset, study_id in enumerate(assessments["study_id"]):
        if study_id not in labels.index:
            raise ReviewflowError(f"study '{study_id}' is not an included study", file=file, row=offset + 2, column="study_id")
    table = assessments.copy()
    table["label"] = table["study_id"].map(labels)
    table["tool"] = tool
    table = table.sort_values("study_id", kind="stable")
    missing = sorted(set(labels.index) - set(assessments["study_id"]))
    return conform(table, ROB_COLUMNS), missing
