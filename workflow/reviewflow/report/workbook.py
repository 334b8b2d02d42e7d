"""The evidence-table workbook reviewers work in: a sheet per KQ, then studies,
arms, risk of bias, strength of evidence and references, all from the report
context. Each sheet is a list of (heading, field) pairs; the review's own
characteristics and outcome columns come from its vocabulary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ..xlsx import add_table_sheet, as_number, fill, save_deterministic

# Cell colours by the level the tool gives each judgement (see rob/tools/*.yaml).
LEVEL_FILLS = {"low": "CFE8CF", "some": "FFF1C2", "high": "F6CDCD", "critical": "C98B8B", "ni": "D6E8FB"}
# What each level means, in the reader's words, with the colour its cells have.
LEVEL_WORDS = {
    "low": "low risk of bias (green cells)",
    "some": "some concerns (yellow cells)",
    "high": "high risk of bias (red cells)",
    "critical": "critical risk of bias (dark red cells)",
    "ni": "no information (blue cells)",
}
MARKS = ("Illustrative columns", "illustrative_columns")
SOURCE = [("Source", "source"), MARKS]


def _cells(row: dict, field: str):
    value = row.get(field, "")
    if isinstance(value, list):
        return "; ".join(value)
    return as_number(value, field)  # numbers as numbers, identifiers as text (xlsx.as_number)


def _sheet(workbook: Workbook, title: str, columns: list[tuple[str, str]], rows: list[dict]):
    """A table sheet; the illustrative columns of a row named by their headings, as a reader sees them."""
    header = [heading for heading, _ in columns]
    headings = dict((field, heading) for heading, field in columns)

    def cell(row: dict, field: str):
        if field == MARKS[1]:
            named = row.get(field) or []
            if str(row.get("illustrative", "")).strip() == "all":
                return "all values"
            return "; ".join(headings.get(name, name.replace("_", " ")) for name in named)
        return _cells(row, field)

    cells = [[cell(row, field) for _, field in columns] for row in rows]
    return add_table_sheet(workbook, title, header, cells, numbers=False)  # converted by field in _cells


def _read_me(workbook: Workbook, context: dict) -> None:
    """The first sheet: what the workbook is, what each sheet holds, and what its marks mean."""
    review, mark = context["review"], context["dagger"]
    rows = [
        ["Review", review["title"]],
        ["Version", review["version"] or "1"],
        ["Search date", context["batch"]["date_searched"]],
        *([["Published review", review["citation"]]] if review["citation"] else []),
        *([["Note", review["notice"]]] if review["notice"] else []),
        ["Marks", f"{mark} after a value: an illustrative (demonstration) value, not from a public source."],
        [
            "Illustrative columns",
            "on each row: which of its values are illustrative, by column heading ('all values' for the whole row).",
        ],
        ["Source", "on each row: where its values come from."],
        *[[f"Risk of bias: {label}", LEVEL_WORDS.get(level, level)] for label, level in context["rob_levels"].items()],
        ["KQ sheets", "one row per study and comparison in the key question, with its outcomes."],
        ["Studies, Arms", "the study registry and its arms."],
        ["Risk of bias", "each assessment with its domains."],
        [
            context["certainty"]["heading"],
            f"{context['certainty']['name']}: the team's grades beside what the rules suggest.",
        ],
        ["Study results", "each study's result in each analysis, numbers as numbers."],
        *(
            [
                [
                    "Accuracy",
                    "each index test's summary accuracy per target condition, then per threshold and setting.",
                ],
                ["Accuracy by study", "each study's 2x2 table and its sensitivity and specificity in each analysis."],
                ["Tests compared", "two index tests in one model, with the test for a difference."],
                ["Certainty per test", "the certainty of each test's sensitivity and specificity, domain by domain."],
            ]
            if "accuracy" in context
            else []
        ),
        *(
            [["Screening agreement", "two reviewers' agreement on screening votes per stage: share and kappa."]]
            if (context.get("agreement") or {}).get("agreement")
            else []
        ),
        *(
            [["Reviewer agreement", "two reviewers' agreement on risk of bias per domain: kappa and Gwet's AC1."]]
            if "rob_agreement" in context
            else []
        ),
        *(
            [["Extraction agreement", "two reviewers' agreement on extracted values: the share that agree."]]
            if "extraction_agreement" in context
            else []
        ),
        ["References", "the publications, numbered as in the report."],
    ]
    widths = {"Item": 26, "Meaning": 100}
    sheet = add_table_sheet(workbook, "Read me", ["Item", "Meaning"], rows, widths=widths, numbers=False)
    for row, (label, _) in enumerate(rows, start=2):
        level = context["rob_levels"].get(label.removeprefix("Risk of bias: "))
        if label.startswith("Risk of bias: ") and level in LEVEL_FILLS:
            sheet.cell(row=row, column=2).fill = fill(LEVEL_FILLS[level])


def write_workbook(context: dict, path: str | Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _read_me(workbook, context)
    _evidence_sheets(workbook, context)
    _study_sheets(workbook, context)
    _rob_sheet(workbook, context)
    _certainty_sheet(workbook, context)
    _results_sheet(workbook, context)
    if "accuracy" in context:
        _accuracy_sheets(workbook, context["accuracy"])
    _agreement_sheets(workbook, context)
    references = [("No.", "number"), ("Study id", "study_id"), ("Reference", "text"), ("DOI", "doi"), ("PMID", "pmid")]
    _sheet(workbook, "References", references, context["references"])
    save_deterministic(workbook, path, date.fromisoformat(context["batch"]["date_searched"]))


def _evidence_sheets(workbook: Workbook, context: dict) -> None:
    """One sheet per key question: its evidence rows, the risk of bias coloured."""
    vocabulary, levels = context["vocabulary"], context["rob_levels"]
    evidence = [
        ("KQ", "kq"),
        ("Group", "kq_group_title"),
        ("Study", "label"),
        ("Study id", "study_id"),
        ("Comparison", "comparison_id"),
        ("Intervention", "intervention"),
        ("Intervention n", "intervention_n"),
        ("Comparator", "comparator"),
        ("Comparator n", "comparator_n"),
        ("Risk of bias (overall)", "quality"),
        ("Delivery", "delivery"),
        *[(column["heading"], column["id"]) for column in vocabulary["outcome_columns"]],
        ("Why in this KQ", "mapped_by"),
        *SOURCE,
    ]
    for kq in context["key_questions"]:
        rows = [row for group in kq["groups"] for row in group["rows"]]
        sheet = _sheet(workbook, kq["id"], evidence, rows)
        _colour_judgements(sheet, evidence.index(("Risk of bias (overall)", "quality")) + 1, len(rows), levels)


def _study_sheets(workbook: Workbook, context: dict) -> None:
    """The studies and their arms, with the review's own characteristic columns."""
    vocabulary = context["vocabulary"]
    characteristics = [(c["heading"], c["id"]) for c in vocabulary["study_characteristics"]]
    studies = [
        ("Study id", "study_id"),
        ("Study", "label"),
        ("Intervention", "intervention_types"),
        ("Design", "design"),
        ("Country", "country"),
        ("Setting", "setting"),
        *characteristics,
        ("Funding", "funding"),
        ("N randomised or enrolled", "n_randomised"),
        ("N analysed", "n_analysed"),
        ("KQs", "kqs"),
        *SOURCE,
    ]
    _sheet(workbook, "Studies", studies, context["studies"])
    arms = [
        ("Study id", "study_id"),
        ("Arm", "arm"),
        ("Name", "name"),
        ("Type", "arm_type"),
        *[(c["heading"], c["id"]) for c in vocabulary["arm_characteristics"]],
        ("N randomised or enrolled", "n_randomised"),
        ("N analysed", "n_analysed"),
        *SOURCE,
    ]
    _sheet(workbook, "Arms", arms, context["arms"])


def _certainty_sheet(workbook: Workbook, context: dict) -> None:
    """The strength (or certainty) of evidence, domain by domain, with the rules' values."""
    soe = [
        ("KQ", "kq"),
        ("Comparison", "kq_group"),
        ("Intervention", "intervention"),
        ("Outcome", "outcome"),
        ("Timepoint", "timepoint"),
        ("Studies", "n_studies"),
        ("Participants", "participants"),
        ("Effect (95% CI)", "effect"),
        ("Assumed risk", "assumed_risk"),
        ("Corresponding risk", "corresponding_risk"),
        ("Risk difference", "risk_difference"),
        *[
            pair
            for d in context["certainty"]["domains"]
            for pair in [
                (d["heading"], d["id"]),
                *([(f"{d['heading']} by rule", f"{d['id']}_by_rule")] if d.get("rule") else []),
            ]
        ],
        (context["certainty"]["heading"], "grade"),
        ("Grade by rule", "grade_by_rule"),
        ("Differs from the rules", "differs"),
        ("Findings", "findings"),
        *SOURCE,
    ]
    certainty_sheet = "Strength of evidence" if context["certainty"]["id"] == "ahrq-soe" else "Certainty (GRADE)"
    _sheet(workbook, certainty_sheet, soe, [r for kq in context["key_questions"] for r in kq["soe"]])


def _results_sheet(workbook: Workbook, context: dict) -> None:
    """Each study result of each analysis, pooled or why not."""
    studies = [
        ("Analysis", "analysis_id"),
        ("KQ", "kq"),
        ("Comparison", "kq_group"),
        ("Intervention", "intervention"),
        ("Outcome", "outcome"),
        ("Timepoint", "timepoint"),
        ("Study", "label"),
        ("Measure as reported", "measure_reported"),
        ("Timepoint as reported", "timepoint_reported"),
        ("Participants", "participants"),
        ("Estimate", "estimate"),
        ("CI low", "ci_low"),
        ("CI high", "ci_high"),
        ("Weight %", "weight"),
        ("Pooled", "pooled"),
        ("Why not pooled", "reason"),
        *SOURCE,
    ]
    _sheet(workbook, "Study results", studies, context["study_results"])


def _agreement_sheets(workbook: Workbook, context: dict) -> None:
    """Two reviewers' agreement: screening per stage, risk of bias per domain, extraction."""
    screening = (context.get("agreement") or {}).get("agreement") or []
    if screening:  # two reviewers' screening votes: their agreement per stage
        columns = [
            ("Stage", "stage"),
            ("Reviewers", "reviewers"),
            ("Citations both voted on", "n"),
            ("Agreement (share)", "agreement"),
            ("Cohen's kappa", "kappa"),
            ("Illustrative", "illustrative"),
        ]
        rows = [{**row, "illustrative": "all" if row.get("illustrative") else ""} for row in screening]
        _sheet(workbook, "Screening agreement", columns, rows)
    if "rob_agreement" in context:  # two reviewers, blind: their agreement per domain
        agreement = [
            ("Reviewers", "reviewers"),
            ("Domain", "domain"),
            ("Items both assessed", "items"),
            ("Agreement (share)", "agreement"),
            ("Cohen's kappa", "kappa"),
            ("Gwet's AC1", "ac1"),
            ("Illustrative", "illustrative"),
        ]
        _sheet(workbook, "Reviewer agreement", agreement, context["rob_agreement"]["rows"])
    if "extraction_agreement" in context:  # two reviewers, blind: their extraction agreement
        agreement = [
            ("Reviewers", "reviewers"),
            ("Sheet", "sheet"),
            ("Studies both extracted", "studies"),
            ("Rows both gave", "rows_both"),
            ("Rows one gave", "rows_one"),
            ("Values compared", "values"),
            ("Agreement (share)", "agreement"),
            ("Illustrative", "illustrative"),
        ]
        _sheet(workbook, "Extraction agreement", agreement, context["extraction_agreement"]["rows"])


def _limits(heading: str, field: str) -> list[tuple[str, str]]:
    return [(heading, field), (f"{heading} CI low", f"{field}_ci_low"), (f"{heading} CI high", f"{field}_ci_high")]


def _accuracy_sheets(workbook: Workbook, accuracy: dict) -> None:
    """A diagnostic review's analyses (main and subgroups), each study's 2x2 table in each,
    and the comparisons of tests, numbers as numbers."""
    test = [("Analysis", "analysis_id"), ("Target condition", "target_condition"), ("Index test", "index_test")]
    analyses = [
        *test,
        ("Subgroup", "subgroup"),
        ("Level", "level"),
        ("Studies", "k"),
        ("Participants", "participants"),
        ("Reference standards", "reference_standards"),
        ("Model", "model"),
        ("Boundary", "boundary"),
        ("Why pooled apart", "reason"),
        *_limits("Sensitivity", "sensitivity"),
        *_limits("Specificity", "specificity"),
        ("tau2 logit sensitivity", "tau2_logit_sens"),
        ("tau2 logit specificity", "tau2_logit_spec"),
        ("rho", "rho"),
        *_limits("LR+", "lr_pos"),
        *_limits("LR-", "lr_neg"),
        *_limits("DOR", "dor"),
        ("Prevalence", "prevalence"),
        ("Prevalence from", "prevalence_source"),
        *[
            (f"{name} per 1,000{end}", f"{cell}_per_1000{field}")
            for cell, name in (("tp", "TP"), ("fn", "FN"), ("tn", "TN"), ("fp", "FP"))
            for end, field in (("", ""), (" low", "_low"), (" high", "_high"))
        ],
        ("Illustrative", "illustrative"),
    ]
    _sheet(workbook, "Accuracy", analyses, [*accuracy["analyses"], *accuracy["subgroups"]])
    studies = [
        ("Analysis", "analysis_id"),
        ("Study id", "study_id"),
        ("Study", "label"),
        ("Index test", "index_test"),
        ("Threshold", "threshold"),
        ("Reference standard", "reference_standard"),
        *[(cell.upper(), cell) for cell in ("tp", "fp", "fn", "tn")],
        *_limits("Sensitivity", "sensitivity"),
        *_limits("Specificity", "specificity"),
        ("Illustrative", "illustrative"),
    ]
    _sheet(workbook, "Accuracy by study", studies, accuracy["studies"])
    compared = [
        ("Target condition", "target_condition"),
        ("Reference test", "reference_test"),
        ("Other test", "other_test"),
        ("Studies of the reference test", "k_reference"),
        ("Studies of the other test", "k_other"),
        *_limits("Difference in logit sensitivity", "diff_logit_sens"),
        ("p (sensitivity)", "diff_logit_sens_p"),
        *_limits("Difference in logit specificity", "diff_logit_spec"),
        ("p (specificity)", "diff_logit_spec_p"),
        ("Wald chi-square (2 df)", "wald"),
        ("p (any difference)", "wald_p"),
        ("Why not compared", "reason"),
    ]
    _sheet(workbook, "Tests compared", compared, accuracy["comparisons"])
    if accuracy.get("certainty"):  # each test's sensitivity and specificity, as the certainty system rates them
        rated = [
            ("Target condition", "target_condition"),
            ("Index test", "index_test"),
            ("Measure", "measure"),
            ("Studies", "k"),
            ("Participants", "participants"),
            ("Estimate", "estimate"),
            ("CI low", "ci_low"),
            ("CI high", "ci_high"),
            *((d["heading"], d["id"]) for d in accuracy["certainty_domains"]),
            ("Certainty", "grade"),
            ("Certainty the domains give", "grade_by_rule"),
            ("Stated by the team", "stated"),
            ("Findings", "findings"),
            *SOURCE[1:],
        ]
        _sheet(workbook, "Certainty per test", rated, accuracy["certainty"])


def _rob_sheet(workbook: Workbook, context: dict) -> None:
    domains = context["rob_domains"]
    computed = [("By the tool's rule", "computed"), ("Agrees", "agrees")] if context["tool"]["computes_overall"] else []
    columns = [
        ("Study id", "study_id"),
        ("Study", "label"),
        ("Outcome", "outcome"),
        *[(d, d) for d in domains],
        ("Overall (stated)", "overall"),
        *computed,
        ("Support", "support"),
        *SOURCE,
    ]
    sheet = _sheet(workbook, "Risk of bias", columns, context["rob"])
    first = columns.index(("Outcome", "outcome")) + 2
    for column in range(first, first + len(domains) + 1 + len(computed[:1])):
        _colour_judgements(sheet, column, len(context["rob"]), context["rob_levels"])


def _colour_judgements(sheet, column: int, count: int, levels: dict[str, str]) -> None:
    for row in range(2, count + 2):
        cell = sheet.cell(row=row, column=column)
        if cell.value in levels:
            cell.fill = fill(LEVEL_FILLS[levels[cell.value]])
