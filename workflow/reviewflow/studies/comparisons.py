"""The comparisons a study's arms imply.

A comparison is a pair of arms of one study in which at least one arm is a
program: a program against a non-program arm answers questions about a
program's effect; two program arms that differ answer questions about which
program characteristics matter. Deriving them from the arms, rather than asking
people to list them, means a new arm can never be forgotten in the tables.
"""

from __future__ import annotations

import pandas as pd

from ..tables import COMPARISON_COLUMNS, LIST_SEPARATOR

PROGRAM_TYPES = ("IPMP", "CPMP")
# Arm characteristics two program arms can differ in; the config's KQ rules name them.
VARIANT_CHARACTERISTICS = (
    "arm_type",
    "components",
    "duration_intensity",
    "session_format",
    "setting",
    "care_provision",
)


def derive_comparisons(arms: pd.DataFrame) -> pd.DataFrame:
    """Every pair of arms of a study with at least one program arm, program first."""
    rows = []
    for study_id, group in arms.groupby("study_id", sort=True):
        records = group.to_dict("records")
        for i, first in enumerate(records):
            for second in records[i + 1 :]:
                first_program, second_program = first["arm_type"] in PROGRAM_TYPES, second["arm_type"] in PROGRAM_TYPES
                if not (first_program or second_program):
                    continue
                program, other = (first, second) if first_program else (second, first)
                both = first_program and second_program
                differences = (
                    [c for c in VARIANT_CHARACTERISTICS if _norm(first[c]) != _norm(second[c])] if both else []
                )
                rows.append(
                    {
                        "study_id": study_id,
                        "comparison_id": f"{program['arm']} vs {other['arm']}",
                        "kind": "program variants" if both else "program vs comparator",
                        "intervention_arm": program["arm"],
                        "comparator_arm": other["arm"],
                        "comparator_type": "program variant" if both else other["arm_type"],
                        "differences": LIST_SEPARATOR.join(differences),
                    }
                )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())
