"""Certainty of the evidence on each index test's accuracy, per target condition and measure
(sensitivity: the people with the condition; specificity: those without it), as the
review's certainty system rates it.

GRADE for diagnostic tests (Schünemann et al., BMJ 2008;336:1106-10) rates sensitivity and
specificity apart, and lets cross-sectional accuracy studies of the people the test is
meant for start High, as randomised trials do for interventions; the AHRQ method starts
from study limitations. The only domain a rule can judge from what a run holds is risk of
bias (AHRQ: study limitations), from the QUADAS-2 overall judgements of the studies in the
main analysis, as for interventions (rob.assessments.study_limitations). Every other domain
is the team's, from the accuracy_certainty sheet; a domain they leave empty is not judged
and lowers nothing. The grade is the team's where stated, else what the domains give.
"""

from __future__ import annotations

import pandas as pd

from ..certainty import System, grade_grade
from ..errors import ReviewflowError
from ..marks import illustrative_columns
from ..rob import Tool
from ..rob.assessments import study_limitations
from .soe import GRADE_FROM_AHRQ, GRADES, START

MEASURES = {"sensitivity": ("tp", "fn"), "specificity": ("fp", "tn")}  # the people each is measured on
LIMITATIONS = "study_limitations"  # the AHRQ domain a rule judges; GRADE's risk_of_bias follows it


def rated_domains(system: System) -> list[dict]:
    """The system's domains that apply to accuracy evidence (System.lowering)."""
    return system.lowering


def certainty_columns(system: System) -> list[str]:
    domains = [d["id"] for d in rated_domains(system)]
    return [
        "analysis_id",
        "target_condition",
        "index_test",
        "measure",
        "k",
        "participants",
        "estimate",
        "ci_low",
        "ci_high",
        *domains,
        "grade",
        "grade_by_rule",
        "stated",
        "findings",
        "illustrative",
    ]


def certainty_table(
    analyses: pd.DataFrame,
    studies: pd.DataFrame,
    rob: pd.DataFrame,
    sheet: pd.DataFrame,
    system: System,
    tool: Tool,
    file: str,
) -> pd.DataFrame:
    """One row per main analysis (a test for a condition) and measure: its studies and
    participants, the estimate, each domain (the team's, or the rule's), the grade."""
    main = analyses[analyses["subgroup"] == ""]
    known = {(r["target_condition"], r["index_test"]) for r in main.to_dict("records")}
    team = {}
    for offset, row in enumerate(sheet.to_dict("records")):
        key = (row["target_condition"], row["index_test"])
        if key not in known:
            raise ReviewflowError(
                f"no analysis of {row['index_test']} for {row['target_condition']}: the accuracy sheet has no 2x2 "
                "table of it",
                file=file,
                row=offset + 2,
                column="index_test",
            )
        team[(*key, row["measure"])] = row
    judged_rob = rob.set_index("study_id") if len(rob) else pd.DataFrame(columns=["overall", "illustrative"])
    rows = []
    for analysis in main.to_dict("records"):
        used = studies[studies["analysis_id"] == analysis["analysis_id"]]
        ids = [s for s in used["study_id"] if s in judged_rob.index and judged_rob.at[s, "overall"]]
        limitations = study_limitations([tool.level(judged_rob.at[s, "overall"]) for s in ids])
        rob_marked = any(
            "overall" in illustrative_columns(judged_rob.at[s, "illustrative"], list(judged_rob.columns)) for s in ids
        )
        for measure, cells in MEASURES.items():
            stated = team.get((analysis["target_condition"], analysis["index_test"], measure), {})
            rows.append(_row(analysis, used, measure, cells, limitations, rob_marked, stated, system))
    return pd.DataFrame(rows, columns=certainty_columns(system))


def _row(analysis, used, measure, cells, limitations, rob_marked, stated, system: System) -> dict:
    domains = [d["id"] for d in rated_domains(system)]
    ruled = {}
    if LIMITATIONS in domains and limitations in START:
        ruled[LIMITATIONS] = limitations
    _, mapping = GRADE_FROM_AHRQ["risk_of_bias"]
    if "risk_of_bias" in domains and limitations in mapping:
        ruled["risk_of_bias"] = mapping[limitations]
    judged = {d: stated.get(d) or ruled.get(d, "") for d in domains}
    by_rule = _grade(system, judged, analysis[f"{measure}_ci_low"] != "")
    marks = illustrative_columns(stated.get("illustrative", ""), ["findings", *domains, "grade"]) if stated else []
    if stated.get("illustrative") == "all":
        marks = ["all"]
    if rob_marked and marks != ["all"]:  # a rule's value that rests on illustrative judgements is illustrative too
        marks += [d for d in ruled if not stated.get(d)] + (["grade"] if not stated.get("grade") else [])
    return {
        "analysis_id": analysis["analysis_id"],
        "target_condition": analysis["target_condition"],
        "index_test": analysis["index_test"],
        "measure": measure,
        "k": analysis["k"],
        "participants": int(sum(pd.to_numeric(used[c]).sum() for c in cells)),
        "estimate": analysis[measure],
        "ci_low": analysis[f"{measure}_ci_low"],
        "ci_high": analysis[f"{measure}_ci_high"],
        **judged,
        "grade": stated.get("grade") or by_rule,
        "grade_by_rule": by_rule,
        "stated": "; ".join(d for d in [*domains, "grade"] if stated.get(d)),
        "findings": stated.get("findings", ""),
        "illustrative": "; ".join(dict.fromkeys(marks)),
    }


def _grade(system: System, judged: dict, estimated: bool) -> str:
    """GRADE: from High (accuracy studies of the intended patients), down per serious
    concern; AHRQ: from study limitations, down per adverse judgement the team gave;
    the lowest grade without an estimate."""
    if not estimated:
        return system.grades[-1]
    if system.start:
        return grade_grade(system, judged, randomised=True)
    if judged.get(LIMITATIONS) not in START:
        return GRADES[-1]
    level = GRADES.index(START[judged[LIMITATIONS]])
    for domain in system.domains:
        value = judged.get(domain["id"], "")
        if domain["id"] != LIMITATIONS and value in domain["values"][1:]:
            level += 1
    return GRADES[min(level, len(GRADES) - 1)]
