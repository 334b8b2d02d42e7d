"""Screening prioritisation: the ranking learns from decisions, the stopping rule's edges,
the simulation command, and the ranked worksheet."""

import numpy as np
import openpyxl
import pandas as pd
import pytest
from helpers import make_records, make_sheet, planted
from scipy import stats

from reviewflow.cli import main
from reviewflow.dedup import deduplicate
from reviewflow.screening import STOPPED_TA, resolve_decisions
from reviewflow.screening.prioritise import (
    Settings,
    features,
    first_stop,
    rank,
    simulate,
    stopping_estimate,
    title_abstract_order,
)
from reviewflow.screening.step import screen


def test_ranking_puts_records_like_the_includes_first():
    docs, labels = planted()
    matrix = features(docs)
    labelled = np.array([0, 1, 2, 3])  # one include, three excludes
    pool = np.arange(4, len(docs))
    order = rank(matrix, labelled, labels[labelled], pool)
    relevant_left = int(labels[pool].sum())
    assert labels[order[:relevant_left]].tolist() == [1] * relevant_left
    assert rank(matrix, labelled, labels[labelled], pool).tolist() == order.tolist()  # same decisions, same order


def test_without_both_kinds_of_decision_the_order_is_kept():
    docs, labels = planted()
    matrix = features(docs)
    pool = np.arange(10, 30)
    assert rank(matrix, np.array([1, 2]), np.array([0, 0]), pool).tolist() == pool.tolist()


def test_simulation_finds_planted_includes_first_and_handles_empty_and_duplicate_texts():
    docs, labels = planted(90)
    docs[7] = ""  # no title, no abstract
    docs[13] = docs[19]  # duplicate text
    order = simulate(docs, labels, [0, 1])
    assert order[:2] == [0, 1] and sorted(order) == list(range(90))
    assert labels[order[2 : 1 + labels.sum()]].tolist() == [1] * (labels.sum() - 1)  # every include next
    assert simulate(docs, labels, [0, 1]) == order


def test_stopping_rule_edges():
    nothing = stopping_estimate([0] * 50, 100)
    assert nothing.p_value is None and not nothing.safe_to_stop and "no include yet" in nothing.sentence()
    done = stopping_estimate([1] + [0] * 99, 100)
    assert done.safe_to_stop and done.sentence() == "Every citation has a title/abstract decision."
    early = stopping_estimate([1, 1, 0, 1], 1000)
    assert not early.safe_to_stop and "keep screening" in early.sentence()
    # 20 includes found early, then 900 excludes in a row out of 2,000: two more includes
    # could still hide among the 1,080 left (p = 0.30); after 1,800 excludes they could not
    assert not stopping_estimate([1] * 20 + [0] * 900, 2000).safe_to_stop
    late = stopping_estimate([1] * 20 + [0] * 1800, 2000)
    assert (
        late.p_value == pytest.approx((180 / 1980) * (179 / 1979))
        and late.safe_to_stop
        and "With 95% confidence at least 95%" in late.sentence()
    )


def test_stopping_rule_is_the_hypergeometric_test_on_the_tail():
    labels = [1] * 10 + [0] * 30
    total = 100
    estimate = stopping_estimate(labels, total, target_recall=0.9, confidence=0.95)
    # the whole order as the sample: 10 found; recall < 0.9 needs at least 12 includes
    whole = stats.hypergeom.cdf(10, total, 12, 40)
    # only the 30 excludes as the sample: 0 seen, 60+30 left then, at least 2 includes needed
    tail = stats.hypergeom.cdf(0, 90, 2, 30)
    assert estimate.p_value == pytest.approx(min(whole, tail, estimate.p_value))
    assert estimate.p_value <= min(whole, tail) + 1e-12


def _labelled_csv(path, docs, labels):
    frame = pd.DataFrame(
        {"record_id": [f"r{i}" for i in range(len(docs))], "title": docs, "abstract": "", "label_included": labels}
    )
    frame.to_csv(path, index=False)


def test_simulate_command_writes_every_record_in_order(tmp_path, capsys):
    docs, labels = planted(30)
    _labelled_csv(tmp_path / "data.csv", docs, labels)
    out = tmp_path / "out" / "ranking.csv"
    assert main(["screening", "simulate", str(tmp_path / "data.csv"), "--prior-ids", "r0,r1", "-o", str(out)]) == 0
    ranking = pd.read_csv(out, dtype=str)
    assert list(ranking.columns) == ["rank", "record_id", "label"]
    assert ranking["rank"].tolist() == [str(i) for i in range(1, 31)]
    assert ranking["record_id"].tolist()[:2] == ["r0", "r1"] and sorted(ranking["record_id"]) == sorted(
        f"r{i}" for i in range(30)
    )
    assert ranking["label"].tolist()[2:6] == ["1"] * 4  # the other planted includes come next


@pytest.mark.parametrize(
    "change, prior_ids, message",
    [
        ({"label_included": "2"}, "r0,r1", "data.csv, row 2, column 'label_included': '2' is not 0 or 1"),
        (None, "r1,r0", "--prior-ids: 'r1' must be an included record (label_included 1)"),
        (None, "r0", "--prior-ids takes two ids"),
        (None, "r0,zz", "--prior-ids: record_id 'zz' is not in the data"),
        ({"record_id": "r1"}, "r0,r1", "row 4, column 'record_id': record_id 'r1' appears twice"),
    ],
)
def test_simulate_command_refuses_bad_input_in_one_line(tmp_path, capsys, change, prior_ids, message):
    docs, labels = planted(12)
    _labelled_csv(tmp_path / "data.csv", docs, labels)
    if change:
        frame = pd.read_csv(tmp_path / "data.csv", dtype=str, keep_default_na=False)
        column, value = next(iter(change.items()))
        frame.loc[0 if column == "label_included" else 2, column] = value
        frame.to_csv(tmp_path / "data.csv", index=False)
    out = tmp_path / "ranking.csv"
    assert main(["screening", "simulate", str(tmp_path / "data.csv"), "--prior-ids", prior_ids, "-o", str(out)]) == 1
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not out.exists()


def _review(count: int = 24):
    docs, labels = planted(count)
    records = [
        {
            "record_id": f"R{i:016x}",
            "title": text,
            "abstract": "",
            "year": 2020,
            "search": "s1",
            "file": "a.ris",
            "source": "MEDLINE",
            "authors": f"Author{i}, A",
            "journal": f"Journal {i}",
            "volume": str(i),
            "pages": f"{i}1-{i}9",
        }
        for i, text in enumerate(docs)
    ]
    _, citations = deduplicate(make_records(records))
    by_title = dict(zip(citations["title"], citations["citation_id"]))
    return citations, [by_title[d] for d in docs], labels


def _screen(tmp_path, decided: dict[int, str], settings: dict | None = None):
    citations, ids, labels = _review()
    citations.to_csv(tmp_path / "citations.csv", index=False)
    rows = [{"citation": ids[i], "stage": "title_abstract", "decision": d} for i, d in decided.items()]
    make_sheet("screening", rows).to_csv(tmp_path / "screening.csv", index=False)
    outputs = {name: str(tmp_path / f"{name}.xlsx") for name in ("to_screen_title_abstract", "to_screen_full_text")}
    outputs.update(
        status=str(tmp_path / "status.csv"),
        agreement=str(tmp_path / "agreement.json"),
        disagreements=str(tmp_path / "disagreements.xlsx"),
        prioritisation=str(tmp_path / "prioritisation.json"),
    )
    screen(
        str(tmp_path / "citations.csv"),
        str(tmp_path / "screening.csv"),
        reasons=["off topic"],
        stamp="2021-01-01",
        prioritisation=settings or {},
        search_dates={"s1": "2020-12-01"},
        outputs=outputs,
    )
    book = openpyxl.load_workbook(outputs["to_screen_title_abstract"])
    return book, ids, labels, pd.read_csv(tmp_path / "status.csv", dtype=str, keep_default_na=False)


def test_worksheet_is_ranked_with_a_priority_and_says_when_to_stop(tmp_path):
    book, ids, labels, _ = _screen(tmp_path, {0: "include", 1: "exclude", 2: "exclude"})
    table = book["to screen"]
    header = [c.value for c in table[1]]
    assert header[7] == "priority" and header[:3] == ["citation", "stage", "decision"]
    rows = list(table.iter_rows(min_row=2, values_only=True))
    assert [r[7] for r in rows] == list(range(1, len(rows) + 1))  # numbers: a spreadsheet sorts 10 after 2
    top = [r[0] for r in rows[:3]]
    assert top == [ids[6], ids[12], ids[18]]  # the planted includes, in file order among equals
    about = [c.value for c in book["about this order"]["A"]]
    assert about[0].startswith("Not yet 95% confident") and about[1].startswith("Ordered by a model trained on 3")
    # below: each citation in the worksheet's order, with the terms that raised its priority most
    notes = list(book["about this order"].iter_rows(min_row=4, values_only=True))
    assert notes[0] == ("priority", "citation_id", "title", "terms that raised its priority most")
    assert [n[:3] for n in notes[1:]] == [(r[7], r[0], r[8]) for r in rows]  # priority, citation, title
    assert "back pain" in notes[1][3].split(", ") and "galaxies" not in notes[1][3]


def test_worksheet_keeps_its_usual_order_until_there_is_an_include(tmp_path):
    book, ids, labels, _ = _screen(tmp_path, {1: "exclude", 2: "exclude"})
    rows = list(book["to screen"].iter_rows(min_row=2, values_only=True))
    assert all(r[7] in (None, "") for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert "needs at least one include and one exclude" in book["about this order"]["A2"].value


def test_recorded_stop_marks_the_unscreened_as_left_by_the_rule(tmp_path):
    decided = {i: ("include" if labels_i else "exclude") for i, labels_i in enumerate(planted(24)[1]) if i < 20}
    _, ids, labels, status = _screen(tmp_path, decided, {"stopped_on": "2020-12-31"})
    left = status[status["status"] == STOPPED_TA]["citation_id"].tolist()
    assert sorted(left) == sorted(ids[20:])
    assert not (status["status"] == "awaiting title/abstract screening").any()


def test_title_abstract_order_counts_maybe_as_relevant():
    citations, ids, labels = _review()
    rows = [
        {"citation": ids[0], "stage": "title_abstract", "decision": "maybe"},
        {"citation": ids[1], "stage": "title_abstract", "decision": "exclude"},
    ]
    resolved = resolve_decisions(make_sheet("screening", rows), citations, ["x"], "s.csv")
    result = title_abstract_order(citations, resolved, ids[2:], Settings())
    assert result["ranked"] and result["order"][0] == ids[6]
    assert result["estimate"]["includes_found"] == 1 and result["estimate"]["total"] == len(ids)


def test_update_search_of_the_embedded_review_gets_a_ranked_worksheet(tmp_path):
    """The embedded review with its update batch not yet screened: the new citations come
    ranked by the first batch's decisions, and the stopping estimate says to go on."""
    from helpers import copy_inputs

    from reviewflow.pipeline import run_review
    from reviewflow.screening import citation_resolver
    from reviewflow.tables import CITATION_COLUMNS, read_csv

    project = copy_inputs(tmp_path)
    layout = run_review(project / "config/ipmp.yaml", until="screen")
    citations = read_csv(layout.result("dedup/citations.csv"), CITATION_COLUMNS)
    update = set(citations.loc[citations["first_search"] == "2021-05-24", "citation_id"])
    sheet_path = project / "resources" / "ipmp" / "screening.csv"
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    resolve = citation_resolver(citations)
    sheet[~sheet["citation"].map(resolve).isin(update)].to_csv(sheet_path, index=False)
    run_review(project / "config/ipmp.yaml", until="screen")
    book = openpyxl.load_workbook(layout.result("screening/to_screen_title_abstract.xlsx"))
    rows = list(book["to screen"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == update
    assert [r[7] for r in rows] == list(range(1, len(rows) + 1))  # numbers: a spreadsheet sorts 10 after 2
    about = [c.value for c in book["about this order"]["A"]]
    assert about[1].startswith("Ordered by a model trained on") and "keep screening" in about[0]


def test_the_stopping_rule_walked_along_an_order_reports_where_it_stops_and_what_it_gives():
    # 20 includes found first, then excludes: the rule stops once enough excludes follow
    found_first = first_stop([1] * 20 + [0] * 1980, 2000)
    assert found_first.stopped and found_first.recall == 1.0
    assert found_first.screened == next(
        n for n in range(21, 2001) if stopping_estimate([1] * 20 + [0] * (n - 20), 2000).safe_to_stop
    )
    assert found_first.saved == pytest.approx((2000 - found_first.screened) / 2000)
    # one include left far down the order: the rule stops before it, recall 20 of 21
    late = first_stop([1] * 20 + [0] * 1900 + [1] + [0] * 79, 2000)
    assert late.stopped and late.recall == pytest.approx(20 / 21) and late.screened < 1921
    # a small set: the rule says stop only once every record is screened, saving nothing
    small = first_stop([0, 1, 0, 1, 0], 5)
    assert small.stopped and small.screened == 5 and small.saved == 0.0
    # an order cut short (5 of 100 screened): it has not said stop yet
    partial = first_stop([0, 1, 0, 1, 0], 100)
    assert not partial.stopped and "has not said stop after 5 of 100" in partial.sentence()


def test_screening_simulate_says_where_the_stopping_rule_stops(tmp_path, capsys):
    rows = [
        {"record_id": f"r{i}", "title": f"pain trial {i}", "abstract": "", "label_included": "0"} for i in range(40)
    ]
    for i in (0, 1, 2):
        rows[i].update(title=f"exercise for knee pain randomised {i}", label_included="1")
    data = tmp_path / "labelled.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    assert main(["screening", "simulate", str(data), "--prior-ids", "r0,r5", "-o", str(tmp_path / "order.csv")]) == 0
    said = capsys.readouterr().out
    stop = first_stop(pd.read_csv(tmp_path / "order.csv")["label"].tolist(), 40)
    assert said.strip().endswith(stop.sentence()) and "40 records in the order" in said
