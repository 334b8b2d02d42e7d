"""The extraction sheets (arms, outcomes) checked against the study registry.

The schemas check each cell; what they cannot check needs two sheets at once:
an arm of an unknown study, a result for an arm the study lacks, more analysed
than randomised. Those checks live here, with the comparisons they imply.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import ReviewflowError
from ..marks import check_illustrative
from ..synthesis.results import check_numbers
from .comparisons import derive_comparisons


@dataclass(frozen=True)
class Extraction:
    """The checked extraction of a review: studies, arms, outcomes and the comparisons."""

    studies: pd.DataFrame
    arms: pd.DataFrame
    outcomes: pd.DataFrame
    comparisons: pd.DataFrame
    unextracted: tuple[str, ...] = ()  # studies in the registry without arms yet: awaiting extraction


def check_extraction(
    studies: pd.DataFrame, arms: pd.DataFrame, outcomes: pd.DataFrame, files: dict[str, str], vocabulary: dict
) -> Extraction:
    """Cross-sheet checks the schemas cannot make, then the comparisons."""
    for name, frame in (("registry", studies), ("arms", arms), ("outcomes", outcomes)):
        check_illustrative(frame, files[name])
    known = set(studies["study_id"])
    arm_keys = set()
    for offset, arm in enumerate(arms.to_dict("records")):
        line = offset + 2
        _in_registry(arm, known, files["arms"], line)
        if arm["n_analysed"] and arm["n_randomised"] and int(arm["n_analysed"]) > int(arm["n_randomised"]):
            raise ReviewflowError(
                f"N analysed ({arm['n_analysed']}) is greater than N randomised ({arm['n_randomised']})",
                file=files["arms"],
                row=line,
                column="n_analysed",
            )
        arm_keys.add((arm["study_id"], arm["arm"]))
    armless = tuple(sorted(known - {study for study, _ in arm_keys}))  # awaiting extraction, not an error
    for offset, outcome in enumerate(outcomes.to_dict("records")):
        line = offset + 2
        _in_registry(outcome, known, files["outcomes"], line)
        for letter in outcome["arms"].split(" vs "):
            if (outcome["study_id"], letter) not in arm_keys:
                have = sorted(a for s, a in arm_keys if s == outcome["study_id"])
                raise ReviewflowError(
                    f"study '{outcome['study_id']}' has no arm {letter}; its arms: {', '.join(have)}",
                    file=files["outcomes"],
                    row=line,
                    column="arms",
                )
    check_numbers(outcomes, files["outcomes"])
    arms = arms.sort_values(["study_id", "arm"], kind="stable").reset_index(drop=True)
    return Extraction(studies, arms, outcomes, derive_comparisons(arms, vocabulary), armless)


def check_registered(frame: pd.DataFrame, known: set[str], file: str) -> None:
    """Every row of an extraction sheet names a study of the registry."""
    for offset, row in enumerate(frame.to_dict("records")):
        _in_registry(row, known, file, offset + 2)


def _in_registry(row: dict, known: set[str], file: str, line: int) -> None:
    if row["study_id"] not in known:
        raise ReviewflowError(
            f"study '{row['study_id']}' is not in the study registry", file=file, row=line, column="study_id"
        )
