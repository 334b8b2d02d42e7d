"""The comparisons a study's arms imply.

A comparison is a pair of arms of one study in which at least one arm is an
intervention under review (the config's vocabulary.interventions): an
intervention against a comparator answers questions about its effect; two
intervention arms that differ answer questions about which of their
characteristics matter. Deriving them from the arms, rather than asking people
to list them, means a new arm can never be forgotten in the tables.
"""

from __future__ import annotations

import pandas as pd

from ..tables import COMPARISON_COLUMNS, LIST_SEPARATOR

VERSUS = "intervention vs comparator"
VARIANTS = "intervention variants"


def variant_characteristics(vocabulary: dict) -> list[str]:
    """The arm columns two intervention arms can differ in; the config's KQ rules name them."""
    return ["arm_type", *(c["id"] for c in vocabulary.get("arm_characteristics", []))]


def derive_comparisons(arms: pd.DataFrame, vocabulary: dict) -> pd.DataFrame:
    """Every pair of arms of a study with at least one intervention arm, intervention first."""
    interventions = {term["name"] for term in vocabulary["interventions"]}
    characteristics = variant_characteristics(vocabulary)
    rows = []
    for study_id, group in arms.groupby("study_id", sort=True):
        records = group.to_dict("records")
        for i, first in enumerate(records):
            for second in records[i + 1 :]:
                first_is, second_is = first["arm_type"] in interventions, second["arm_type"] in interventions
                if not (first_is or second_is):
                    continue
                intervention, other = (first, second) if first_is else (second, first)
                both = first_is and second_is
                differences = [c for c in characteristics if _norm(first[c]) != _norm(second[c])] if both else []
                rows.append(
                    {
                        "study_id": study_id,
                        "comparison_id": f"{intervention['arm']} vs {other['arm']}",
                        "kind": VARIANTS if both else VERSUS,
                        "intervention_arm": intervention["arm"],
                        "comparator_arm": other["arm"],
                        "comparator_type": "intervention variant" if both else other["arm_type"],
                        "differences": LIST_SEPARATOR.join(differences),
                    }
                )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())
