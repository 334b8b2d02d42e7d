"""Strength of evidence per key question, comparison, outcome and timepoint (AHRQ method).

Every row counts the studies and participants of the results that report that
outcome at that timepoint. The rules suggest study limitations (from the contributing
studies' risk of bias), consistency (direction of the study estimates, I2, the
prediction interval and differences between subgroups), precision (the CI against the
minimal important difference, and the number of participants against the optimal
information size), reporting bias where small-study effects could be tested, and a
grade; the team's stated judgements in the sheet are kept, and where one differs from
the rule's the row says so. Directness needs a reader's judgement: it comes from the
sheet only.
"""

from __future__ import annotations

import math

import pandas as pd

from ..certainty import DEFAULT, System, grade_grade, load_system
from ..errors import ReviewflowError
from ..marks import check_illustrative
from ..rob import Tool
from ..rob.assessments import study_limitations
from .analyses import UNIT, Settings, analysis_id
from .forest import number

RULED = ("study_limitations", "consistency", "precision", "grade")  # AHRQ's, as the criteria suggest them
GRADES = ("High", "Moderate", "Low", "Insufficient")
START = {"Low": "High", "Medium": "Moderate", "High": "Low"}
# GRADE's domains suggested from what the AHRQ criteria compute from the same results.
GRADE_FROM_AHRQ = {
    "risk_of_bias": ("study_limitations", {"Low": "Not serious", "Medium": "Serious", "High": "Very serious"}),
    "inconsistency": (
        "consistency",
        {"Consistent": "Not serious", "Unknown": "Not serious", "Inconsistent": "Serious"},
    ),
    "imprecision": ("precision", {"Precise": "Not serious", "Imprecise": "Serious"}),
    "publication_bias": (
        "reporting_bias",
        {"Suspected": "Strongly suspected", "Undetected": "Undetected", "Not assessable": "Undetected"},
    ),
}
ABSOLUTE = ("assumed_risk", "corresponding_risk", "risk_difference")  # per 1,000, for binary outcomes


def soe_columns(system: System) -> list[str]:
    """soe.csv's columns for a certainty system: each domain (and what the criteria
    suggest, where they do), the grade, the effect and its absolute form."""
    domains = []
    for domain in system.domains:
        domains.append(domain["id"])
        if domain.get("rule"):
            domains.append(f"{domain['id']}_by_rule")
    return [
        "analysis_id",
        *UNIT,
        "n_studies",
        "participants",
        "study_ids",
        *domains,
        "grade",
        "grade_by_rule",
        "differs",
        "measure",
        "effect",
        *ABSOLUTE,
        "findings",
        "source",
        "illustrative",
    ]


SOE_COLUMNS = soe_columns(load_system(DEFAULT))


def sheet_units(soe: pd.DataFrame, evidence: pd.DataFrame, kq_ids: list[str], file: str) -> list[tuple]:
    """The units the team graded, after checking each names a key question and comparison."""
    check_illustrative(soe, file)
    units = []
    for offset, row in enumerate(soe.to_dict("records")):
        line = offset + 2
        if row["kq"] not in kq_ids:
            raise ReviewflowError(
                f"'{row['kq']}' is not a key question of the config; allowed: {', '.join(kq_ids)}",
                file=file,
                row=line,
                column="kq",
            )
        groups = sorted(set(evidence.loc[evidence["kq"] == row["kq"], "kq_group"]))
        if row["comparison"] not in groups:
            raise ReviewflowError(
                f"{row['kq']} has no comparison '{row['comparison']}'; it has: {', '.join(groups) or 'none'}",
                file=file,
                row=line,
                column="comparison",
            )
        units.append((row["kq"], row["comparison"], row["intervention"], row["outcome"], row["timepoint"]))
    return units


def soe_table(
    soe: pd.DataFrame,
    analyses: pd.DataFrame,
    estimates: pd.DataFrame,
    rob: pd.DataFrame,
    tool: Tool,
    settings: Settings,
    after: dict[str, pd.DataFrame] | None = None,
    randomised: set[str] | None = None,
) -> pd.DataFrame:
    """One row per analysis: the rules' suggestions beside the team's judgements, in the
    certainty system the settings choose. `after`: the tables of what pooling gave further
    (bias, subgroups); `randomised`: the studies of a randomised design (GRADE's start)."""
    system = load_system(settings.certainty)
    after = after or {}
    suggestions = _by_analysis(after.get("bias"), "suggestion")
    subgroup_p = _by_analysis(after.get("subgroups"), "q_between_p")
    stated = {
        (r["kq"], r["comparison"], r["intervention"], r["outcome"], r["timepoint"]): r for r in soe.to_dict("records")
    }
    first = rob.drop_duplicates("study_id").set_index("study_id")
    overall = first["overall"]
    rob_marked = first["illustrative"] if "illustrative" in first else pd.Series(dtype=str)
    rows = []
    for analysis in analyses.to_dict("records"):
        unit = tuple(analysis[c] for c in UNIT)
        team = stated.get(unit, {})
        if not team and analysis["intervention"] and (*unit[:2], "", *unit[3:]) in stated:
            continue  # graded across interventions only
        studies = estimates[estimates["analysis_id"] == analysis["analysis_id"]]
        ids = sorted(set(studies["study_id"]))
        sizes = studies.groupby("study_id")["participants"].max()
        known = [int(size) for size in sizes if str(size) != ""]
        levels = [tool.level(overall[s]) for s in ids if s in overall.index and overall[s]]
        criteria = {
            "study_limitations": study_limitations(levels),
            "consistency": consistency(analysis, studies, settings, subgroup_p.get(analysis["analysis_id"], "")),
            "precision": precision(analysis, sum(known), settings),
            "reporting_bias": reporting_words(suggestions.get(analysis["analysis_id"], "")),
        }
        trials = bool(ids) and set(ids) <= (randomised or set())
        ruled = _suggested(system, criteria, analysis, trials)
        judged = {d["id"]: team.get(d["id"], "") or ruled.get(d["id"], "") for d in system.domains}
        if system.id == DEFAULT:
            ruled["grade"] = grade(judged, team, analysis)
        else:
            ruled["grade"] = grade_grade(system, judged, trials)
        judgeable = {d["id"]: d["values"] for d in system.domains} | {"grade": system.grades}
        differs = [  # a rule that could not judge ('Not assessable') does not differ from the team
            d for d in system.ruled if team.get(d, "") and ruled[d] in judgeable[d] and team[d] != ruled[d]
        ]
        row = {c: analysis[c] for c in UNIT} | {
            "analysis_id": analysis["analysis_id"],
            "n_studies": len(ids),
            "participants": (
                "NR"
                if not known
                else f"{sum(known)}" + (f" (in {len(known)} of {len(ids)} studies)" if len(known) < len(ids) else "")
            ),
            "study_ids": "; ".join(ids),
            "grade": team.get("grade", ""),
            "grade_by_rule": ruled["grade"],
            "differs": "; ".join(differs),
            "measure": analysis["measure"],
            "effect": effect_text(analysis),
            **absolute_effects(analysis, settings),
            "findings": team.get("findings", ""),
            "source": team.get("source", ""),
            "illustrative": _marks(team, analysis, studies, system, any(rob_marked.get(s, "") for s in ids)),
        }
        for domain in system.domains:
            row[domain["id"]] = team.get(domain["id"], "")
            if domain.get("rule"):
                row[f"{domain['id']}_by_rule"] = ruled.get(domain["id"], "")
        rows.append(row)
    return pd.DataFrame(rows, columns=soe_columns(system)).fillna("").astype(str)


def _suggested(system: System, criteria: dict[str, str], analysis: dict, trials: bool) -> dict[str, str]:
    """What the criteria suggest for each of the system's ruled domains (GRADE raises only
    evidence that did not come from randomised trials)."""
    if system.id == DEFAULT:
        return dict(criteria)
    out = {}
    for name, (source, words) in GRADE_FROM_AHRQ.items():
        out[name] = words.get(criteria[source], "")
    out["large_effect"] = "No" if trials else large_effect(analysis)
    return out


def large_effect(analysis: dict) -> str:
    """GRADE's large (RR 2 to 5, or 0.5 to 0.2) or very large (beyond 5 or 0.2) effect of a
    ratio whose CI excludes no effect; No otherwise."""
    if analysis["measure"] not in ("RR", "OR", "HR") or analysis["ci_low"] == "":
        return "No"
    low, high = float(analysis["ci_low"]), float(analysis["ci_high"])
    estimate = float(analysis["estimate"])
    if low <= 1 <= high:
        return "No"
    size = max(estimate, 1 / estimate)
    return "Very large" if size > 5 else "Large" if size >= 2 else "No"


def absolute_effects(analysis: dict, settings: Settings) -> dict[str, str]:
    """For a binary or time-to-event outcome, as GRADEpro shows it: the assumed risk (the
    config's for this outcome, else the median control-group risk of the studies; hazard
    ratios need the config's), the corresponding risk with the intervention and the
    difference, per 1,000, with the 95% CI."""
    empty = dict.fromkeys(ABSOLUTE, "")
    measure = analysis["measure"]
    if measure not in ("RR", "OR", "RD", "HR") or analysis["ci_low"] == "":
        return empty
    assumed = settings.assumed_risks.get(analysis["outcome"], analysis.get("control_risk", ""))
    if assumed == "":
        return empty
    base = float(assumed)

    def risk(effect: float) -> float:
        if measure == "RR":
            return min(1.0, base * effect)
        if measure == "OR":
            return effect * base / (1 - base + effect * base)
        if measure == "HR":  # the risk by the end of follow-up under proportional hazards
            return 1 - (1 - base) ** effect
        return min(1.0, max(0.0, base + effect))

    point, low, high = (risk(float(analysis[k])) for k in ("estimate", "ci_low", "ci_high"))
    low, high = min(low, high), max(low, high)

    def per_1000(value: float) -> int:
        return int(round(value * 1000))

    def difference(value: float) -> str:
        change = per_1000(value) - per_1000(base)
        return f"{abs(change)} {'fewer' if change < 0 else 'more'}"

    return {
        "assumed_risk": f"{per_1000(base)} per 1,000",
        "corresponding_risk": f"{per_1000(point)} per 1,000 ({per_1000(low)} to {per_1000(high)})",
        "risk_difference": f"{difference(point)} per 1,000 ({difference(low)} to {difference(high)})",
    }


def _marks(
    team: dict, analysis: dict, studies: pd.DataFrame, system: System, illustrative_ratings: bool = False
) -> str:
    """The sheet's marks, and the computed columns that rest on an illustrative value
    (the domains from the results, and the grade; those from the ratings rest on them)."""
    marked = [] if not team.get("illustrative") else [team["illustrative"]]
    if team.get("illustrative") == "all":
        return "all"
    ratings = {"study_limitations", "risk_of_bias"}
    from_results = [f"{d['id']}_by_rule" for d in system.domains if d.get("rule") and d["id"] not in ratings]
    from_ratings = [f"{d['id']}_by_rule" for d in system.domains if d.get("rule") and d["id"] in ratings]
    if analysis["illustrative"] or (studies["illustrative"] != "").any():
        marked.append("; ".join(["participants", "effect", *ABSOLUTE, *from_results, "grade_by_rule"]))
    if illustrative_ratings:
        marked.append("; ".join([*from_ratings, "grade_by_rule"]))
    return "; ".join(dict.fromkeys(m for part in marked for m in part.split("; ")))


SUBGROUPS_DIFFER = 0.1  # the test for subgroup differences' p below which subgroups differ


def reporting_words(suggestion: str) -> str:
    """The small-study suggestion (synthesis/beyond.py) in the sheet's words."""
    for start, words in (
        ("suspected", "Suspected"),
        ("undetected", "Undetected"),
        ("not assessable", "Not assessable"),
    ):
        if suggestion.startswith(start):
            return words
    return ""


def _by_analysis(table: pd.DataFrame | None, column: str) -> dict[str, str]:
    if table is None or table.empty:
        return {}
    return dict(zip(table["analysis_id"], table[column]))


def consistency(analysis: dict, studies: pd.DataFrame, settings: Settings, subgroups_p: str = "") -> str:
    """Unknown with fewer than two pooled studies; Inconsistent when I2 reaches the threshold,
    studies whose CI excludes no effect point both ways, the prediction interval crosses no
    effect while the CI excludes it, or subgroups differ (p < 0.1); Consistent otherwise."""
    used = studies[studies["pooled"] == "yes"]
    if len(used) < 2:
        return "Unknown"
    null = 1.0 if analysis["measure"] in ("RR", "OR", "HR") else 0.0
    low, high = used["ci_low"].astype(float), used["ci_high"].astype(float)
    both_ways = (high < null).any() and (low > null).any()
    excludes = analysis["ci_low"] != "" and (float(analysis["ci_low"]) > null or float(analysis["ci_high"]) < null)
    pi_crosses = analysis.get("pi_low", "") != "" and float(analysis["pi_low"]) < null < float(analysis["pi_high"])
    subgroups_differ = subgroups_p != "" and float(subgroups_p) < SUBGROUPS_DIFFER
    if both_ways or float(analysis["i2"] or 0) >= settings.i2_inconsistent:
        return "Inconsistent"
    if (excludes and pi_crosses) or subgroups_differ:
        return "Inconsistent"
    return "Consistent"


def mid_of(analysis: dict, settings: Settings) -> float | None:
    """The smallest important effect on the analysis's scale (ratios: the ratio above 1)."""
    measure = analysis["measure"]
    if measure == "MD":
        name = analysis["note"].removeprefix("mean difference on ")
        return settings.measures.get(name, {}).get("mid")
    return {"SMD": settings.smd_mid, "RR": settings.ratio_mid, "OR": settings.ratio_mid, "HR": settings.ratio_mid}.get(
        measure, settings.rd_mid if measure == "RD" else None
    )


def precision(analysis: dict, participants: int, settings: Settings) -> str:
    """Precise when enough participants (the optimal information size) and a CI that either
    excludes no effect or rules out an important effect both ways; Imprecise otherwise."""
    if analysis["ci_low"] == "" or participants < settings.optimal_information_size:
        return "Imprecise"
    low, high = float(analysis["ci_low"]), float(analysis["ci_high"])
    ratio = analysis["measure"] in ("RR", "OR", "HR")
    if ratio:
        low, high = math.log(low), math.log(high)
    if low > 0 or high < 0:
        return "Precise"
    mid = mid_of(analysis, settings)
    if mid is None:
        return "Imprecise"
    bound = math.log(mid) if ratio else mid
    return "Precise" if -bound < low and high < bound else "Imprecise"


def grade(judged: dict, team: dict, analysis: dict) -> str:
    """A grade from the domains: the start set by study limitations, one level down for each
    of inconsistent or unknown consistency, imprecise, indirect and suspected reporting bias;
    Insufficient without an estimate or below Low."""
    if analysis["ci_low"] == "" or judged["study_limitations"] not in START:
        return "Insufficient"
    level = GRADES.index(START[judged["study_limitations"]])
    level += judged["consistency"] in ("Inconsistent", "Unknown")
    level += judged["precision"] == "Imprecise"
    level += team.get("directness", "") == "Indirect"
    level += judged.get("reporting_bias", team.get("reporting_bias", "")) == "Suspected"
    return GRADES[min(level, 3)]


def effect_text(analysis: dict) -> str:
    """'MD -0.52 (95% CI -0.90 to -0.14); 3 studies, I2 41%' or '' without an estimate."""
    if analysis["estimate"] == "":
        return ""
    interval = f"95% CI {number(analysis['ci_low'])} to {number(analysis['ci_high'])}"
    parts = [f"{analysis['measure']} {number(analysis['estimate'])} ({interval})"]
    if analysis["k"] and int(analysis["k"]) > 1:
        parts.append(f"{analysis['k']} studies, I² {float(analysis['i2']):.0f}%")
    else:
        parts.append("1 study")
    return "; ".join(parts)


__all__ = [
    "SOE_COLUMNS",
    "analysis_id",
    "consistency",
    "grade",
    "precision",
    "sheet_units",
    "soe_columns",
    "soe_table",
]
