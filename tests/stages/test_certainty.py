"""Certainty systems as data: AHRQ's strength of evidence (default) and GRADE, chosen by
`synthesis.certainty`; the summary of findings with absolute effects per 1,000."""

import csv
import re

import pandas as pd
import pytest
import yaml

from reviewflow.certainty import SHIPPED, grade_grade, load_system
from reviewflow.pipeline import run_review
from reviewflow.scaffold import add_search, init_review
from reviewflow.schemas import load_schema, sheet_schema
from reviewflow.synthesis.analyses import Settings
from reviewflow.synthesis.soe import absolute_effects, large_effect

CONFIG = "config/demo.yaml"


def test_the_config_offers_exactly_the_shipped_systems():
    offered = load_schema("config")["properties"]["synthesis"]["properties"]["certainty"]["enum"]
    assert sorted(offered) == sorted(SHIPPED) == ["ahrq-soe", "grade"]


def test_the_soe_sheet_follows_the_system():
    grade_columns = list(sheet_schema("soe", None, "grade")["properties"])
    assert grade_columns[5:9] == ["risk_of_bias", "inconsistency", "indirectness", "imprecision"]
    assert sheet_schema("soe", None, "grade")["properties"]["grade"]["enum"] == ["High", "Moderate", "Low", "Very low"]
    assert "study_limitations" in sheet_schema("soe")["properties"]


def test_grade_starts_by_design_and_moves_by_domain():
    system = load_system("grade")
    assert grade_grade(system, {}, randomised=True) == "High"
    assert grade_grade(system, {"risk_of_bias": "Serious", "imprecision": "Very serious"}, True) == "Very low"
    assert grade_grade(system, {"publication_bias": "Strongly suspected"}, True) == "Moderate"
    assert grade_grade(system, {}, randomised=False) == "Low"
    assert grade_grade(system, {"large_effect": "Large"}, randomised=False) == "Moderate"
    assert grade_grade(system, {"large_effect": "Very large"}, randomised=True) == "High"  # no upgrade above High


def test_absolute_effects_per_1000_as_grade_pro_shows_them():
    settings = Settings()
    analysis = {"measure": "RR", "outcome": "death", "estimate": "0.75", "ci_low": "0.6", "ci_high": "0.9"}
    analysis["control_risk"] = "0.2"
    got = absolute_effects(analysis, settings)
    assert got == {
        "assumed_risk": "200 per 1,000",
        "corresponding_risk": "150 per 1,000 (120 to 180)",
        "risk_difference": "50 fewer per 1,000 (80 fewer to 20 fewer)",
    }
    odds = absolute_effects({**analysis, "measure": "OR", "estimate": "2", "ci_low": "1", "ci_high": "4"}, settings)
    assert odds["corresponding_risk"] == f"{round(1000 * 0.4 / 1.2)} per 1,000 (200 to 500)"
    told = Settings(assumed_risks={"death": 0.1})
    assert absolute_effects(analysis, told)["assumed_risk"] == "100 per 1,000"  # the config's value wins
    assert absolute_effects({**analysis, "measure": "SMD"}, settings)["assumed_risk"] == ""
    hazard = {**analysis, "measure": "HR", "control_risk": "", "estimate": "0.5", "ci_low": "0.5", "ci_high": "0.5"}
    assert absolute_effects(hazard, settings)["assumed_risk"] == ""  # no control risk from hazard ratios
    assert absolute_effects(hazard, told)["corresponding_risk"].startswith(f"{round(1000 * (1 - 0.9**0.5))} per")


def test_a_large_effect_needs_a_ratio_whose_ci_excludes_no_effect():
    assert large_effect({"measure": "RR", "estimate": "0.3", "ci_low": "0.2", "ci_high": "0.45"}) == "Large"
    assert large_effect({"measure": "RR", "estimate": "0.15", "ci_low": "0.1", "ci_high": "0.3"}) == "Very large"
    assert large_effect({"measure": "RR", "estimate": "0.3", "ci_low": "0.05", "ci_high": "1.2"}) == "No"
    assert large_effect({"measure": "MD", "estimate": "-3", "ci_low": "-4", "ci_high": "-2"}) == "No"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A small review of three randomised trials with binary results, run to the HTML
    report twice: graded by AHRQ's method, then by GRADE."""

    folder = tmp_path_factory.mktemp("certainty")
    init_review("demo", "Certainty demonstration", "rob2", root=folder)
    titles = [f"Trial {n} of an intervention" for n in (1, 2, 3)]
    export = folder / "medline.ris"
    export.write_text(
        "".join(f"TY  - JOUR\nTI  - {t}\nAU  - Author{i}, A\nPY  - 2020\nER  - \n\n" for i, t in enumerate(titles))
    )
    add_search(folder / CONFIG, "2024-01-01", "2024-01-01", [str(export)])
    config = yaml.safe_load(open(folder / CONFIG, encoding="utf-8"))
    config["vocabulary"]["timepoints"] = [{"name": "end of treatment", "definition": "as reported"}]
    open(folder / CONFIG, "w", encoding="utf-8").write(yaml.safe_dump(config, sort_keys=False))
    run_review(folder / CONFIG, until="dedup")
    with open(folder / "results/demo/dedup/citations.csv", newline="", encoding="utf-8") as handle:
        ids = [row["citation_id"] for row in csv.DictReader(handle)]
    sheets = {
        name: open(folder / f"resources/demo/{name}", encoding="utf-8").readline().strip().split(",")
        for name in ("studies.csv", "arms.csv", "outcomes.csv", "publications.csv")
    }

    def line(sheet: str, **cells) -> str:
        import io

        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([cells.get(c, "") for c in sheets[sheet]])
        return buffer.getvalue()

    screening = open(folder / "resources/demo/screening.csv", "a", encoding="utf-8")
    for number, citation in enumerate(ids):
        study = f"trial-{number}"
        screening.write(f"{citation},title_abstract,include,,,,\n{citation},full_text,include,,,,\n")
        with open(folder / "resources/demo/studies.csv", "a", encoding="utf-8") as handle:
            handle.write(line("studies.csv", study_id=study, label=f"Trial {number}", design="RCT"))
        with open(folder / "resources/demo/publications.csv", "a", encoding="utf-8") as handle:
            handle.write(line("publications.csv", study_id=study, citation=citation, primary="yes"))
        with open(folder / "resources/demo/arms.csv", "a", encoding="utf-8") as handle:
            handle.write(line("arms.csv", study_id=study, arm="A", name="Drug", arm_type="intervention"))
            handle.write(line("arms.csv", study_id=study, arm="B", name="Placebo", arm_type="control"))
        with open(folder / "resources/demo/outcomes.csv", "a", encoding="utf-8") as handle:
            for arm, events in (("A", 10 + number), ("B", 30 + 2 * number)):
                common = {"study_id": study, "arms": arm, "domain": "primary outcome", "measure": "deaths, n/N"}
                cells = {"timepoint": "end of treatment", "result": f"{events}/100", "events": events, "total": 100}
                handle.write(line("outcomes.csv", **common, **cells))
    screening.close()
    run_review(folder / CONFIG, until="report_html")
    ahrq = {
        "html": open(folder / "results/demo/report.html", encoding="utf-8").read(),
        "soe": pd.read_csv(folder / "results/demo/synthesis/soe.csv", dtype=str, keep_default_na=False),
    }
    config = yaml.safe_load(open(folder / CONFIG, encoding="utf-8"))
    config.setdefault("synthesis", {})["certainty"] = "grade"
    open(folder / CONFIG, "w", encoding="utf-8").write(yaml.safe_dump(config, sort_keys=False))
    with open(folder / "resources/demo/soe.csv", "w", encoding="utf-8") as handle:  # the sheet follows the system
        handle.write(",".join(sheet_schema("soe", None, "grade")["properties"]) + "\n")
    run_review(folder / CONFIG, until="report_html")
    grade = {
        "html": open(folder / "results/demo/report.html", encoding="utf-8").read(),
        "soe": pd.read_csv(folder / "results/demo/synthesis/soe.csv", dtype=str, keep_default_na=False),
    }
    return ahrq, grade


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_switching_to_grade_changes_the_certainty_table_and_the_summary_of_findings(graded):
    ahrq, grade = graded
    assert "study_limitations_by_rule" in ahrq["soe"] and "risk_of_bias_by_rule" not in ahrq["soe"]
    row = grade["soe"].iloc[0]
    assert row["grade_by_rule"] in ("High", "Moderate", "Low", "Very low")
    assert row["large_effect_by_rule"] == "No"  # RR about 0.35, but randomised evidence is not raised
    assert row["risk_of_bias_by_rule"] == ""  # no study assessed: the criteria cannot say
    assert row["assumed_risk"] == "320 per 1,000"  # the median control risk: 30, 32, 34 of 100
    text_ahrq, text_grade = _text(ahrq["html"]), _text(grade["html"])
    assert "Strength of evidence" in text_ahrq and "Certainty (GRADE)" not in text_ahrq
    assert "Certainty (GRADE)" in text_grade and "KQ1: certainty of evidence (GRADE)" in text_grade
    assert "Upgraded" not in text_grade
    assert "assumed 320 per 1,000; with the intervention" in text_grade
    assert "the method suggests High" in text_grade or "the method suggests Moderate" in text_grade
