"""Risk-of-bias tools: overall rules against worked examples from each tool's guidance."""

import re

import pandas as pd
import pytest
from helpers import make_sheet

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.rob import SHIPPED, load_tool, sheet_schema
from reviewflow.rob.assessments import rob_table, study_limitations
from reviewflow.rob.figures import summary_bars, traffic_light


def test_every_shipped_tool_loads():
    assert set(SHIPPED) == {
        "rob2",
        "rob2-cluster",
        "robins-i",
        "robins-i-v2",
        "robins-e",
        "rob1",
        "quadas-2",
        "quips",
        "quality-rating",
    }
    assert [d["id"] for d in load_tool("rob2-cluster").domains] == ["D1a", "D1b", "D2", "D3", "D4", "D5"]


@pytest.mark.parametrize(
    "tool, domains, expected",
    [
        # RoB 2 guidance, table of the overall algorithm
        ("rob2", ["Low"] * 5, "Low"),
        ("rob2", ["Low", "Some concerns", "Low", "Low", "Low"], "Some concerns"),
        ("rob2", ["Low", "Some concerns", "High", "Low", "Some concerns"], "High"),
        ("rob2-cluster", ["Low", "High", "Low", "Low", "Low", "Low"], "High"),
        # ROBINS-I: the most severe domain; 'no information' only when nothing is serious or critical
        ("robins-i", ["Low", "Moderate", "Low", "Low", "Low", "Low", "Low"], "Moderate"),
        ("robins-i", ["Low", "Moderate", "Serious", "Low", "Critical", "Low", "Low"], "Critical"),
        ("robins-i", ["Low", "Moderate", "No information", "Low", "Low", "Low", "Low"], "No information"),
        ("robins-i", ["Serious", "Moderate", "No information", "Low", "Low", "Low", "Low"], "Serious"),
        ("robins-i-v2", ["Low"] * 7, "Low"),
        ("robins-e", ["Low", "Some concerns", "No information", "Low", "Low", "Low", "Low"], "No information"),
        ("robins-e", ["Very high", "Low", "Low", "Low", "Low", "Low", "Low"], "Very high"),
        # RoB 1 (Handbook 5.1 table 8.7.a) and QUADAS-2: low if all low, high if any high, else unclear
        ("rob1", ["Low"] * 7, "Low"),
        ("rob1", ["Low", "Unclear", "Low", "Low", "Low", "Low", "Low"], "Unclear"),
        ("rob1", ["Low", "Unclear", "High", "Low", "Low", "Low", "Low"], "High"),
        ("quadas-2", ["Low", "Low", "Unclear", "Low"], "Unclear"),
        ("quadas-2", ["Low", "High", "Unclear", "Low"], "High"),
        # QUIPS defines no overall rule
        ("quips", ["Low"] * 6, None),
    ],
)
def test_overall_rules(tool, domains, expected):
    assert load_tool(tool).compute_overall(domains) == expected


def test_rob2_reviewer_may_raise_several_some_concerns_to_high():
    tool = load_tool("rob2")
    two = ["Some concerns", "Some concerns", "Low", "Low", "Low"]
    one = ["Some concerns", "Low", "Low", "Low", "Low"]
    assert tool.agrees("High", tool.compute_overall(two), two) is True
    assert tool.agrees("High", tool.compute_overall(one), one) is False
    assert tool.agrees("Low", tool.compute_overall(one), one) is False


def test_rob_check_reads_robvis_tables(tmp_path):
    table = tmp_path / "robvis.csv"
    table.write_text(
        "Study,D1,D2,D3,D4,D5,Overall,Weight\n"
        "Study 1,Low,Low,Low,Low,Low,Low,10\n"
        "Study 2,low,Some  concerns,Low,Low,Low,some concerns,20\n"
        "Study 3,Low,High,Low,Low,Low,Some concerns,30\n"
    )
    out = tmp_path / "out.csv"
    assert main(["rob", "check", "--tool", "rob2", str(table), "-o", str(out)]) == 0
    assert pd.read_csv(out, dtype=str).values.tolist() == [
        ["Study 1", "Low", "Low", "true"],
        ["Study 2", "Some concerns", "Some concerns", "true"],
        ["Study 3", "Some concerns", "High", "false"],
    ]
    rob1 = tmp_path / "rob1.csv"
    rob1.write_text(
        "Study,Random.sequence.generation.,Allocation.concealment.,Blinding.of.participants.and.personnel.,Blinding.of.outcome.assessment,"
        "Incomplete.outcome.data,Selective.reporting.,Other.sources.of.bias.,Overall,Weight\nA,Low,Unclear,Low,Low,Low,Low,Low,Unclear,1\n"
    )
    assert main(["rob", "check", "--tool", "rob1", str(rob1), "-o", str(out)]) == 0
    assert pd.read_csv(out, dtype=str).values.tolist() == [["A", "Unclear", "Unclear", "true"]]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "Study,D1,D2,D3,D4,D5,Overall\nS,Low,Medium,Low,Low,Low,Low\n",
            "row 2, column 'D2': 'Medium' is not a judgement of rob2; allowed: Low, Some concerns, High",
        ),
        (
            "Study,D1,D2,D3,D4,D5,Overall\nS,Low,,Low,Low,Low,Low\n",
            "row 2, column 'D2': is empty; allowed: Low, Some concerns, High",
        ),
        (
            "Study,D1,D2,D3,D4,Overall\nS,Low,Low,Low,Low,Low\n",
            "row 1: has 4 domain columns between Study and Overall; rob2 has 5",
        ),
    ],
)
def test_rob_check_errors(tmp_path, capsys, content, message):
    table = tmp_path / "t.csv"
    table.write_text(content)
    assert main(["rob", "check", "--tool", "rob2", str(table), "-o", str(tmp_path / "o.csv")]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_a_team_defines_its_own_tool(tmp_path):
    path = tmp_path / "mytool.yaml"
    path.write_text(
        "id: mytool\nname: Our tool\ndomains:\n  - {id: D1, short: Sampling, long: Sampling bias}\n  - {id: "
        "D2, short: Follow-up, long: Loss to follow-up}\n"
        "judgements:\n  - {label: OK, level: low}\n  - {label: Worrying, level: high}\noverall: {rule: worst}\n"
    )
    tool = load_tool(str(path))
    assert tool.compute_overall(["OK", "Worrying"]) == "Worrying"
    path.write_text(path.read_text().replace("rule: worst", "rule: best"))
    with pytest.raises(
        ReviewflowError,
        match=r"mytool.yaml: key 'overall.rule' 'best' is not allowed; allowed: all-low-any-high, worst, none",
    ):
        load_tool(str(path))


def studies():
    return pd.DataFrame(
        {
            "study_id": [f"s{i:02d}" for i in range(80)],
            "label": [
                f"Author{i} et al. {2000 + i % 20}, a deliberately long study label that has to wrap" for i in range(80)
            ],
            "n_randomised": [str(10 + i) for i in range(80)],
            "intervention_types": ["CPMP"] * 80,
        }
    )


def test_assessments_flag_disagreement_and_list_gaps():
    tool = load_tool("rob2")
    sheet = make_sheet(
        sheet_schema(tool),
        [
            {"study_id": "s00", "D1": "Low", "D2": "Low", "D3": "Low", "D4": "Low", "D5": "Low", "overall": "Low"},
            {
                "study_id": "s01",
                "D1": "Low",
                "D2": "High",
                "D3": "Low",
                "D4": "Low",
                "D5": "Low",
                "overall": "Some concerns",
            },
        ],
    )
    table, missing = rob_table(sheet, studies(), tool, "rob.xlsx")
    assert table[["study_id", "overall", "computed", "agrees"]].values.tolist() == [
        ["s00", "Low", "Low", "true"],
        ["s01", "Some concerns", "High", "false"],
    ]
    assert len(missing) == 78 and missing[0] == "s02"
    unknown = make_sheet(
        sheet_schema(tool),
        [{"study_id": "nobody", "D1": "Low", "D2": "Low", "D3": "Low", "D4": "Low", "D5": "Low", "overall": "Low"}],
    )
    with pytest.raises(
        ReviewflowError, match=r"rob.xlsx, row 2, column 'study_id': study 'nobody' is not an included study"
    ):
        rob_table(unknown, studies(), tool, "rob.xlsx")


def test_traffic_light_stays_readable_with_80_long_labels():
    tool = load_tool("robins-i")
    judgements = tool.labels
    rows = [
        {"label": label, "domains": [judgements[(i + d) % 5] for d in range(7)], "overall": judgements[i % 4]}
        for i, label in enumerate(studies()["label"])
    ]
    svg = traffic_light(rows, tool)
    assert "rotate" not in svg
    label_lines = [t for t in re.findall(r'<text x="10" y="[\d.]+">([^<]*)</text>', svg) if not re.match(r"D\d+: ", t)]
    first_circle_x = min(float(x) for x in re.findall(r'<circle cx="([\d.]+)" cy="[\d.]+" r="9"', svg))
    assert max(len(line) for line in label_lines) * 6.4 + 10 < first_circle_x - 9  # no label reaches the circles
    width = float(re.search(r'width="([\d.]+)"', svg).group(1))
    assert all(float(x) + 9 <= width for x in re.findall(r'<circle cx="([\d.]+)"', svg))  # no clipped domain
    for domain in tool.domains:
        assert f"{domain['id']}: {domain['long']}" in svg  # the domain key
    assert svg.count("<circle") == 80 * 8 + len(tool.judgements)


def test_summary_bars_weighted_by_participants():
    tool = load_tool("quality-rating")
    rows = [{"label": "a", "domains": [], "overall": "Good"}, {"label": "b", "domains": [], "overall": "Poor"}]
    assert ">50%<" in summary_bars(rows, tool)
    weighted = summary_bars(rows, tool, weights=[300, 100])
    assert ">75%<" in weighted and ">25%<" in weighted


def test_study_limitations_from_risk_of_bias_levels():
    assert (
        study_limitations(["low", "low"]) == "Low"
        and study_limitations(["low", "some"]) == "Medium"
        and study_limitations([]) == "Unknown"
    )


def test_robvis_tables_read_as_robvis_reads_them(tmp_path):
    """robvis's own wording: 'No information' for any tool, 'Some concerns' for QUADAS-2;
    its Weight column weights the summary plot."""
    rob2 = tmp_path / "rob2.csv"
    rob2.write_text(
        "Study,D1,D2,D3,D4,D5,Overall,Weight\n"
        "Study 1,Low,Low,Low,Low,Low,Low,33\n"
        "Study 2,Low,No information,Low,Low,Low,Some concerns,33\n"
        "Study 3,No information,High,Low,Low,Low,High,10\n"
    )
    out, figure = tmp_path / "checked.csv", tmp_path / "summary.svg"
    assert main(["rob", "check", "--tool", "rob2", str(rob2), "-o", str(out), "--figure", str(figure)]) == 0
    checked = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert checked["computed"].tolist() == ["Low", "Some concerns", "High"]  # NI counts as neither low nor high
    assert checked["agrees"].tolist() == ["true", "true", "true"]
    assert "share of weight" in figure.read_text()
    quadas = tmp_path / "quadas.csv"
    quadas.write_text("Study,D1,D2,D3,D4,Overall\nStudy 1,Low,Some concerns,Low,No information,Some concerns\n")
    assert main(["rob", "check", "--tool", "quadas-2", str(quadas), "-o", str(out)]) == 0
    assert pd.read_csv(out, dtype=str)["stated"].tolist() == ["Unclear"]  # robvis's word, the tool's judgement


def test_a_tool_alias_must_name_a_judgement(tmp_path):
    tool = tmp_path / "tool.yaml"
    tool.write_text(
        "id: mine\nname: Mine\ndomains: []\naliases: {Fine: Good}\n"
        "judgements:\n  - {label: OK, level: low}\n  - {label: Bad, level: high}\noverall: {rule: none}\n"
    )
    with pytest.raises(ReviewflowError, match="key 'aliases.Fine' 'Good' is not one of the judgements: OK, Bad"):
        load_tool(str(tool))
