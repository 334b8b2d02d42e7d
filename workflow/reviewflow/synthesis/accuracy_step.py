"""The accuracy stage of a diagnostic review: the accuracy sheet's 2x2 tables in (checked
against the study registry), and out, per target condition and index test: the bivariate
analysis (accuracy.py) with its counts per 1,000 people tested, the same analysis per
threshold and per setting where the studies differ in them, each study's values, the
comparisons of two tests, and a paired forest plot and an SROC plot per analysis."""

from __future__ import annotations

import logging
import shutil
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReviewflowError
from ..schemas import sheet_schema
from ..sheets import default_sheet, read_optional
from ..tables import read_csv, write_csv
from .accuracy import COUNTS, analyse, comparison, empty_margin, per_study
from .accuracy_plots import paired_forest, sroc_plot
from .analyses import rounded, slug

log = logging.getLogger(__name__)

ANALYSIS_COLUMNS = [
    "analysis_id",
    "target_condition",
    "index_test",
    "subgroup",
    "level",
    "k",
    "participants",
    "reference_standards",
    "model",
    "boundary",
    "reason",
    *(f"{name}{end}" for name in ("sensitivity", "specificity") for end in ("", "_ci_low", "_ci_high")),
    "tau2_logit_sens",
    "tau2_logit_spec",
    "rho",
    *(f"{name}{end}" for name in ("dor", "lr_pos", "lr_neg") for end in ("", "_ci_low", "_ci_high")),
    "prevalence",
    "prevalence_source",
    *(f"{cell}_per_1000{end}" for cell in COUNTS for end in ("", "_low", "_high")),
    "illustrative",
]
STUDY_COLUMNS = [
    "analysis_id",
    "study_id",
    "label",
    "index_test",
    "threshold",
    "reference_standard",
    "target_condition",
    *COUNTS,
    *(f"{name}{end}" for name in ("sensitivity", "specificity") for end in ("", "_ci_low", "_ci_high")),
    "illustrative",
]
COMPARISON_COLUMNS = [
    "target_condition",
    "reference_test",
    "other_test",
    "k_reference",
    "k_other",
    *(
        f"{test}_{name}{end}"
        for test in ("reference", "other")
        for name in ("sensitivity", "specificity")
        for end in ("", "_ci_low", "_ci_high")
    ),
    *(f"diff_logit_{name}{end}" for name in ("sens", "spec") for end in ("", "_ci_low", "_ci_high", "_p")),
    "wald",
    "wald_df",
    "wald_p",
    "reason",
]


def run(inputs: dict, outputs: dict, params: dict) -> None:
    vocabulary = params["vocabulary"]
    file = inputs.get("accuracy") or "accuracy.csv"
    sheet = read_optional(inputs.get("accuracy"), sheet_schema("accuracy", vocabulary))
    registry = read_csv(inputs["studies"])
    analyses, studies, compared, pictures = accuracy_tables(
        sheet, registry, params.get("prevalence", []), file, params.get("order", "sensitivity")
    )
    certainty = _certainty(inputs, params, analyses, studies)
    for name, frame, columns in (
        ("accuracy_analyses", analyses, ANALYSIS_COLUMNS),
        ("accuracy_studies", studies, STUDY_COLUMNS),
        ("accuracy_comparisons", compared, COMPARISON_COLUMNS),
        ("accuracy_certainty", certainty, list(certainty.columns)),
    ):
        write_csv(frame, outputs[name], columns)
    folder = Path(outputs["accuracy_figures"])
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, svg in pictures.items():
        (folder / name).write_text(svg, encoding="utf-8")
    log.info("%d accuracy analyses of %d 2x2 tables, %d comparisons of tests", len(analyses), len(sheet), len(compared))


def _certainty(inputs: dict, params: dict, analyses: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """The certainty of each test's sensitivity and specificity (accuracy_certainty.py)."""
    from ..certainty import load_system
    from ..rob import load_tool
    from .accuracy_certainty import certainty_table

    system = load_system(params.get("certainty"))
    tool = load_tool(params["tool"])
    file = inputs.get("certainty") or default_sheet("rob", "accuracy_certainty")
    schema = sheet_schema("accuracy_certainty", params["vocabulary"], system.id)
    sheet = read_optional(inputs.get("certainty"), schema)
    rob = (
        read_csv(inputs["rob"]) if inputs.get("rob") else pd.DataFrame(columns=["study_id", "overall", "illustrative"])
    )
    return certainty_table(analyses, studies, rob, sheet, system, tool, file)


def accuracy_tables(
    sheet: pd.DataFrame, registry: pd.DataFrame, prevalence: list[dict], file: str, order: str = "sensitivity"
):
    """(analyses, studies, comparisons, pictures by file name) of the checked sheet; the
    forest plots list the studies in `order` (accuracy_plots.SORTS)."""
    _check(sheet, registry, file)
    labels = dict(zip(registry["study_id"], registry["label"]))
    settings = dict(zip(registry["study_id"], registry["setting"])) if "setting" in registry else {}
    declared = {item["target_condition"]: item for item in prevalence}
    sheet = sheet.assign(row=range(2, len(sheet) + 2), label=sheet["study_id"].map(labels))
    analyses, studies, compared, pictures = [], [], [], {}
    main_rows: dict[tuple[str, str], pd.DataFrame] = {}
    for (condition, test), rows in sheet.groupby(["target_condition", "index_test"], sort=True):
        main = _one_per_study(rows, file, f"{test} for {condition}")
        main_rows[(condition, test)] = main
        ident = slug(f"{condition} {test}")
        plans = [(ident, "", "", main)]
        thresholds = sorted(set(rows["threshold"]) - {""})
        if len(thresholds) > 1:
            for threshold in thresholds:
                at = _one_per_study(rows[rows["threshold"] == threshold], file, f"{test} at {threshold}")
                plans.append((f"{ident}-threshold-{slug(threshold)}", "threshold", threshold, at))
        where = main["study_id"].map(settings).fillna("")
        if len(set(where) - {""}) > 1:
            for setting in sorted(set(where) - {""}):
                plans.append((f"{ident}-setting-{slug(setting)}", "setting", setting, main[where == setting]))
        for analysis_id, subgroup, level, used in plans:
            result, per = _analysis(used)
            row = _analysis_row(analysis_id, condition, test, subgroup, level, used, result, declared.get(condition))
            analyses.append(row)
            studies += [_study_row(analysis_id, source, values) for source, values in zip(used.to_dict("records"), per)]
            if not subgroup:
                pictures[f"{analysis_id}.forest.svg"] = paired_forest(
                    result, order, f"Paired forest plot: {test} for {condition}, {result['k']} studies"
                )
                pictures[f"{analysis_id}.sroc.svg"] = sroc_plot(
                    result, f"SROC plot: {test} for {condition}, {result['k']} studies"
                )
    for condition in sorted({c for c, _ in main_rows}):
        tests = sorted(t for c, t in main_rows if c == condition)
        for first, second in combinations(tests, 2):
            both = pd.concat([main_rows[(condition, first)], main_rows[(condition, second)]])
            compared.append(_comparison_row(condition, first, second, both))
    return (
        pd.DataFrame(analyses, columns=ANALYSIS_COLUMNS),
        pd.DataFrame(studies, columns=STUDY_COLUMNS),
        pd.DataFrame(compared, columns=COMPARISON_COLUMNS),
        pictures,
    )


def _check(sheet: pd.DataFrame, registry: pd.DataFrame, file: str) -> None:
    known = set(registry["study_id"])
    for offset, row in enumerate(sheet.to_dict("records")):
        number = offset + 2
        if row["study_id"] not in known:
            raise ReviewflowError(
                f"'{row['study_id']}' is not a study of the study registry", file=file, row=number, column="study_id"
            )
        empty = empty_margin(*(row[c] for c in COUNTS))
        if empty:
            raise ReviewflowError(empty[1], file=file, row=number, column=empty[0])


def _one_per_study(rows: pd.DataFrame, file: str, what: str) -> pd.DataFrame:
    """One 2x2 table per study: its only row, or the one marked primary."""
    kept = []
    for study_id, tables in rows.groupby("study_id", sort=False):
        if len(tables) == 1:
            kept.append(tables)
            continue
        primary = tables[tables["primary"] == "yes"]
        if len(primary) != 1:
            listed = ", ".join(str(r) for r in tables["row"])
            raise ReviewflowError(
                f"study '{study_id}' gives {len(tables)} tables of {what} (rows {listed}); mark the one the main "
                "analysis uses primary = yes (and only that one)",
                file=file,
                row=int(tables["row"].iloc[0]),
                column="primary",
            )
        kept.append(primary)
    return pd.concat(kept).sort_values("row") if kept else rows


def _analysis(used: pd.DataFrame) -> tuple[dict, list[dict]]:
    counts = {"study": used["label"].tolist(), **{c: used[c].astype(float).to_numpy() for c in COUNTS}}
    result = analyse(counts)
    per = per_study(counts)
    result["per_study"] = per
    return result, per


def _illustrative(used: pd.DataFrame) -> bool:
    counted = set(COUNTS) | {"all"}
    return any(counted & {m.strip() for m in marks.split(";")} for marks in used["illustrative"])


def _analysis_row(ident, condition, test, subgroup, level, used, result, declared) -> dict:
    row = {
        "analysis_id": ident,
        "target_condition": condition,
        "index_test": test,
        "subgroup": subgroup,
        "level": level,
        "k": result["k"],
        "participants": int(used[list(COUNTS)].astype(int).to_numpy().sum()),
        "reference_standards": "; ".join(sorted(set(used["reference_standard"]))),
        "model": result["model"],
        "boundary": result["boundary"] or "",
        "reason": result["reason"] or "",
        "tau2_logit_sens": rounded(result["tau2_logit_sens"]),
        "tau2_logit_spec": rounded(result["tau2_logit_spec"]),
        "rho": rounded(result["rho"]),
    }
    for name in ("sensitivity", "specificity", "dor", "lr_pos", "lr_neg"):
        row[name] = rounded(result[name]["estimate"])
        row[f"{name}_ci_low"] = rounded(result[name]["ci_low"])
        row[f"{name}_ci_high"] = rounded(result[name]["ci_high"])
    diseased = used["tp"].astype(int) + used["fn"].astype(int)
    total = diseased + used["fp"].astype(int) + used["tn"].astype(int)
    if declared:
        prevalence = float(declared["prevalence"])
        source = declared.get("source", "") + (" (illustrative)" if declared.get("illustrative") else "")
    else:
        prevalence = float(np.median(diseased / total))
        source = "median of the studies' prevalence"
    row.update(prevalence=rounded(prevalence), prevalence_source=source.strip())
    row.update(_per_1000(prevalence, result))
    row["illustrative"] = "all" if _illustrative(used) or (declared or {}).get("illustrative") else ""
    return row


def _per_1000(prevalence: float, result: dict) -> dict:
    """Of 1,000 people tested at this prevalence: TP, FP, FN, TN and their ranges from the
    summary sensitivity's and specificity's confidence limits."""
    ill, well = 1000 * prevalence, 1000 * (1 - prevalence)
    sens, spec = result["sensitivity"], result["specificity"]
    values = {
        "tp": (ill * sens["estimate"], ill * sens["ci_low"], ill * sens["ci_high"]),
        "fn": (ill * (1 - sens["estimate"]), ill * (1 - sens["ci_high"]), ill * (1 - sens["ci_low"])),
        "fp": (well * (1 - spec["estimate"]), well * (1 - spec["ci_high"]), well * (1 - spec["ci_low"])),
        "tn": (well * spec["estimate"], well * spec["ci_low"], well * spec["ci_high"]),
    }
    return {
        f"{cell}_per_1000{end}": str(int(round(value)))
        for cell, triple in values.items()
        for end, value in zip(("", "_low", "_high"), triple)
    }


def _study_row(ident: str, source: dict, values: dict) -> dict:
    row = {"analysis_id": ident, **{k: source[k] for k in STUDY_COLUMNS[1:7]}}
    row.update({c: source[c] for c in COUNTS})
    for name in ("sensitivity", "sens_ci_low", "sens_ci_high", "specificity", "spec_ci_low", "spec_ci_high"):
        column = name.replace("sens_", "sensitivity_").replace("spec_", "specificity_")
        row[column] = rounded(values[name])
    row["illustrative"] = source["illustrative"]
    return row


def _comparison_row(condition: str, first: str, second: str, both: pd.DataFrame) -> dict:
    counts = {"study": both["label"].tolist(), **{c: both[c].astype(float).to_numpy() for c in COUNTS}}
    result = comparison(counts, both["index_test"].to_numpy(), "index_test")
    row = {
        "target_condition": condition,
        "reference_test": first,
        "other_test": second,
        "k_reference": result["tests"][first]["k"],
        "k_other": result["tests"][second]["k"],
        "reason": result.get("reason") or "",
    }
    if result.get("reason"):
        return row
    for role, test in (("reference", first), ("other", second)):
        for name in ("sensitivity", "specificity"):
            for key, end in (("estimate", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high")):
                row[f"{role}_{name}{end}"] = rounded(result["tests"][test][name][key])
    for short, name in (("sens", "logit_sensitivity"), ("spec", "logit_specificity")):
        difference = result["difference"][name]
        for key, end in (("estimate", ""), ("ci_low", "_ci_low"), ("ci_high", "_ci_high"), ("p", "_p")):
            row[f"diff_logit_{short}{end}"] = rounded(difference[key])
    row.update(wald=rounded(result["wald"]["statistic"]), wald_df=2, wald_p=rounded(result["wald"]["p"]))
    return row
