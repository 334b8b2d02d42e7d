"""The synthesis stage's files: the extracted results, evidence rows, comparisons, arms,
risk-of-bias table and the strength-of-evidence sheet in; each study's result per
analysis, the analyses (pooled where two studies or more), strength of evidence per
outcome and timepoint, one forest plot per analysis, and what each pooled analysis
gives after pooling (sensitivity, small-study effects, subgroups, meta-regression) out."""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ..rob import load_tool
from ..schemas import sheet_schema
from ..sheets import default_sheet, read_optional
from ..tables import read_csv, write_csv
from . import depth
from .analyses import Settings, run_analyses, slug
from .beyond import beyond_pooling, leading_number, pooled_studies
from .forest import forest_plot
from .funnel import funnel_plot
from .results import structured_results
from .soe import sheet_units, soe_table

log = logging.getLogger(__name__)


def synthesis(inputs: dict, outputs: dict, params: dict) -> None:
    vocabulary = dict(params["vocabulary"])
    settings = Settings.from_config(params.get("settings"))
    tool = load_tool(params["tool"])
    evidence = read_csv(inputs["evidence"])
    results = structured_results(
        read_csv(inputs["outcomes"]),
        evidence,
        read_csv(inputs["comparisons"]),
        read_csv(inputs["arms"]),
        vocabulary.get("timepoints", []),
    )
    soe_file = inputs.get("soe") or default_sheet("rob", "soe")
    soe_sheet = read_optional(inputs.get("soe"), sheet_schema("soe", vocabulary, settings.certainty))
    units = sheet_units(soe_sheet, evidence, list(params["kq_ids"]), soe_file)
    analyses, estimates = run_analyses(results, settings, units)
    rob = read_csv(inputs["rob"])
    after, plotting = after_pooling(
        inputs, analyses, estimates, rob, tool, settings, vocabulary, params.get("subgroups") or {}
    )
    designs = {d["name"]: bool(d.get("randomised")) for d in vocabulary["designs"]}
    registry = read_csv(inputs["studies"])
    randomised = set(registry.loc[registry["design"].map(designs).fillna(False).astype(bool), "study_id"])
    soe = soe_table(soe_sheet, analyses, estimates, rob, tool, settings, after, randomised)
    for name, frame in (("analyses", analyses), ("estimates", estimates), ("soe", soe), *after.items()):
        write_csv(frame.fillna("").astype(str), outputs[name], list(frame.columns))
    judgements = {
        row["study_id"]: (row["overall"], tool.level(row["overall"]))
        for row in rob.drop_duplicates("study_id").to_dict("records")
        if row["overall"]
    }
    write_forest_plots(analyses, estimates, judgements, params["palette"], outputs["forest"])
    write_funnel_plots(analyses, estimates, after["bias"], settings.method, outputs["funnel"])
    write_after_plots(analyses, estimates, {**after, **plotting}, settings, outputs["after"])
    log.info(
        "%d analyses (%d pooled) from %d study results",
        len(analyses),
        int((analyses["k"].astype(int) > 1).sum()) if len(analyses) else 0,
        len(estimates),
    )


def after_pooling(inputs, analyses, estimates, rob, tool, settings, vocabulary, subgroups: dict) -> dict:
    """Sensitivity, small-study effects, subgroups and meta-regression of every pooled
    analysis, with the study facts they need: each study's year (its primary
    publication's), the studies at the tool's worst judgement, and the characteristic
    values that define subgroups and covariates."""
    publications = read_csv(inputs["publications"])
    years = dict(zip(*publications.loc[publications["primary"] == "yes", ["study_id", "year"]].T.to_numpy()))
    worst_label = [j["label"] for j in tool.judgements if j["level"] != "ni"][-1]
    first = rob.drop_duplicates("study_id")
    worst = set(first.loc[first["overall"] == worst_label, "study_id"])
    studies = read_csv(inputs["studies"]).set_index("study_id")
    arms = read_csv(inputs["arms"]).set_index(["study_id", "arm"])
    comparisons = read_csv(inputs["comparisons"]).set_index(["study_id", "comparison_id"])
    arm_ids = {c["id"] for c in vocabulary.get("arm_characteristics", [])}

    def lookup(characteristic: str):
        def level_of(study_id: str, comparison_id: str) -> str:
            if characteristic not in arm_ids:
                return str(studies[characteristic].get(study_id, "")) if characteristic in studies else ""
            arm = comparisons["intervention_arm"].get((study_id, comparison_id), "")
            return str(arms[characteristic].get((study_id, arm), "")) if characteristic in arms else ""

        return level_of

    by_kq = {kq: [(s["name"], lookup(s["characteristic"])) for s in declared] for kq, declared in subgroups.items()}
    covariates = [(name, studies[name].to_dict() if name in studies else {}) for name in settings.metaregression]
    tables = beyond_pooling(
        analyses,
        estimates,
        method=settings.method,
        worst=worst,
        years=years,
        subgroups=by_kq,
        covariates=covariates,
        min_k=settings.small_study_min_k,
        alpha=settings.small_study_alpha,
    )
    plotting = {
        "level_of": {name: level_of for declared in by_kq.values() for name, level_of in declared},
        "covariate_values": dict(covariates),
    }
    return tables, plotting


def sides(analysis: dict) -> tuple[str, str]:
    """What a value below and above no effect favours: the first arm is the intervention."""
    first = analysis["intervention"] or "intervention"
    second = analysis["kq_group"]
    if analysis["better"] == "lower":
        return f"favours {first}", f"favours {second}"
    if analysis["better"] == "higher":
        return f"favours {second}", f"favours {first}"
    return f"lower with {first}", f"higher with {first}"


def write_forest_plots(
    analyses: pd.DataFrame, estimates: pd.DataFrame, judgements: dict, palette: str, folder: str
) -> None:
    """One SVG per analysis with an estimate, named by its analysis id; the folder holds
    nothing else (a plot of an analysis that is gone does not linger)."""
    target = Path(folder)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    pooled = {ident: rows for ident, rows in estimates[estimates["pooled"] == "yes"].groupby("analysis_id", sort=False)}
    for analysis in analyses.to_dict("records"):
        used = pooled.get(analysis["analysis_id"])
        if used is None:
            continue
        svg = forest_plot(analysis, used, judgements, palette, sides(analysis))
        (target / f"{analysis['analysis_id']}.svg").write_text(svg, encoding="utf-8")


def write_funnel_plots(
    analyses: pd.DataFrame, estimates: pd.DataFrame, bias: pd.DataFrame, method: str, folder: str
) -> None:
    """One contour-enhanced funnel plot per analysis whose small-study effects were tested
    (enough studies), with the studies trim and fill adds drawn open."""
    target = Path(folder)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    tested = set(bias.loc[bias["egger_p"] != "", "analysis_id"]) if len(bias) else set()
    for analysis in analyses[analyses["analysis_id"].isin(tested)].to_dict("records"):
        studies = pooled_studies(estimates, analysis["analysis_id"])
        yi, vi = studies["yi"].astype(float).to_numpy(), studies["vi"].astype(float).to_numpy()
        filled = depth.trimfill(yi, vi, "REML" if method != "FE" else "FE")["filled"]
        svg = funnel_plot(analysis, list(yi), list(np.sqrt(vi)), [(a, math.sqrt(b)) for a, b in filled])
        (target / f"{analysis['analysis_id']}.svg").write_text(svg, encoding="utf-8")


def write_after_plots(analyses: pd.DataFrame, estimates: pd.DataFrame, after: dict, settings, folder: str) -> None:
    """For each analysis tested for small-study effects (enough studies): a leave-one-out
    plot, a subgroup forest plot per subgroup compared, a bubble plot per covariate."""
    from .plots import bubble_plot, interval_plot

    target = Path(folder)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    bias = after["bias"]
    tested = set(bias.loc[bias["egger_p"] != "", "analysis_id"]) if len(bias) else set()
    for analysis in analyses[analyses["analysis_id"].isin(tested)].to_dict("records"):
        ident, measure = analysis["analysis_id"], analysis["measure"]
        scale = (lambda v: math.log(float(v))) if measure in ("RR", "OR", "HR") else (lambda v: float(v))
        name = f"{analysis['kq']}, {analysis['kq_group']}, {analysis['outcome']}, {analysis['timepoint']}"
        pooled = {"label": f"All {analysis['k']} studies", "kind": "summary"} | {
            key: scale(analysis[key]) for key in ("estimate", "ci_low", "ci_high")
        }
        studies = pooled_studies(estimates, ident)
        labels = dict(zip(studies["study_id"], studies["label"]))
        sens = after["sensitivity"]
        rows = [pooled] + [
            {"label": f"without {labels.get(r['study_id'], r['study_id'])}", "kind": "study"}
            | {key: scale(r[key]) for key in ("estimate", "ci_low", "ci_high")}
            for r in sens[(sens["analysis_id"] == ident) & (sens["kind"] == "leave one out")].to_dict("records")
        ]
        svg = interval_plot(f"Leave-one-out plot: {name}", measure, rows)
        (target / f"{ident}.leave-one-out.svg").write_text(svg, encoding="utf-8")
        groups = after["subgroups"]
        for subgroup, levels in groups[(groups["analysis_id"] == ident) & (groups["level"] != "")].groupby(
            "subgroup", sort=False
        ):
            rows = []
            for level in levels.to_dict("records"):
                rows.append({"label": f"{level['level']} (k = {level['k']})", "kind": "heading"})
                members = studies[[_level == level["level"] for _level in _levels(studies, after, ident, subgroup)]]
                for study in members.to_dict("records"):
                    y, v = float(study["yi"]), float(study["vi"])
                    half = 1.959963984540054 * math.sqrt(v)
                    rows.append(
                        {
                            "label": study["label"],
                            "kind": "study",
                            "estimate": y,
                            "ci_low": y - half,
                            "ci_high": y + half,
                        }
                    )
                rows.append(
                    {"label": f"{level['level']}: pooled", "kind": "summary"}
                    | {key: scale(level[key]) for key in ("estimate", "ci_low", "ci_high")}
                )
            first = levels.iloc[0]
            footer = (
                f"Test for subgroup differences: Q = {float(first['q_between']):.2f}, df = {first['q_between_df']}, "
                f"p = {float(first['q_between_p']):.3f}"
            )
            svg = interval_plot(f"Subgroup forest plot by {subgroup}: {name}", measure, rows, footer)
            (target / f"{ident}.subgroups-{slug(subgroup)}.svg").write_text(svg, encoding="utf-8")
        regressions = after["metareg"]
        for row in regressions[(regressions["analysis_id"] == ident) & (regressions["slope"] != "")].to_dict("records"):
            values = after.get("covariate_values", {}).get(row["covariate"], {})
            points = [
                (leading_number(values[s]), float(y), float(v))
                for s, y, v in zip(studies["study_id"], studies["yi"], studies["vi"])
                if not math.isnan(leading_number(values.get(s, "")))
            ]
            if len(points) < 3:
                continue
            fit = (float(row["intercept"]), float(row["slope"]))
            svg = bubble_plot(f"Bubble plot: {name} by {row['covariate']}", measure, row["covariate"], points, fit)
            (target / f"{ident}.metareg-{slug(row['covariate'])}.svg").write_text(svg, encoding="utf-8")


def _levels(studies: pd.DataFrame, after: dict, ident: str, subgroup: str) -> list[str]:
    lookup = after.get("level_of", {}).get(subgroup)
    return [lookup(s, c) if lookup else "" for s, c in zip(studies["study_id"], studies["comparison_id"])]


def run(inputs: dict, outputs: dict, params: dict) -> None:
    synthesis(inputs, outputs, params)
