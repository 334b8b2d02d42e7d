"""Two reviewers, blind, through risk of bias to consensus: each gets a worksheet of their
own showing nobody else's judgements, each worksheet goes back into its reviewer's own
sheet only, the run lists every difference and the agreement per domain, and the team's
agreed judgements become consensus rows, naming both reviewers, beside the sheets they
came from."""

import csv
import json

import pytest
from helpers import as_seen_in
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score
from test_diagnostic_review import CONFIG, RESULTS, _project

from reviewflow.agreement import cohen_kappa, gwet_ac1
from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import load_config, run_review
from reviewflow.reviewer_commands import reviewer_worksheet, take_consensus
from reviewflow.rob import load_tool
from reviewflow.rob.assessments import add_assessments

QUADAS = load_tool("quadas-2")
DOMAINS = ["D1", "D2", "D3", "D4"]
# Each reviewer's judgements of D1-D4 and overall, by study (constructed for the test).
JUDGED = {
    "JS": {
        "cole-2015": ["Low", "Low", "Low", "Low", "Low"],
        "dunn-2017": ["High", "Low", "Unclear", "Low", "High"],
        "ebert-2019": ["Low", "Unclear", "Low", "Low", "Unclear"],
        "ames-2011": ["Low", "Low", "Low", "Low", "Low"],
        "bloch-2013": ["Low", "Low", "Low", "Low", "Low"],
    },
    "AB": {
        "cole-2015": ["Low", "Low", "Low", "Low", "Low"],
        "dunn-2017": ["Unclear", "Low", "Unclear", "Low", "Unclear"],
        "ebert-2019": ["Low", "Low", "Low", "Low", "Low"],
        "ames-2011": ["Low", "Low", "Low", "Low", "Low"],
        "bloch-2013": ["Low", "Low", "High", "Low", "High"],
    },
}


def _fill(path, reviewer):
    book = load_workbook(path)
    sheet = book["assessments"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = JUDGED[reviewer][row[0].value]
        for name, value in zip([*DOMAINS, "overall"], values):
            row[header.index(name)].value = value
        row[header.index("D1_support")].value = f"{reviewer}'s reading"
    book.save(path)


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two_reviewers")
    _project(folder)
    run_review(folder / CONFIG)
    config = load_config(folder / CONFIG)
    sheets = {r: folder / f"resources/dta/reviewers/{r}/rob.csv" for r in JUDGED}
    worksheets = {r: folder / f"{r}.xlsx" for r in JUDGED}
    consensus = folder / "resources/dta/rob.csv"
    agreed = consensus.read_text(encoding="utf-8")  # held back while the reviewers work: see below
    consensus.write_text(agreed.splitlines()[0] + "\n", encoding="utf-8")
    assert reviewer_worksheet(config, "JS", "rob", worksheets["JS"]) == 5
    _fill(worksheets["JS"], "JS")
    assert add_assessments(worksheets["JS"], sheets["JS"], QUADAS) == 5
    reviewer_worksheet(config, "AB", "rob", worksheets["AB"])  # made after JS's judgements are in
    blind = [[c.value for c in row] for row in load_workbook(worksheets["AB"])["assessments"].iter_rows()]
    _fill(worksheets["AB"], "AB")
    refused = {}
    for name, args in {
        "into the other's sheet": (worksheets["AB"], sheets["JS"]),
        "into the consensus sheet": (worksheets["AB"], folder / "resources/dta/rob.csv"),
        "twice": (worksheets["JS"], sheets["JS"]),
    }.items():
        with pytest.raises(ReviewflowError) as error:
            add_assessments(*args, QUADAS)
        refused[name] = str(error.value)
    js_before = sheets["JS"].read_bytes()
    add_assessments(worksheets["AB"], sheets["AB"], QUADAS)
    consensus.write_text(agreed, encoding="utf-8")  # the team's earlier assessments (Bloch 2013's among them)
    held = len(agreed.splitlines()) - 1
    assert held and reviewer_worksheet(config, "XY", "rob", folder / "XY.xlsx") == 5 - held  # not offered again
    run_review(folder / CONFIG)
    differences = folder / RESULTS / "rob/disagreements.xlsx"
    with open(folder / RESULTS / "rob/agreement.csv", newline="", encoding="utf-8") as handle:
        agreement = {row["domain"]: row for row in csv.DictReader(handle)}
    rows = [[c.value for c in row] for row in load_workbook(differences)["differences"].iter_rows()]
    return {
        "folder": folder,
        "config": config,
        "blind": blind,
        "refused": refused,
        "sheets": sheets,
        "js_before": js_before,
        "differences": differences,
        "rows": rows,
        "agreement": agreement,
    }


def test_a_reviewers_worksheet_shows_nobody_elses_judgements(review):
    header, *rows = review["blind"]
    assert len(rows) == 5 and {r[0] for r in rows} == set(JUDGED["AB"])
    judged = [r[header.index(name)] for r in rows for name in [*DOMAINS, "overall"]]
    assert not any(judged)  # JS's judgements, already in JS's sheet, are not shown


def test_a_worksheet_goes_into_its_reviewers_own_sheet_only(review):
    refused = review["refused"]
    assert (
        "is AB's blind worksheet; it goes into reviewers/AB/rob.csv, not JS's own sheet"
        in refused["into the other's sheet"]
    )
    assert "not the consensus sheet" in refused["into the consensus sheet"]
    assert "already holds an assessment of" in refused["twice"]
    assert review["sheets"]["JS"].read_bytes() == review["js_before"]


def test_every_difference_is_listed_and_those_the_consensus_holds_are_resolved(review):
    header, *rows = review["rows"]
    listed = {(r[header.index("study_id")], r[header.index("domain")]): r[header.index("status")] for r in rows}
    assert listed == {
        ("dunn-2017", "D1"): "open",
        ("dunn-2017", "overall"): "open",
        ("ebert-2019", "D2"): "open",
        ("ebert-2019", "overall"): "open",
        ("bloch-2013", "D3"): "resolved",  # the consensus sheet already holds Bloch 2013
        ("bloch-2013", "overall"): "resolved",
    }


def test_agreement_per_domain_is_kappa_and_ac1(review):
    studies = sorted(JUDGED["JS"])
    for index, domain in enumerate([*DOMAINS, "overall"]):
        first = [JUDGED["JS"][s][index] for s in studies]
        second = [JUDGED["AB"][s][index] for s in studies]
        row = review["agreement"][domain]
        assert int(row["items"]) == 5
        assert float(row["agreement"]) == pytest.approx(sum(a == b for a, b in zip(first, second)) / 5, abs=1e-3)
        if len(set(first) | set(second)) > 1:
            assert float(row["kappa"]) == pytest.approx(cohen_kappa_score(first, second), abs=1e-3)
        else:
            assert row["kappa"] == ""  # one judgement only: kappa undefined
    assert row["ac1"] != ""


def test_ac1_stays_high_where_kappa_collapses():
    first = ["Low"] * 18 + ["High", "Low"]
    second = ["Low"] * 18 + ["Low", "High"]
    categories = QUADAS.labels
    assert cohen_kappa(first, second) < 0 < 0.85 < gwet_ac1(first, second, categories)
    assert gwet_ac1(first, first, categories) == pytest.approx(1.0)


def test_the_agreed_judgements_become_consensus_rows_naming_both_reviewers(review, tmp_path):
    folder = review["folder"]
    book = load_workbook(review["differences"])
    sheet = book["differences"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) for name in header}
    for row in sheet.iter_rows(min_row=2):
        if row[col["study_id"]].value == "dunn-2017":
            row[col["agreed"]].value = row[col["judgement_a"]].value  # AB's
            row[col["agreed_by"]].value = "JS, AB"
    filled = tmp_path / "agreed.xlsx"
    book.save(filled)
    consensus = folder / "resources/dta/rob.csv"
    before = consensus.read_text(encoding="utf-8")
    assert take_consensus(review["config"], filled) == (1, 1)  # Dunn 2017 written, Ebert 2019 still open
    added = list(csv.DictReader(consensus.open(encoding="utf-8")))[-1]
    assert added["study_id"] == "dunn-2017" and added["D1"] == "Unclear" and added["overall"] == "Unclear"
    assert added["D3"] == "Unclear" and added["source"] == "consensus of AB and JS, agreed by JS, AB"
    assert consensus.read_text(encoding="utf-8").startswith(before)
    assert take_consensus(review["config"], filled) == (0, 1)  # written once, never twice
    for row in sheet.iter_rows(min_row=2):
        if row[col["study_id"]].value == "ebert-2019":
            row[col["agreed"]].value = "High"  # neither reviewer's judgement
            row[col["agreed_by"]].value = "JS, AB"
    book.save(filled)
    with pytest.raises(ReviewflowError, match="column 'note': agrees 'High', neither reviewer's"):
        take_consensus(review["config"], filled)
    run_review(folder / CONFIG)
    html = (folder / RESULTS / "report.html").read_text(encoding="utf-8")
    from reviewflow.status import review_status

    said = as_seen_in(folder, review_status(review["config"], CONFIG))
    assert "Two reviewers judged risk of bias independently" in html and "Gwet" in html
    book = load_workbook(folder / RESULTS / "evidence_tables.xlsx", read_only=True)
    rows = list(book["Reviewer agreement"].iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Reviewers",
        "Domain",
        "Items both assessed",
        "Agreement (share)",
        "Cohen's kappa",
        "Gwet's AC1",
    )
    assert len(rows) == 1 + 5 and rows[1][2] == 5  # D1-D4 and overall; items as numbers
    assert "2 differences are not resolved yet" in html  # Ebert 2019's two
    assert "Two reviewers (AB and JS): 2 differences not resolved yet" in said
    assert f"reviewflow consensus {CONFIG} {RESULTS}/rob/disagreements.xlsx" in said


def test_two_reviewers_screen_blind_and_their_votes_meet_in_the_run(tmp_path):
    from reviewflow.screening.worksheets import add_filled_rows, resolve_disagreements

    _project(tmp_path)  # five citations included by the team's sheet
    text = (tmp_path / CONFIG).read_text().replace("screening:\n", "screening:\n  reviewers: [JS, AB]\n", 1)
    (tmp_path / CONFIG).write_text(text)
    config = load_config(tmp_path / CONFIG)
    screening = tmp_path / "resources/dta/screening.csv"
    header = screening.read_text(encoding="utf-8").splitlines()[0]
    screening.write_text(header + "\n", encoding="utf-8")  # nothing decided by the team yet
    run_review(tmp_path / CONFIG, until="screen")
    own = {r: tmp_path / f"resources/dta/reviewers/{r}/screening.csv" for r in ("JS", "AB")}
    sheets = {}
    for reviewer, votes in (("JS", ["include"] * 5), ("AB", ["include", "include", "exclude", "include", "maybe"])):
        path = tmp_path / f"{reviewer}-ta.xlsx"
        assert reviewer_worksheet(config, reviewer, "title_abstract", path) == 5
        book = load_workbook(path)
        sheet = book["to screen"]
        top = [c.value for c in sheet[1]]
        assert all(row[top.index("reviewer")].value == reviewer for row in sheet.iter_rows(min_row=2))
        for row, vote in zip(sheet.iter_rows(min_row=2), votes):
            row[top.index("decision")].value = vote
        book.save(path)
        sheets[reviewer] = path
        with pytest.raises(ReviewflowError, match="blind worksheet; it goes into reviewers/"):
            add_filled_rows([str(path)], str(screening))  # never into the team's sheet
        assert add_filled_rows([str(path)], str(own[reviewer])) == 5
        if reviewer == "JS":  # JS done, AB not begun: JS's votes wait for AB's
            run_review(tmp_path / CONFIG, until="screen")
            with open(tmp_path / RESULTS / "screening/status.csv", newline="", encoding="utf-8") as handle:
                states = {row["status"] for row in csv.DictReader(handle)}
            assert states == {"awaiting title/abstract screening"}
    run_review(tmp_path / CONFIG, until="screen")
    agreement = json.loads((tmp_path / RESULTS / "screening/agreement.json").read_text(encoding="utf-8"))
    # the team settles the two differences; their decisions get rows of their own in the team's sheet
    differences = tmp_path / RESULTS / "screening/disagreements.xlsx"
    book = load_workbook(differences)
    sheet = book.worksheets[0]
    top = [c.value for c in sheet[1]]
    settled = 0
    for row in sheet.iter_rows(min_row=2):
        if row[top.index("citation")].value:
            row[top.index("decision")].value = "include"
            row[top.index("reviewer")].value = "JS, AB"
            settled += 1
    book.save(differences)
    assert resolve_disagreements(str(differences), str(screening)) == settled == 2
    team = list(csv.DictReader(screening.open(encoding="utf-8")))
    run_review(tmp_path / CONFIG, until="screen")
    after = json.loads((tmp_path / RESULTS / "screening/agreement.json").read_text(encoding="utf-8"))
    with open(tmp_path / RESULTS / "screening/status.csv", newline="", encoding="utf-8") as handle:
        states = {row["status"] for row in csv.DictReader(handle)}
    for name in ("studies", "publications", "accuracy", "rob"):  # nothing past screening yet
        sheet_file = tmp_path / f"resources/dta/{name}.csv"
        sheet_file.write_text(sheet_file.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    run_review(tmp_path / CONFIG, until="report_workbook")
    workbook = load_workbook(tmp_path / RESULTS / "evidence_tables.xlsx", read_only=True)
    kappa_rows = list(workbook["Screening agreement"].iter_rows(values_only=True))
    pair = agreement["agreement"][0]
    assert pair["reviewers"] == "AB and JS" and pair["n"] == 5 and pair["agreement"] == 0.6
    assert agreement["open_disagreements"] == 2
    assert [(r["stage"], r["decision"], r["reviewer"]) for r in team] == [("title_abstract", "include", "JS, AB")] * 2
    assert after["open_disagreements"] == 0 and after["agreement"][0]["agreement"] == 0.6  # votes kept as given
    assert states == {"awaiting full-text screening"}
    assert kappa_rows[1][:5] == ("title_abstract", "AB and JS", 5, 0.6, pytest.approx(pair["kappa"]))
