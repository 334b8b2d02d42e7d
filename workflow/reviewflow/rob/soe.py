"""Strength of evidence per key question, comparison and outcome (AHRQ method):
the team's judgements, with the number of studies and participants computed and
study limitations filled from the risk-of-bias table where left empty."""

from __future__ import annotations

import pandas as pd

from ..errors import ReviewflowError
from ..marks import check_illustrative
from ..tables import split_list
from . import Tool
from .assessments import study_limitations

SOE_COLUMNS = [
    "kq",
    "comparison",
    "intervention",
    "outcome",
    "n_studies",
    "n_participants",
    "study_ids",
    "study_limitations",
    "study_limitations_from",
    "directness",
    "consistency",
    "precision",
    "reporting_bias",
    "grade",
    "findings",
    "source",
    "illustrative",
]


def soe_table(
    soe: pd.DataFrame,
    evidence: pd.DataFrame,
    studies: pd.DataFrame,
    rob: pd.DataFrame,
    tool: Tool,
    kq_ids: list[str],
    file: str,
) -> pd.DataFrame:
    check_illustrative(soe, file)
    types = studies.set_index("study_id")["intervention_types"].map(split_list)
    size = studies.set_index("study_id")["n_randomised"]
    overall = rob.drop_duplicates("study_id").set_index("study_id")["overall"]
    rows = []
    for offset, row in enumerate(soe.to_dict("records")):
        line = offset + 2
        if row["kq"] not in kq_ids:
            raise ReviewflowError(
                f"'{row['kq']}' is not a key question of the config; allowed: {', '.join(kq_ids)}",
                file=file,
                row=line,
                column="kq",
            )
        body = evidence[(evidence["kq"] == row["kq"]) & (evidence["kq_group"] == row["comparison"])]
        if body.empty:
            groups = sorted(set(evidence.loc[evidence["kq"] == row["kq"], "kq_group"]))
            raise ReviewflowError(
                f"{row['kq']} has no comparison '{row['comparison']}'; it has: {', '.join(groups) or 'none'}",
                file=file,
                row=line,
                column="comparison",
            )
        ids = sorted(set(body["study_id"]))
        if row["intervention"]:
            ids = [s for s in ids if row["intervention"] in types.get(s, [])]
        known = [int(size[s]) for s in ids if size.get(s)]
        levels = [tool.level(overall[s]) for s in ids if s in overall.index and overall[s]]
        given = row["study_limitations"]
        rows.append(
            {
                **row,
                "n_studies": str(len(ids)),
                "n_participants": "NR"
                if not known
                else f"{sum(known)}" + (f" (in {len(known)} of {len(ids)} studies)" if len(known) < len(ids) else ""),
                "study_ids": "; ".join(ids),
                "study_limitations": given or study_limitations(levels),
                "study_limitations_from": "reviewers" if given else "risk-of-bias table",
            }
        )
    return pd.DataFrame(rows, columns=SOE_COLUMNS).fillna("").astype(str)
