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

from ..errors import ReviewflowError
from ..marks import check_illustrative
from ..rob import Tool
from ..rob.assessments import study_limitations
from .analyses import UNIT, Settings, analysis_id

RULED = ("study_limitations", "consistency", "precision", "grade")
GRADES = ("High", "Moderate", "Low", "Insufficient")
START = {"Low": "High", "Medium": "Moderate", "High": "Low"}

SOE_COLUMNS = [
    "analysis_id",
    *UNIT,
    "n_studies",
    "participants",
    "study_ids",
    *(f"{domain}{suffix}" for domain in RULED[:3] for suffix in ("", "_by_rule")),
    "directness",
    "reporting_bias",
    "reporting_bias_by_rule",
    "grade",
    "grade_by_rule",
    "differs",
    "measure",
    "effect",
    "findings",
    "source",
    "illustrative",
]


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
) -> pd.DataFrame:
    """One row per analysis: the rules' suggestions beside the team's judgements. `after`:
    the tables of what pooling gave further (bias, subgroups), when they were computed."""
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
        ruled = {
            "study_limitations": study_limitations(levels),
            "consistency": consistency(analysis, studies, settings, subgroup_p.get(analysis["analysis_id"], "")),
            "precision": precision(analysis, sum(known), settings),
        }
        reporting = reporting_words(suggestions.get(analysis["analysis_id"], ""))
        judged = {domain: team.get(domain, "") or ruled[domain] for domain in ruled}
        judged["reporting_bias"] = team.get("reporting_bias", "") or reporting
        ruled["grade"] = grade(judged, team, analysis)
        differs = [d for d in RULED if team.get(d, "") and team[d] != ruled[d]]
        rows.append(
            {
                **{c: analysis[c] for c in UNIT},
                "analysis_id": analysis["analysis_id"],
                "n_studies": len(ids),
                "participants": (
                    "NR"
                    if not known
                    else f"{sum(known)}"
                    + (f" (in {len(known)} of {len(ids)} studies)" if len(known) < len(ids) else "")
                ),
                "study_ids": "; ".join(ids),
                **{domain: team.get(domain, "") for domain in RULED},
                **{f"{domain}_by_rule": value for domain, value in ruled.items()},
                "directness": team.get("directness", ""),
                "reporting_bias": team.get("reporting_bias", ""),
                "reporting_bias_by_rule": reporting,
                "differs": "; ".join(differs),
                "measure": analysis["measure"],
                "effect": effect_text(analysis),
                "findings": team.get("findings", ""),
                "source": team.get("source", ""),
                "illustrative": _marks(team, analysis, studies, any(rob_marked.get(s, "") for s in ids)),
            }
        )
    return pd.DataFrame(rows, columns=SOE_COLUMNS).fillna("").astype(str)


def _marks(team: dict, analysis: dict, studies: pd.DataFrame, illustrative_ratings: bool = False) -> str:
    """The sheet's marks, and the computed columns that rest on an illustrative value
    (study limitations and the grade rest on the risk-of-bias ratings)."""
    marked = [] if not team.get("illustrative") else [team["illustrative"]]
    if team.get("illustrative") == "all":
        return "all"
    if analysis["illustrative"] or (studies["illustrative"] != "").any():
        marked.append("participants; effect; consistency_by_rule; precision_by_rule; grade_by_rule")
    if illustrative_ratings:
        marked.append("study_limitations_by_rule; grade_by_rule")
    return "; ".join(dict.fromkeys(m for part in marked for m in part.split("; ")))


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


SUBGROUPS_DIFFER = 0.1  # the test for subgroup differences' p below which subgroups differ


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
    interval = f"95% CI {_fmt(analysis['ci_low'])} to {_fmt(analysis['ci_high'])}"
    parts = [f"{analysis['measure']} {_fmt(analysis['estimate'])} ({interval})"]
    if analysis["k"] and int(analysis["k"]) > 1:
        parts.append(f"{analysis['k']} studies, I² {float(analysis['i2']):.0f}%")
    else:
        parts.append("1 study")
    return "; ".join(parts)


def _fmt(value: str) -> str:
    """Two decimals, with a true minus sign."""
    return f"{float(value):.2f}".replace("-", "\u2212")


__all__ = ["SOE_COLUMNS", "analysis_id", "consistency", "grade", "precision", "sheet_units", "soe_table"]
