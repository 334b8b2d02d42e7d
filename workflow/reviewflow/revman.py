"""The review's analyses as a RevMan 5 file (.rm5), for RevMan and for GRADEpro, and as
RevMan Web's data package (CSV files in a zip; see `data_package`).

RevMan 5 keeps a review in one XML file whose element and attribute names are RevMan's
own; GRADEpro imports its comparisons and outcomes from such a file ("Import from
Review Manager file": Cochrane Handbook 5.1, section 11.5.4; Cochrane's GRADEpro guides).
No Python library writes the format, so it is written here. Where its names come
from: the example review `Fleiss1993.rm5` that R's `meta` package ships (written by
RevMan 5.0), and the reader of that package (`read.rm5`), which takes a file line by
line and so needs each element on a line of its own, as RevMan writes them.

What goes in:
- every included study (`STUDY`, its label as RevMan's name and the label's year);
- its characteristics (methods, participants, interventions, outcomes, notes) from the
  studies and arms tables;
- its overall risk-of-bias judgement as a RevMan 5 risk-of-bias item (low -> "YES",
  high or critical -> "NO", anything else -> "UNKNOWN", RevMan's unclear);
- one comparison per key question, comparator and intervention, and in it one outcome
  per analysis with a study result, as generic inverse-variance data (`IV_OUTCOME`):
  each study's effect on the analysis's scale and its standard error, so RevMan and
  GRADEpro see the same numbers our analysis pooled, whatever kind of data each study
  reported. Ratio measures are entered on the log scale (`LOG_DATA="YES"`), their effects
  written on the natural scale as RevMan shows them.

The pooled figures are ours; RevMan recomputes its own when it opens the file (its random
effects are DerSimonian-Laird's); the methods text in the file says which estimator ours
used. A value marked illustrative in the review is marked so in the file, in the
outcome's name and the study's notes. A diagnostic review's analyses are not of this
shape (RevMan's DTA files differ), so it is refused with a one-line reason.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from .errors import ReviewflowError
from .names import RANDOM
from .sheets import csv_text
from .synthesis.effects import RATIOS

REVMAN_MEASURE = {
    "MD": "Mean Difference",
    "SMD": "Std. Mean Difference",
    "RR": "Risk Ratio",
    "OR": "Odds Ratio",
    "RD": "Risk Difference",
    "HR": "Hazard Ratio",
}
RISK_OF_BIAS = {"low": "YES", "high": "NO", "critical": "NO"}  # anything else: UNKNOWN

# The parts of a RevMan 5 review that reviewflow leaves empty, in RevMan's order, as the
# example file has them.
COVER = ["CONTACT", "CREATORS", "DATES", "WHATS_NEW", "HISTORY", "SOURCES_OF_SUPPORT", "KEYWORDS"]
ABSTRACT = [
    "ABS_BACKGROUND",
    "ABS_OBJECTIVES",
    "ABS_SEARCH_STRATEGY",
    "ABS_SELECTION_CRITERIA",
    "ABS_DATA_COLLECTION",
    "ABS_RESULTS",
    "ABS_CONCLUSIONS",
]
CHARACTERISTICS = [
    ("CHAR_METHODS", "methods"),
    ("CHAR_PARTICIPANTS", "participants"),
    ("CHAR_INTERVENTIONS", "interventions"),
    ("CHAR_OUTCOMES", "outcomes"),
    ("CHAR_NOTES", "notes"),
]


class Lines:
    """An XML document as RevMan writes it: one element (or its start or end) per line."""

    def __init__(self) -> None:
        self.lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>']

    def open(self, tag: str, **attributes) -> None:
        self.lines.append(f"<{tag}{_attributes(attributes)}>")

    def close(self, tag: str) -> None:
        self.lines.append(f"</{tag}>")

    def empty(self, tag: str, **attributes) -> None:
        self.lines.append(f"<{tag}{_attributes(attributes)}/>")

    def text(self, tag: str, value: str, **attributes) -> None:
        self.lines.append(f"<{tag}{_attributes(attributes)}>{escape(_one_line(value))}</{tag}>")

    def paragraphs(self, tag: str, texts: list[str]) -> None:
        texts = [t for t in texts if _one_line(t)]
        if not texts:
            self.empty(tag)
            return
        self.open(tag)
        for value in texts:
            self.text("P", value)
        self.close(tag)

    def document(self) -> str:
        return "\n".join(self.lines) + "\n"


def _one_line(value) -> str:
    return " ".join(str(value).split())


def _attributes(attributes: dict) -> str:
    return "".join(f" {name}={quoteattr(_one_line(value))}" for name, value in sorted(attributes.items()))


def revman_id(prefix: str, name: str) -> str:
    """RevMan's identifiers: a prefix and the name, each character outside letters, digits
    and '_' written as _xHHHH_ (RevMan writes 'ISIS-2' as 'ISIS_x002d_2')."""
    return prefix + "".join(c if re.match(r"[A-Za-z0-9_]", c) else f"_x{ord(c):04x}_" for c in name)


def number(value) -> str:
    """A number as the file holds it: shortest text that reads back to the same float."""
    if value == "" or value is None:
        return ""
    value = float(value)
    return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def year_of(label: str) -> str:
    found = re.search(r"\b(1[89]\d\d|20\d\d)", str(label))
    return found.group(1) if found else ""


def _comparator_and_intervention(analysis: dict) -> tuple[str, str]:
    return analysis["kq_group"] or "comparator", analysis["intervention"] or "intervention"


def judged(rob: pd.DataFrame, study_ids) -> pd.DataFrame:
    """The overall judgement of each of these studies that has one (its first row)."""
    return rob[(rob["overall"] != "") & rob["study_id"].isin(study_ids)].drop_duplicates("study_id")


def characteristics(studies: pd.DataFrame, arms: pd.DataFrame, outcomes: pd.DataFrame, rob: pd.DataFrame) -> dict:
    """Each study's characteristics of included studies, as RevMan's five headings."""
    overall = judged(rob, studies["study_id"]).set_index("study_id")["overall"].to_dict()
    arm_names = arms.groupby("study_id", sort=False)["name"].apply(lambda s: "; ".join(v for v in s if v))
    measured = outcomes.groupby("study_id", sort=False)["domain"].apply(lambda s: "; ".join(dict.fromkeys(s)))
    text = {}
    for row in studies.to_dict("records"):
        sid = row["study_id"]
        methods = ", ".join(v for v in (row.get("design", ""), row.get("setting", ""), row.get("country", "")) if v)
        notes = [f"Funding: {row['funding']}" if row.get("funding") else ""]
        notes.append(f"Source of the data: {row['source']}" if row.get("source") else "")
        if row.get("illustrative"):
            notes.append(f"Illustrative values (not from a public source): {row['illustrative']}")
        if sid in overall:
            notes.append(f"Overall risk of bias: {overall[sid]}")
        text[sid] = {
            "methods": [methods],
            "participants": [
                row.get("population", ""),
                f"Randomised: {row['n_randomised']}" if row.get("n_randomised") else "",
            ],
            "interventions": [arm_names.get(sid, "")],
            "outcomes": [measured.get(sid, "")],
            "notes": notes,
        }
    return text


def write_studies(doc: Lines, studies: pd.DataFrame, ids: dict) -> None:
    doc.open("STUDIES_AND_REFERENCES")
    doc.open("STUDIES")
    doc.open("INCLUDED_STUDIES")
    for row in studies.to_dict("records"):
        doc.open("STUDY", DATA_SOURCE="PUB", ID=ids[row["study_id"]], NAME=row["label"], YEAR=year_of(row["label"]))
        doc.empty("IDENTIFIERS")
        doc.close("STUDY")
    doc.close("INCLUDED_STUDIES")
    for tag in ("EXCLUDED_STUDIES", "AWAITING_STUDIES", "ONGOING_STUDIES"):
        doc.empty(tag)
    doc.close("STUDIES")
    doc.close("STUDIES_AND_REFERENCES")


def write_characteristics(doc: Lines, studies: pd.DataFrame, ids: dict, text: dict) -> None:
    doc.open("CHARACTERISTICS_OF_STUDIES")
    doc.open("CHARACTERISTICS_OF_INCLUDED_STUDIES", SORT_BY="STUDY")
    for sid in studies["study_id"]:
        doc.open("INCLUDED_CHAR", STUDY_ID=ids[sid])
        for tag, key in CHARACTERISTICS:
            doc.paragraphs(tag, text[sid][key])
        doc.close("INCLUDED_CHAR")
    doc.empty("FOOTNOTES")
    doc.close("CHARACTERISTICS_OF_INCLUDED_STUDIES")
    doc.close("CHARACTERISTICS_OF_STUDIES")


def write_risk_of_bias(doc: Lines, rob: pd.DataFrame, ids: dict, tool) -> None:
    doc.open("QUALITY_ITEMS")
    doc.open("QUALITY_ITEM", CORE_ITEM="NO", ID="QIT-01", LEVEL="STUDY", NO="1")
    doc.text("NAME", f"Overall risk of bias ({tool.name})")
    doc.paragraphs(
        "DESCRIPTION", [f"The overall judgement of {tool.name}, as the review's risk-of-bias table gives it."]
    )
    rows = judged(rob, ids).to_dict("records")
    if not rows:
        doc.empty("QUALITY_ITEM_DATA")
    else:
        doc.open("QUALITY_ITEM_DATA")
        for row in rows:
            result = RISK_OF_BIAS.get(tool.level(row["overall"]), "UNKNOWN")
            doc.open("QUALITY_ITEM_DATA_ENTRY", RESULT=result, STUDY_ID=ids[row["study_id"]])
            doc.paragraphs("DESCRIPTION", [f"{row['overall']}. {row.get('support', '')}".strip()])
            doc.close("QUALITY_ITEM_DATA_ENTRY")
        doc.close("QUALITY_ITEM_DATA")
    doc.close("QUALITY_ITEM")
    doc.close("QUALITY_ITEMS")


def _se(vi) -> str:
    return number(math.sqrt(float(vi)))


def _outcome_name(analysis: dict) -> str:
    name = f"{analysis['outcome']}, {analysis['timepoint']}"
    return name + " (illustrative values)" if analysis.get("illustrative") else name


def write_outcome(doc: Lines, number_: int, comparison_id: str, analysis: dict, used: pd.DataFrame, ids: dict) -> None:
    measure = analysis["measure"]
    comparator, intervention = _comparator_and_intervention(analysis)
    name = _outcome_name(analysis)
    k = len(used)
    pooled = {}
    if k > 1:
        pooled = {
            "EFFECT_SIZE": number(analysis["estimate"]),
            "CI_START": number(analysis["ci_low"]),
            "CI_END": number(analysis["ci_high"]),
            "TAU2": number(analysis["tau2"]),
            "I2": number(analysis["i2"]),
            "CHI2": number(analysis["q"]),
            "P_CHI2": number(analysis["q_p"]),
        }
    doc.open(
        "IV_OUTCOME",
        CI_STUDY="95",
        CI_TOTAL="95",
        DF=str(max(k - 1, 0)),
        ESTIMABLE="YES",
        ID=f"{comparison_id}.{number_:02d}",
        LOG_DATA="YES" if measure in RATIOS else "NO",
        METHOD="IV",
        NO=str(number_),
        RANDOM="YES" if analysis["method"] in RANDOM else "NO",
        SCALE="100.0",
        SORT_BY="STUDY",
        STUDIES=str(k),
        SUBGROUPS="NO",
        SUBGROUP_TEST="NO",
        TOTALS="YES" if k > 1 else "NO",
        **pooled,
    )
    doc.text("NAME", name)
    doc.text("GROUP_LABEL_1", intervention)
    doc.text("GROUP_LABEL_2", comparator)
    left, right = f"Favours {intervention}", f"Favours {comparator}"
    if analysis.get("better") == "higher":
        left, right = right, left
    doc.text("GRAPH_LABEL_1", left)
    doc.text("GRAPH_LABEL_2", right)
    doc.text("EFFECT_MEASURE", REVMAN_MEASURE.get(measure, measure))
    for order, row in enumerate(used.to_dict("records"), start=1):
        doc.empty(
            "IV_DATA",
            CI_END=number(row["ci_high"]),
            CI_START=number(row["ci_low"]),
            EFFECT_SIZE=number(row["estimate"]),
            ESTIMABLE="YES",
            ORDER=str(order),
            SE=_se(row["vi"]),
            STUDY_ID=ids[row["study_id"]],
            WEIGHT=number(row.get("weight", "")) or "100.0",
        )
    doc.close("IV_OUTCOME")


def comparisons(analyses: pd.DataFrame, estimates: pd.DataFrame) -> list[tuple[str, list[tuple[dict, pd.DataFrame]]]]:
    """(comparison name, [(analysis, its pooled study results)]) in the review's order;
    analyses without a study result to pool are left out."""
    used = estimates[estimates["pooled"] == "yes"]
    by_analysis = {key: frame for key, frame in used.groupby("analysis_id", sort=False)}
    grouped: dict[tuple, list] = {}
    for analysis in analyses.to_dict("records"):
        frame = by_analysis.get(analysis["analysis_id"])
        if frame is None or not analysis["measure"]:
            continue
        comparator, intervention = _comparator_and_intervention(analysis)
        grouped.setdefault((analysis["kq"], comparator, intervention), []).append((analysis, frame))
    return [
        (f"{kq}: {intervention} versus {comparator}", items)
        for (kq, comparator, intervention), items in grouped.items()
    ]


def _selected(tables: dict, kqs: list[str] | None) -> tuple[list, pd.DataFrame]:
    """(comparisons with their analyses, the studies) of the key questions `kqs` (all when
    None): the studies analysed there and those the key questions name, by label."""
    analyses, estimates = tables["analyses"], tables["estimates"]
    if kqs is not None:
        analyses = analyses[analyses["kq"].isin(kqs)]
        estimates = estimates[estimates["kq"].isin(kqs)]
    compared = comparisons(analyses, estimates)
    analysed = {sid for _, items in compared for _, frame in items for sid in frame["study_id"]}
    studies = tables["studies"]
    if kqs is not None:
        named = studies["kqs"].map(lambda v: bool(set(str(v).split("; ")) & set(kqs)))
        studies = studies[studies["study_id"].isin(analysed) | named]
    missing = sorted(analysed - set(studies["study_id"]))
    if missing:
        raise ReviewflowError(f"analysed studies missing from the studies table: {', '.join(missing)}")
    return compared, studies.sort_values("label", kind="stable")


def rm5(review: dict, tables: dict, tool, kqs: list[str] | None = None) -> str:
    """The RevMan 5 file of the review (of the key questions `kqs`, when given).

    tables: studies, arms, outcomes (studies stage), analyses, estimates (synthesis), rob."""
    compared, studies = _selected(tables, kqs)
    ids = {sid: revman_id("STD-", sid) for sid in studies["study_id"]}

    doc = Lines()
    doc.open("COCHRANE_REVIEW", REVMAN_VERSION="5", STAGE="R", STATUS="A", TYPE="INTERVENTION")
    doc.open("COVER_SHEET")
    doc.text("TITLE", review["title"])
    for tag in COVER:
        doc.empty(tag)
    doc.close("COVER_SHEET")
    doc.open("MAIN_TEXT")
    doc.open("ABSTRACT")
    for tag in ABSTRACT:
        doc.empty(tag)
    doc.close("ABSTRACT")
    doc.open("BODY")
    doc.open("METHODS")
    doc.open("DATA_COLLECTION")
    doc.paragraphs("DATA_SYNTHESIS", [review["synthesis_note"]])
    doc.close("DATA_COLLECTION")
    doc.close("METHODS")
    doc.close("BODY")
    doc.close("MAIN_TEXT")
    write_studies(doc, studies, ids)
    write_characteristics(
        doc, studies, ids, characteristics(studies, tables["arms"], tables["outcomes"], tables["rob"])
    )
    write_risk_of_bias(doc, tables["rob"], ids, tool)
    doc.empty("SOF_TABLES")
    doc.empty("ADDITIONAL_TABLES")
    doc.open("ANALYSES_AND_DATA", CALCULATED_DATA="YES")
    for number_, (name, items) in enumerate(compared, start=1):
        comparison_id = f"CMP-{number_:03d}"
        doc.open("COMPARISON", ID=comparison_id, NO=str(number_))
        doc.text("NAME", name)
        for outcome_number, (analysis, used) in enumerate(items, start=1):
            write_outcome(doc, outcome_number, comparison_id, analysis, used, ids)
        doc.close("COMPARISON")
    doc.close("ANALYSES_AND_DATA")
    for tag in ("FIGURES", "FEEDBACK", "APPENDICES", "EXTENSIONS"):
        doc.empty(tag)
    doc.close("COCHRANE_REVIEW")
    return doc.document().encode("ascii", "xmlcharrefreplace").decode("ascii")


# RevMan Web's data package, version 1 of Cochrane's "Data package specification"
# (documentation.cochrane.org/revman-kb/data-package-specification-249561249.html): a zip
# holding <ID>-files/<ID>-data.zip, and in that the analysis data (overall estimates and
# settings, data rows, subgroup estimates) and the study data (study information, risk
# of bias) as CSV files with the columns the specification lists, in the order of the
# example package R's meta ships (Fleiss1993.zip), which meta::read.cdir reads.
SETTINGS_COLUMNS = [
    "Analysis group", "Analysis number", "Analysis name", "Analysis group name", "Data source",
    "Data source eligibility", "Data type", "Log-scale data", "Outcome", "Intervention grouping",
    "Experimental intervention", "Control intervention", "Subgroup by", "Filter criteria",
    "Experimental group label", "Control group label", "Statistical method", "Effect measure",
    "Unit of effect measure", "Analysis model", "Subgroup estimates", "Overall estimates",
    "Test for subgroup differences", "Swap event and non-event", "Study CI", "Estimate CI",
    "Experimental cases", "Experimental N", "Control cases", "Control N", "Mean", "CI start", "CI end",
    "Heterogeneity Tau²", "Heterogeneity Chi²", "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²",
    "Effect Z", "Effect P", "Subgroup Chi²", "Subgroup df", "Subgroup P", "Subgroup I²", "ID",
]  # fmt: skip
DATA_ROW_COLUMNS = [
    "Analysis group", "Analysis number", "Analysis name", "Subgroup", "Applicability", "Study", "Study year",
    "GIV Mean", "GIV SE", "Experimental mean", "Experimental SD", "Experimental cases", "Experimental N",
    "Control mean", "Control SD", "Control cases", "Control N", "O-E", "Variance", "Weight", "Mean",
    "CI start", "CI end", "Footnotes",
]  # fmt: skip
SUBGROUP_COLUMNS = [
    "Analysis group", "Analysis number", "Subgroup", "Subgroup number", "Experimental cases", "Experimental N",
    "Control cases", "Control N", "Weight", "Mean", "CI start", "CI end", "Heterogeneity Tau²",
    "Heterogeneity Chi²", "Heterogeneity df", "Heterogeneity P", "Heterogeneity I²", "Effect Z", "Effect P", "ID",
]  # fmt: skip
STUDY_COLUMNS = [
    "Study", "Year", "Data source", "Char: Methods", "Char: Participants", "Char: Interventions",
    "Char: Outcomes", "Char: Notes",
]  # fmt: skip
WEB_MEASURE = {**REVMAN_MEASURE, "SMD": "Standardized Mean Difference"}
FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # every member of the zip dated alike: the same bytes on every run


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    """A CSV as RevMan Web writes it: UTF-8 with a byte order mark, comma separated."""
    return ("\ufeff" + csv_text(columns, [[row.get(c, "") for c in columns] for row in rows])).encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def analysis_rows(compared: list, names: dict) -> tuple[list[dict], list[dict]]:
    """(overall estimates and settings, data rows) of every analysis, numbered as in the
    RevMan 5 file: comparison (analysis group), then outcome (analysis number)."""
    settings, data = [], []
    for group, (comparison, items) in enumerate(compared, start=1):
        for position, (analysis, used) in enumerate(items, start=1):
            measure = analysis["measure"]
            comparator, intervention = _comparator_and_intervention(analysis)
            name = _outcome_name(analysis)
            pooled = len(used) > 1
            settings.append(
                {
                    "Analysis group": group,
                    "Analysis number": position,
                    "Analysis name": name,
                    "Analysis group name": comparison,
                    "Data source": "Custom input",
                    "Data source eligibility": "#N/A",
                    "Data type": "Contrast level",  # generic inverse variance: an effect and its SE per study
                    "Log-scale data": "true" if measure in RATIOS else "false",
                    "Experimental group label": intervention,
                    "Control group label": comparator,
                    "Statistical method": "IV",
                    "Effect measure": WEB_MEASURE.get(measure, measure),
                    "Analysis model": "Random effect" if analysis["method"] in RANDOM else "Fixed effect",
                    "Subgroup estimates": "false",
                    "Overall estimates": "true" if pooled else "false",
                    "Test for subgroup differences": "false",
                    "Swap event and non-event": "false",
                    "Study CI": "95%",
                    "Estimate CI": "95%",
                    **(
                        {
                            "Mean": number(analysis["estimate"]),
                            "CI start": number(analysis["ci_low"]),
                            "CI end": number(analysis["ci_high"]),
                            "Heterogeneity Tau²": number(analysis["tau2"]),
                            "Heterogeneity Chi²": number(analysis["q"]),
                            "Heterogeneity df": len(used) - 1,
                            "Heterogeneity P": number(analysis["q_p"]),
                            "Heterogeneity I²": number(analysis["i2"]),
                        }
                        if pooled
                        else {}
                    ),
                    "ID": f"analysis:{group}.{position}",
                }
            )
            for row in used.to_dict("records"):
                data.append(
                    {
                        "Analysis group": group,
                        "Analysis number": position,
                        "Analysis name": name,
                        "Applicability": "SUBGROUP_AND_OVERALL",
                        "Study": names[row["study_id"]],
                        "Study year": year_of(names[row["study_id"]]),
                        "GIV Mean": number(row["yi"]),
                        "GIV SE": _se(row["vi"]),
                        "Weight": number(row.get("weight", "")) or "100",
                        "Mean": number(row["estimate"]),
                        "CI start": number(row["ci_low"]),
                        "CI end": number(row["ci_high"]),
                    }
                )
    return settings, data


def data_package(review: dict, tables: dict, tool, package_id: str, kqs: list[str] | None = None) -> bytes:
    """RevMan Web's data package of the review (of the key questions `kqs`, when given)."""
    compared, studies = _selected(tables, kqs)
    names = dict(zip(studies["study_id"], studies["label"]))
    settings, data = analysis_rows(compared, names)
    text = characteristics(studies, tables["arms"], tables["outcomes"], tables["rob"])
    information = [
        {
            "Study": row["label"],
            "Year": year_of(row["label"]),
            "Data source": "PUB",
            **{
                f"Char: {key.title()}": "; ".join(p for p in text[row["study_id"]][key] if p)
                for _, key in CHARACTERISTICS
            },
        }
        for row in studies.to_dict("records")
    ]
    item = f"Overall risk of bias ({tool.name})"
    bias = [
        {
            "Study": names[row["study_id"]],
            f"Domain (judgement): {item}": row["overall"],
            f"Domain (support): {item}": row.get("support", ""),
        }
        for row in judged(tables["rob"], names).to_dict("records")
    ]
    bias_columns = ["Study", f"Domain (judgement): {item}", f"Domain (support): {item}"]
    inner = _zip(
        {
            f"{package_id}-analysis-data/{package_id}-overall-estimates-and-settings.csv": _csv(
                SETTINGS_COLUMNS, settings
            ),
            f"{package_id}-analysis-data/{package_id}-data-rows.csv": _csv(DATA_ROW_COLUMNS, data),
            f"{package_id}-analysis-data/{package_id}-subgroup-estimates.csv": _csv(SUBGROUP_COLUMNS, []),
            f"{package_id}-study-data/{package_id}-study-information.csv": _csv(STUDY_COLUMNS, information),
            f"{package_id}-study-data/{package_id}-risk-of-bias.csv": _csv(bias_columns, bias),
        }
    )
    return _zip({f"{package_id}-files/{package_id}-data.zip": inner})


__all__ = ["REVMAN_MEASURE", "comparisons", "data_package", "revman_id", "rm5", "year_of"]
