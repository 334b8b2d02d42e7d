"""`reviewflow meta` on data written here: its output keys, escalc's zero-cell rule, and
the bad inputs it must refuse in one line (metafor agreement: test_synthesis_metafor.py)."""

import json

import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.synthesis import meta

KEYS = {"k", "estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "q_p", "pi_low", "pi_high", "yi", "vi"}
BINARY = "study,events_1,total_1,events_2,total_2\n"


def test_the_command_writes_the_keys_metafor_reports(tmp_path):
    data = tmp_path / "trials.csv"
    data.write_text(BINARY + "a,4,123,11,139\nb,6,306,29,303\nc,3,231,11,220\n")
    out = tmp_path / "out.json"
    assert main(["meta", str(data), "--measure", "OR", "--method", "PETO", "-o", str(out)]) == 0
    result = json.loads(out.read_text())
    assert KEYS <= set(result) and result["k"] == 3
    assert result["pi_low"] is None and result["tau2"] == 0  # no prediction interval for a one-step method
    assert result["estimate"] < 0 and result["ci_low"] < result["estimate"] < result["ci_high"]


def test_zero_cells_get_one_half_and_double_zero_studies_are_kept_unless_left_out_as_revman_does():
    data = pd.DataFrame(
        {
            "study": ["a", "b", "c"],
            "events_1": [0, 5, 0],
            "total_1": [10, 20, 15],
            "events_2": [3, 8, 0],
            "total_2": [10, 20, 15],
        }
    )
    got = meta(data, "OR", "FE")
    # escalc adds 1/2 to every cell of a study with a zero cell: log((0.5 * 7.5) / (10.5 * 3.5))
    assert got["yi"][0] == pytest.approx(-2.2823823856765264)
    assert got["yi"][2] == pytest.approx(0.0) and got["k"] == 3  # no events in either group: kept, log(1) = 0
    revman = meta(data, "OR", "FE", drop_double_zero=True)
    assert revman["yi"][2] is None and revman["k"] == 2  # left out


@pytest.mark.parametrize(
    ("rows", "measure", "method", "message"),
    [
        ("study,mean_1,sd_1,n_1,mean_2,sd_2,n_2\na,1,-2,10,2,2,10\n", "MD", "FE", "standard deviation cannot be"),
        ("study,events_1,total_1,events_2,total_2\na,12,10,1,10\n", "RR", "FE", "more events than participants"),
        ("study,yi,vi\na,0.1,0.02\n", "GEN", "DL", "needs at least two studies"),
        ("study,events_1,total_1,events_2,total_2\na,0,10,0,10\nb,0,5,0,5\n", "OR", "PETO", "Peto's odds ratio is"),
        ("study,events_1,total_1,events_2,total_2\na,0,10,0,10\n", "OR", "PETO", "Peto's odds ratio is undefined"),
        ("study,yi,vi\na,x,0.02\nb,0.2,0.01\n", "GEN", "FE", "row 2, column 'yi': 'x' is not a number"),
        ("study,yi\na,0.1\n", "GEN", "FE", "lacks the columns vi"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, capsys, rows, measure, method, message):
    data = tmp_path / "data.csv"
    data.write_text(rows)
    out = tmp_path / "out.json"
    assert main(["meta", str(data), "--measure", measure, "--method", method, "-o", str(out)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("reviewflow: ") and "\n" not in error and message in error, error
    assert not out.exists()


def test_method_and_measure_must_fit():
    data = pd.DataFrame({"study": ["a", "b"], "yi": [0.1, 0.2], "vi": [0.01, 0.02]})
    with pytest.raises(ReviewflowError, match="method PETO is for OR only"):
        meta(data, "GEN", "PETO")
    with pytest.raises(ReviewflowError, match="--hksj adjusts a random-effects model"):
        meta(data, "GEN", "FE", hksj=True)


def test_study_limitations_from_illustrative_ratings_are_marked():
    import pandas as pd

    from reviewflow.certainty import load_system
    from reviewflow.synthesis.soe import _marks

    ahrq, grade = load_system("ahrq-soe"), load_system("grade")
    sourced = pd.DataFrame({"illustrative": [""]})
    assert _marks({}, {"illustrative": ""}, sourced, ahrq) == ""
    assert (
        _marks({}, {"illustrative": ""}, sourced, ahrq, illustrative_ratings=True)
        == "study_limitations_by_rule; grade_by_rule"
    )
    assert _marks({}, {"illustrative": ""}, sourced, grade, True) == "risk_of_bias_by_rule; grade_by_rule"
    both = _marks({"illustrative": "findings"}, {"illustrative": "x"}, sourced, ahrq, illustrative_ratings=True)
    assert both.split("; ").count("grade_by_rule") == 1 and both.startswith("findings; participants")
