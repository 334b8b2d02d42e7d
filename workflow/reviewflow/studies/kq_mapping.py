"""Key questions from comparisons, by the rules declared in the config, with the
team's per-study overrides applied last (each saying why).

A rule reads only the extraction: an intervention against a comparator arm of a
listed type, or two intervention arms that differ in a listed characteristic. Overrides are
for what a rule cannot see (a comparison the review reported elsewhere, a
difference that does not matter); an override that changes nothing is an error,
since it would hide a misunderstanding.
"""

from __future__ import annotations

import pandas as pd

from ..errors import ReviewflowError
from ..marks import check_illustrative, is_illustrative, marked
from ..tables import MAPPING_COLUMNS, split_list
from .comparisons import VERSUS


def apply_rules(comparisons: pd.DataFrame, key_questions: list[dict], headings: dict | None = None) -> pd.DataFrame:
    """One row per (KQ, group, comparison) whose rule the comparison meets, with why in a
    reader's words (`headings`: arm characteristic id -> its heading in the review's vocabulary)."""
    headings = headings or {}
    rows = []
    for comparison in comparisons.to_dict("records"):
        differences = set(split_list(comparison["differences"]))
        for kq in key_questions:
            if kq["compares"] != comparison["kind"]:
                continue
            for group in kq["groups"]:
                if comparison["kind"] == VERSUS:
                    if comparison["comparator_type"] not in group.get("arm_types", []):
                        continue
                    why = f"the comparator is {comparison['comparator_type']}"
                else:
                    met = [c for c in group.get("differ_in", []) if c in differences]
                    if not met:
                        continue
                    named = [headings.get(c, c.replace("_", " ")).lower() for c in met]
                    why = "the arms differ in " + "; ".join(named)
                rows.append(_row(kq, group, comparison, why))
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def _row(kq: dict, group: dict, comparison: dict, why: str) -> dict:
    return {
        "kq": kq["id"],
        "kq_group": group["name"],
        "kq_group_title": group.get("title", group["name"]),
        "study_id": comparison["study_id"],
        "comparison_id": comparison["comparison_id"],
        "mapped_by": why,
    }


def apply_overrides(
    mapped: pd.DataFrame,
    overrides: pd.DataFrame,
    comparisons: pd.DataFrame,
    studies: set[str],
    key_questions: list[dict],
    file: str,
) -> pd.DataFrame:
    """The rules' mapping with each override row applied in sheet order."""
    check_illustrative(overrides, file)
    by_id = {kq["id"]: kq for kq in key_questions}
    rows = mapped.to_dict("records")
    for offset, override in enumerate(overrides.to_dict("records")):
        line = offset + 2

        def fail(problem: str, column: str) -> ReviewflowError:
            return ReviewflowError(problem, file=file, row=line, column=column)

        study, comparison_id, kq_id = override["study_id"], override["comparison"], override["kq"]
        if study not in studies:
            raise fail(f"study '{study}' is not in the study registry", "study_id")
        kq = by_id.get(kq_id)
        if kq is None:
            raise fail(f"'{kq_id}' is not a key question of the config; allowed: {', '.join(by_id)}", "kq")
        of_study = comparisons[comparisons["study_id"] == study]
        if comparison_id and comparison_id not in set(of_study["comparison_id"]):
            have = ", ".join(of_study["comparison_id"]) or "none"
            raise fail(f"study '{study}' has no comparison '{comparison_id}'; it has: {have}", "comparison")
        groups = {g["name"]: g for g in kq["groups"]}
        if override["group"] and override["group"] not in groups:
            raise fail(f"'{override['group']}' is not a group of {kq_id}; allowed: {', '.join(groups)}", "group")
        why = marked(
            f"placed by the review team: {override['reason']}",
            is_illustrative(override, "reason", list(overrides.columns)),
        )
        if override["action"] == "include":
            if not override["group"]:
                raise fail(
                    f"an include needs the group of {kq_id} the comparison goes to; allowed: {', '.join(groups)}",
                    "group",
                )
            targets = [comparison_id] if comparison_id else list(of_study["comparison_id"])
            for target in targets:
                if any(
                    r["kq"] == kq_id
                    and r["study_id"] == study
                    and r["comparison_id"] == target
                    and r["kq_group"] == override["group"]
                    for r in rows
                ):
                    raise fail(
                        f"{study} {target} is already in {kq_id} {override['group']} by the rules; this "
                        f"override changes nothing",
                        "action",
                    )
                comparison = of_study[of_study["comparison_id"] == target].iloc[0].to_dict()
                rows.append(_row(kq, groups[override["group"]], comparison, why))
        else:

            def matches(r: dict) -> bool:
                return (
                    r["kq"] == kq_id
                    and r["study_id"] == study
                    and (not comparison_id or r["comparison_id"] == comparison_id)
                    and (not override["group"] or r["kq_group"] == override["group"])
                )

            kept = [r for r in rows if not matches(r)]
            if len(kept) == len(rows):
                raise fail(
                    f"nothing of study '{study}' is in {kq_id} to exclude; this override changes nothing", "action"
                )
            rows = kept
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def order_rows(mapping: pd.DataFrame, key_questions: list[dict]) -> pd.DataFrame:
    """KQs in config order; within a KQ, groups in config order, then study and comparison."""
    rank = {(kq["id"], g["name"]): (i, j) for i, kq in enumerate(key_questions) for j, g in enumerate(kq["groups"])}
    keys = [rank[(kq, group)] for kq, group in zip(mapping["kq"], mapping["kq_group"])]
    ordered = mapping.assign(_rank=keys).sort_values(["_rank", "study_id", "comparison_id"], kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)


def kq_matrix(
    studies: pd.DataFrame,
    mapping: pd.DataFrame,
    comparisons: pd.DataFrame,
    kq_ids: list[str],
    overrides: pd.DataFrame | None = None,
    ruled: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Study x KQ: how many comparisons of each study answer each KQ (0 = none);
    for a study that answers none, why, so it is listed rather than lost; and the
    overrides applied to the study, so a reader sees where the rules were set aside."""
    notes = {}
    for row in (overrides if overrides is not None else pd.DataFrame(columns=["study_id"])).to_dict("records"):
        where = f"{row['kq']} {row['group']}".strip()
        what = f"{where} {row['action']}d ({row['comparison'] or 'all comparisons'}): {row['reason']}"
        notes.setdefault(row["study_id"], []).append(
            marked(what, is_illustrative(row, "reason", list(overrides.columns)))
        )
    counts = mapping.drop_duplicates(["study_id", "kq", "comparison_id"]).groupby(["study_id", "kq"]).size()
    n_comparisons = comparisons.groupby("study_id").size()
    rows = []
    for study in studies.itertuples(index=False):
        row = {"study_id": study.study_id, "label": study.label}
        for kq in kq_ids:
            row[kq] = str(int(counts.get((study.study_id, kq), 0)))
        mapped = any(row[kq] != "0" for kq in kq_ids)
        row["mapped"] = "yes" if mapped else "no"
        if mapped:
            row["unmapped_reason"] = ""
        elif not n_comparisons.get(study.study_id, 0):
            row["unmapped_reason"] = "no comparison with an intervention arm"
        elif ruled is not None and study.study_id in set(ruled["study_id"]):
            row["unmapped_reason"] = (
                "its comparisons fit a key question, but the review team set every one aside (see the notes)"
            )
        else:
            row["unmapped_reason"] = (
                "none of its comparisons fits a key question, and the review team placed none by hand"
            )
        row["overrides"] = "\n".join(notes.get(study.study_id, []))
        rows.append(row)
    return pd.DataFrame(rows, columns=["study_id", "label", *kq_ids, "mapped", "unmapped_reason", "overrides"])
