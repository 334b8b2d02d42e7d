"""The extraction sheets (arms, outcomes) checked against the study registry, and
the comparisons they imply.

A comparison is a pair of arms of one study in which at least one arm is a
program: a program against a non-program arm answers questions about a
program's effect; two program arms that differ answer questions about which
program characteristics matter. Deriving them from the arms, rather than asking
people to list them, means a new arm can never be forgotten in the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .errors import ReviewflowError
from .tables import COMPARISON_COLUMNS, LIST_SEPARATOR, MARK, split_list

PROGRAM_TYPES = ("IPMP", "CPMP")
# Arm characteristics two program arms can differ in; the config's KQ rules name them.
VARIANT_CHARACTERISTICS = ("arm_type", "components", "duration_intensity", "session_format", "setting", "care_provision")
# Outcome domains by evidence-table column, in the review's order.
OUTCOME_COLUMNS_BY_DOMAIN = {
    "primary_outcomes": ("pain", "function", "opioid use"),
    "secondary_outcomes": ("quality of life", "psychological", "global improvement"),
    "harms": ("harms", "utilisation", "satisfaction"),
}


@dataclass(frozen=True)
class Extraction:
    """The checked extraction of a review: studies, arms, outcomes and the comparisons."""

    studies: pd.DataFrame
    arms: pd.DataFrame
    outcomes: pd.DataFrame
    comparisons: pd.DataFrame


def illustrative_columns(value: str, columns: list[str]) -> list[str]:
    """The columns an 'illustrative' cell marks: 'all' means every value column."""
    if value == "all":
        return [c for c in columns if c not in ("study_id", "source", "illustrative", "arm", "arms")]
    return split_list(value)


def check_illustrative(frame: pd.DataFrame, file: str) -> None:
    for offset, value in enumerate(frame["illustrative"]):
        for column in illustrative_columns(value, list(frame.columns)):
            if column not in frame.columns:
                raise ReviewflowError(
                    f"'{column}' is not a column of this sheet; list column names or 'all'",
                    file=file, row=offset + 2, column="illustrative",
                )


def is_illustrative(row: dict, column: str, columns: list[str]) -> bool:
    return column in illustrative_columns(row.get("illustrative", ""), columns)


def marked(text: str, illustrative: bool) -> str:
    """A value with the dagger readers are told means 'demonstration value'."""
    return f"{text}{MARK}" if text and illustrative else text


def joined(parts: list[tuple[str, bool]], separator: str) -> str:
    """Values (text, illustrative) joined: one dagger at the end when all are
    illustrative, otherwise a dagger after each illustrative one."""
    parts = [(text, flag) for text, flag in parts if text]
    if parts and all(flag for _, flag in parts):
        return marked(separator.join(text for text, _ in parts), True)
    return separator.join(marked(text, flag) for text, flag in parts)


def check_extraction(studies: pd.DataFrame, arms: pd.DataFrame, outcomes: pd.DataFrame, files: dict[str, str]) -> Extraction:
    """Cross-sheet checks the schemas cannot make, then the comparisons."""
    for name, frame in (("registry", studies), ("arms", arms), ("outcomes", outcomes)):
        check_illustrative(frame, files[name])
    known = set(studies["study_id"])
    arm_keys = set()
    for offset, arm in enumerate(arms.to_dict("records")):
        line = offset + 2
        if arm["study_id"] not in known:
            raise ReviewflowError(f"study '{arm['study_id']}' is not in the study registry", file=files["arms"], row=line, column="study_id")
        if arm["n_analysed"] and arm["n_randomised"] and int(arm["n_analysed"]) > int(arm["n_randomised"]):
            raise ReviewflowError(
                f"N analysed ({arm['n_analysed']}) is greater than N randomised ({arm['n_randomised']})",
                file=files["arms"], row=line, column="n_analysed",
            )
        arm_keys.add((arm["study_id"], arm["arm"]))
    armless = sorted(known - {study for study, _ in arm_keys})
    if armless:
        line = list(studies["study_id"]).index(armless[0]) + 2
        raise ReviewflowError(f"study '{armless[0]}' has no arms in {files['arms']}", file=files["registry"], row=line, column="study_id")
    for offset, outcome in enumerate(outcomes.to_dict("records")):
        line = offset + 2
        if outcome["study_id"] not in known:
            raise ReviewflowError(f"study '{outcome['study_id']}' is not in the study registry", file=files["outcomes"], row=line, column="study_id")
        for letter in outcome["arms"].split(" vs "):
            if (outcome["study_id"], letter) not in arm_keys:
                have = sorted(a for s, a in arm_keys if s == outcome["study_id"])
                raise ReviewflowError(
                    f"study '{outcome['study_id']}' has no arm {letter}; its arms: {', '.join(have)}",
                    file=files["outcomes"], row=line, column="arms",
                )
    arms = arms.sort_values(["study_id", "arm"], kind="stable").reset_index(drop=True)
    return Extraction(studies, arms, outcomes, derive_comparisons(arms))


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
                differences = [c for c in VARIANT_CHARACTERISTICS if _norm(first[c]) != _norm(second[c])] if both else []
                rows.append({
                    "study_id": study_id,
                    "comparison_id": f"{program['arm']} vs {other['arm']}",
                    "kind": "program variants" if both else "program vs comparator",
                    "intervention_arm": program["arm"],
                    "comparator_arm": other["arm"],
                    "comparator_type": "program variant" if both else other["arm_type"],
                    "differences": LIST_SEPARATOR.join(differences),
                })  # fmt: skip
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


def population_text(study: dict, columns: list[str]) -> str:
    """The Population cell of the evidence tables, from the study-level items."""
    parts = [
        ("mean_age", "Mean age", "{} years"),
        ("pct_male", "Male", "{}%"),
        ("race_ethnicity", "Race/ethnicity", "{}"),
        ("pain_condition", "", "{}"),
        ("disability", "Disability", "{}"),
        ("comorbidities", "Comorbidities", "{}"),
    ]
    out = []
    for column, label, unit in parts:
        value = study.get(column, "")
        if not value:
            continue
        text = f"{label} NR" if value == "NR" else f"{label} {unit.format(value)}".strip()
        out.append((text, is_illustrative(study, column, columns)))
    return joined(out, "; ")


DELIVERY = ("duration_intensity", "session_format", "setting")


def arm_summary(arm: dict, columns: list[str], also: tuple[str, ...] = ()) -> str:
    """'A: 6 weeks, 52 hours; group; outpatient' with each illustrative part marked;
    `also` adds other characteristics (those in which two program variants differ)."""
    parts = [(arm[c], is_illustrative(arm, c, columns)) for c in (*DELIVERY, *also) if arm[c]]
    return f"{arm['arm']}: " + joined(parts, "; ") if parts else ""


def outcome_text(outcomes: pd.DataFrame, study_id: str, program: str, other: str, domains: tuple[str, ...]) -> str:
    """The results of two arms for some domains: a line per measure and timepoint.

    '' when the pair was not extracted (no between-arm row, and not both arms);
    'NR' when it was, but has nothing in these domains.
    """
    between = {f"{program} vs {other}", f"{other} vs {program}"}
    of_pair = outcomes[(outcomes["study_id"] == study_id) & outcomes["arms"].isin({program, other, *between})]
    present = set(of_pair["arms"])
    if not (present & between or {program, other} <= present):
        return ""  # the pair was not extracted, even if one arm was (for another comparison)
    wanted = of_pair[of_pair["domain"].isin(domains)]
    if wanted.empty:
        return "NR"
    columns = list(outcomes.columns)
    lines = []
    for measure, of_measure in wanted.groupby("measure", sort=False):
        points = []
        for timepoint, group in of_measure.groupby("timepoint", sort=False):
            by_arms = {row["arms"]: row for row in group.to_dict("records")}
            values = [(a, by_arms[a]) for a in (program, other) if a in by_arms]
            text = " vs ".join(f"{a} {row['result']}" for a, row in values)
            text = ", ".join(t for t in (text, *(f"{b} {by_arms[b]['result']}" for b in sorted(between) if b in by_arms)) if t)
            points.append((f"{timepoint}: {text}", any(is_illustrative(row, "result", columns) for row in by_arms.values())))
        lines.append(f"{measure}. " + joined(points, "; "))
    return "\n".join(lines)
