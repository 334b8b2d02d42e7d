"""The RevMan 5 hand-off: a .rm5 file that RevMan opens and GRADEpro imports.

Format rules and where they come from: element and attribute names as in the example
review Fleiss1993.rm5 shipped with R's `meta` package (written by RevMan 5.0); one
element per line, because `meta::read.rm5` reads the file line by line; generic
inverse-variance outcomes (IV_OUTCOME) hold their effect measure as a child element
after the graph labels, and LOG_DATA="YES" means ratio effects were entered on the log
scale while EFFECT_SIZE shows the ratio (`meta::read.rm5` and `metacr` log it back)."""

import re

import defusedxml.ElementTree as SafeTree
import numpy as np
import pandas as pd
import pytest
from test_synthesis_workflow import SETTINGS, _frames, _outcome, _study

from reviewflow.errors import ReviewflowError
from reviewflow.handoff import write_handoff
from reviewflow.pipeline import load_config
from reviewflow.revman import data_package, revman_id, rm5, year_of
from reviewflow.rob import load_tool
from reviewflow.synthesis.analyses import run_analyses

TOOL = load_tool("quality-rating")  # Good / Fair / Poor: low / some / high


def _binary(study, events, totals):
    return [
        _outcome(study, arm, "deaths", "3 months", events=str(e), total=str(t)) | {"domain": "mortality"}
        for arm, e, t in zip("AB", events, totals)
    ]


def _tables(illustrative=""):
    rows = _study("s1", means=(3.0, 4.0)) + _study("s2", means=(2.5, 4.5), sds=(1.5, 2.5), n=(30, 35))
    rows += _study("s3", means=(3.2, 3.6), n=(80, 75))
    rows += _binary("s1", (12, 20), (50, 50)) + _binary("s2", (5, 9), (30, 35)) + _binary("s3", (30, 41), (80, 75))
    for row in rows:
        row["illustrative"] = illustrative if row["study_id"] == "s2" else ""
    analyses, estimates = run_analyses(_frames(rows, ["s1", "s2", "s3"]), SETTINGS)
    studies = pd.DataFrame(
        [
            {
                "study_id": s,
                "label": label,
                "design": "RCT",
                "setting": "outpatient",
                "country": "Norway",
                "population": f"Adults with pain ({s})",
                "n_randomised": "100",
                "funding": "",
                "source": "Trial report",
                "kqs": "KQ1",
                "illustrative": "",
            }
            for s, label in (("s1", "Smith 2001"), ("s2", "Åberg 1999a, 2003"), ("s3", "Lee-Park 2010"))
        ]
    )
    arms = pd.DataFrame([{"study_id": s, "arm": a, "name": f"{s} arm {a}"} for s in ("s1", "s2", "s3") for a in "AB"])
    outcomes = pd.DataFrame([{"study_id": r["study_id"], "domain": r["domain"]} for r in rows])
    rob = pd.DataFrame(
        [
            {"study_id": "s1", "overall": "Good", "support": "concealed allocation"},
            {"study_id": "s2", "overall": "Poor", "support": "open label"},
            {"study_id": "s3", "overall": "Fair", "support": ""},
        ]
    )
    return {
        "studies": studies,
        "arms": arms,
        "outcomes": outcomes,
        "analyses": analyses,
        "estimates": estimates,
        "rob": rob,
    }


REVIEW = {"title": "Programs for pain & more", "synthesis_note": "Pooled by REML in reviewflow."}


def _outcomes(tree):
    return {o.find("NAME").text: o for o in tree.iter("IV_OUTCOME")}


def test_each_analysis_is_an_outcome_whose_studies_carry_the_effects_we_pooled():
    tables = _tables()
    text = rm5(REVIEW, tables, TOOL)
    tree = SafeTree.fromstring(text.encode("ascii"))
    assert tree.tag == "COCHRANE_REVIEW" and tree.get("TYPE") == "INTERVENTION"
    assert tree.find("COVER_SHEET/TITLE").text == "Programs for pain & more"
    comparisons = tree.findall("ANALYSES_AND_DATA/COMPARISON")
    assert [c.find("NAME").text for c in comparisons] == ["KQ1: program versus usual care"]
    outcomes = _outcomes(tree)
    analyses = tables["analyses"].set_index("outcome")
    assert set(outcomes) == {"pain, short term", "mortality, short term"}
    names = {s.get("ID"): s.get("NAME") for s in tree.iter("STUDY")}
    for name, outcome in outcomes.items():
        analysis = analyses.loc[name.split(",")[0]]
        measure = analysis["measure"]
        assert outcome.find("EFFECT_MEASURE").text == {"MD": "Mean Difference", "RR": "Risk Ratio"}[measure]
        assert outcome.get("LOG_DATA") == ("YES" if measure == "RR" else "NO")
        assert outcome.get("RANDOM") == "YES" and outcome.get("STUDIES") == "3"
        estimates = tables["estimates"][tables["estimates"]["analysis_id"] == analysis["analysis_id"]]
        data = outcome.findall("IV_DATA")
        assert [d.get("STUDY_ID") for d in data] == [f"STD-{s}" for s in estimates["study_id"]]
        assert {names[d.get("STUDY_ID")] for d in data} == {"Smith 2001", "Åberg 1999a, 2003", "Lee-Park 2010"}
        yi = np.array([float(d.get("EFFECT_SIZE")) for d in data])
        if measure == "RR":
            yi = np.log(yi)  # entered on the log scale, shown as the ratio
        se = np.array([float(d.get("SE")) for d in data])
        assert yi == pytest.approx(estimates["yi"].astype(float).to_numpy(), rel=1e-5)
        assert se**2 == pytest.approx(estimates["vi"].astype(float).to_numpy(), rel=1e-9)
        # a reader that pools the file's numbers finds our heterogeneity statistic
        w = 1 / se**2
        q = float(np.sum(w * (yi - np.sum(w * yi) / np.sum(w)) ** 2))
        assert q == pytest.approx(float(analysis["q"]), rel=1e-4)
        assert float(outcome.get("CHI2")) == pytest.approx(q, rel=1e-4)
        assert float(outcome.get("EFFECT_SIZE")) == pytest.approx(float(analysis["estimate"]))


def test_the_file_is_written_as_revman_writes_it_one_element_a_line():
    text = rm5(REVIEW, _tables(), TOOL)
    lines = text.splitlines()
    assert lines[0] == '<?xml version="1.0" encoding="UTF-8" standalone="no"?>'
    for line in lines[1:]:  # a start, an end, an empty element, or one element with its text
        assert re.fullmatch(r"<[A-Z_0-9]+[^<>]*/?>|</[A-Z_0-9]+>|<([A-Z_0-9]+)[^<>]*>[^<>]*</\1>", line), line
    assert text.isascii()  # other characters as references: 'Åberg' stays 'Åberg' when read
    for line in lines:  # attributes in RevMan's order
        keys = re.findall(r' ([A-Z_0-9]+)="', line)
        assert keys == sorted(keys), line
    tree = SafeTree.fromstring(text.encode("ascii"))
    assert "Åberg 1999a, 2003" in {s.get("NAME") for s in tree.iter("STUDY")}
    for outcome in tree.iter("IV_OUTCOME"):  # the reader takes the labels from the lines above the measure
        assert [c.tag for c in outcome][:6] == [
            "NAME",
            "GROUP_LABEL_1",
            "GROUP_LABEL_2",
            "GRAPH_LABEL_1",
            "GRAPH_LABEL_2",
            "EFFECT_MEASURE",
        ]


def test_studies_their_characteristics_and_risk_of_bias_travel_with_the_analyses():
    tree = SafeTree.fromstring(rm5(REVIEW, _tables(), TOOL).encode("ascii"))
    studies = {s.get("NAME"): s for s in tree.iter("STUDY")}
    assert studies["Åberg 1999a, 2003"].get("YEAR") == "1999" and studies["Lee-Park 2010"].get("ID") == "STD-s3"
    chars = {c.get("STUDY_ID"): c for c in tree.iter("INCLUDED_CHAR")}
    assert set(chars) == {s.get("ID") for s in studies.values()}
    s1 = chars["STD-s1"]
    assert s1.find("CHAR_METHODS/P").text == "RCT, outpatient, Norway"
    assert "Adults with pain (s1)" in [p.text for p in s1.find("CHAR_PARTICIPANTS")]
    assert s1.find("CHAR_INTERVENTIONS/P").text == "s1 arm A; s1 arm B"
    assert s1.find("CHAR_OUTCOMES/P").text == "pain; mortality"
    entries = {e.get("STUDY_ID"): e.get("RESULT") for e in tree.iter("QUALITY_ITEM_DATA_ENTRY")}
    assert entries == {"STD-s1": "YES", "STD-s2": "NO", "STD-s3": "UNKNOWN"}  # low, high, unclear


def test_illustrative_values_are_marked_in_the_file():
    tree = SafeTree.fromstring(rm5(REVIEW, _tables(illustrative="all"), TOOL).encode("ascii"))
    assert all(name.endswith("(illustrative values)") for name in _outcomes(tree))
    plain = SafeTree.fromstring(rm5(REVIEW, _tables(), TOOL).encode("ascii"))
    assert not any("illustrative" in name for name in _outcomes(plain))


def test_gradepro_files_hold_one_key_question_each():
    tables = _tables()
    tables["analyses"] = pd.concat([tables["analyses"], tables["analyses"].assign(kq="KQ2")])
    tables["estimates"] = pd.concat([tables["estimates"], tables["estimates"].assign(kq="KQ2")])
    whole = SafeTree.fromstring(rm5(REVIEW, tables, TOOL).encode("ascii"))
    only = SafeTree.fromstring(rm5(REVIEW, tables, TOOL, ["KQ2"]).encode("ascii"))
    assert [c.find("NAME").text for c in whole.iter("COMPARISON")] == [
        "KQ1: program versus usual care",
        "KQ2: program versus usual care",
    ]
    assert [c.find("NAME").text for c in only.iter("COMPARISON")] == ["KQ2: program versus usual care"]


def test_ids_years_and_refusals():
    assert revman_id("STD-", "ISIS-2") == "STD-ISIS_x002d_2"  # as RevMan writes it
    assert year_of("Tavafian 2011, 2014") == "2011" and year_of("Unpublished") == ""
    with pytest.raises(ReviewflowError, match="diagnostic review"):
        write_handoff("revman", load_config("config/dvt.yaml"), "out.rm5")


def _package(tables, kqs=None) -> dict:
    """{name: rows} of every CSV in the data package (the outer zip holds the inner one)."""
    import csv
    import io
    import zipfile

    outer = zipfile.ZipFile(io.BytesIO(data_package(REVIEW, tables, TOOL, "rev1", kqs)))
    assert outer.namelist() == ["rev1-files/rev1-data.zip"]  # the layout meta::read.cdir unpacks
    inner = zipfile.ZipFile(io.BytesIO(outer.read("rev1-files/rev1-data.zip")))
    files = {}
    for name in inner.namelist():
        raw = inner.read(name)
        assert raw.startswith("\ufeff".encode())  # UTF-8 with a byte order mark, as RevMan Web writes
        files[name.split("/")[-1]] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return files


def test_the_revman_web_package_has_the_specified_files_columns_and_numbers():
    """Columns as Cochrane's data package specification (version 1) lists them; the data rows
    carry generic inverse-variance effects on the analysis scale (log for ratios)."""
    import csv
    import io
    import zipfile

    from reviewflow.revman import DATA_ROW_COLUMNS, SETTINGS_COLUMNS, STUDY_COLUMNS

    tables = _tables()
    files = _package(tables)
    assert sorted(files) == [
        "rev1-data-rows.csv",
        "rev1-overall-estimates-and-settings.csv",
        "rev1-risk-of-bias.csv",
        "rev1-study-information.csv",
        "rev1-subgroup-estimates.csv",
    ]
    inner = zipfile.ZipFile(
        io.BytesIO(
            zipfile.ZipFile(io.BytesIO(data_package(REVIEW, tables, TOOL, "rev1"))).read("rev1-files/rev1-data.zip")
        )
    )
    header = lambda name: next(csv.reader(io.StringIO(inner.read(name).decode("utf-8-sig"))))  # noqa: E731
    assert header("rev1-analysis-data/rev1-data-rows.csv") == DATA_ROW_COLUMNS
    assert header("rev1-analysis-data/rev1-overall-estimates-and-settings.csv") == SETTINGS_COLUMNS
    assert header("rev1-study-data/rev1-study-information.csv") == STUDY_COLUMNS
    settings = {
        (r["Analysis group"], r["Analysis number"]): r for r in files["rev1-overall-estimates-and-settings.csv"]
    }
    analyses = tables["analyses"].set_index("analysis_id")
    estimates = tables["estimates"]
    tree = SafeTree.fromstring(rm5(REVIEW, tables, TOOL).encode("ascii"))
    outcomes = {(o.get("ID")[4:7].lstrip("0"), o.get("NO")): o for o in tree.iter("IV_OUTCOME")}
    assert set(settings) == set(outcomes)  # numbered as in the RevMan 5 file
    for key, row in settings.items():
        name = outcomes[key].find("NAME").text
        assert row["Analysis name"] == name and row["Data type"] == "Contrast level"
        analysis = analyses[analyses["outcome"] == name.split(",")[0]].iloc[0]
        assert row["Log-scale data"] == ("true" if analysis["measure"] == "RR" else "false")
        assert row["Effect measure"] == {"MD": "Mean Difference", "RR": "Risk Ratio"}[analysis["measure"]]
        assert float(row["Mean"]) == pytest.approx(float(analysis["estimate"]))
        assert row["Analysis model"] == "Random effect" and row["Heterogeneity df"] == "2"
        rows = [r for r in files["rev1-data-rows.csv"] if (r["Analysis group"], r["Analysis number"]) == key]
        used = estimates[estimates["analysis_id"] == analysis.name]
        assert [float(r["GIV Mean"]) for r in rows] == pytest.approx(used["yi"].astype(float).tolist())
        assert [float(r["GIV SE"]) ** 2 for r in rows] == pytest.approx(used["vi"].astype(float).tolist())
        assert {r["Study"] for r in rows} == {"Smith 2001", "Åberg 1999a, 2003", "Lee-Park 2010"}
    information = {r["Study"]: r for r in files["rev1-study-information.csv"]}
    assert information["Smith 2001"]["Char: Methods"] == "RCT, outpatient, Norway"
    assert information["Åberg 1999a, 2003"]["Year"] == "1999"
    judged = {r["Study"]: r for r in files["rev1-risk-of-bias.csv"]}
    assert judged["Åberg 1999a, 2003"][f"Domain (judgement): Overall risk of bias ({TOOL.name})"] == "Poor"


def test_the_package_is_the_same_bytes_each_time():
    tables = _tables()
    assert data_package(REVIEW, tables, TOOL, "rev1") == data_package(REVIEW, tables, TOOL, "rev1")


def test_a_characteristic_of_several_parts_reads_as_a_list_in_the_package():
    information = {r["Study"]: r for r in _package(_tables())["rev1-study-information.csv"]}
    assert information["Smith 2001"]["Char: Participants"] == "Adults with pain (s1); Randomised: 100"
