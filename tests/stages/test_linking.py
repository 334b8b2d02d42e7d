"""From include to study as worked steps: suggestions, the linking worksheet, `studies
add` / `studies new`, the extraction workbook and `extraction add`."""

import csv

import openpyxl
import pandas as pd
import pytest

from reviewflow.cli import main
from reviewflow.errors import ReviewflowError
from reviewflow.pipeline import load_config, run_review
from reviewflow.scaffold import add_search, init_review
from reviewflow.status import review_status
from reviewflow.studies.linking import StudyIndex, first_author, registrations
from reviewflow.study_commands import add_extraction, add_links

CONFIG = "config/demo.yaml"
RESULTS = "results/demo"


def test_registration_numbers_of_the_registries_are_found_and_written_one_way():
    text = "Registered at NCT01234567 (ISRCTN12345678); ACTRN12610000123456; EudraCT 2004-000446-20"
    assert registrations(text, "EUCTR2004-000446-20-GB and nct01234567") == {
        "NCT01234567",
        "ISRCTN12345678",
        "ACTRN12610000123456",
        "EUDRACT2004-000446-20",
    }
    assert registrations("2004-000446-20 alone, NCT123 too short") == set()  # a bare number names no registry


@pytest.mark.parametrize(
    ("authors", "surname"),
    [
        ("Smeets, RJEM; Vlaeyen, JW", "smeets"),
        ("Smeets RJEM", "smeets"),
        ("van der Heijden GJMG", "vanderheijden"),
        ("Nygren ÅL", "nygren"),
        ("Yancy WS Jr", "yancy"),
        ("López-Jiménez, F", "lopezjimenez"),
        ("", ""),
    ],
)
def test_first_author_surname_is_read_from_either_name_order(authors, surname):
    assert first_author(authors) == surname


def _citations(rows):
    columns = ["citation_id", "title", "authors", "year", "abstract", "extra", "keywords"]
    return pd.DataFrame([{**dict.fromkeys(columns, ""), **row} for row in rows], columns=columns)


def test_suggestions_come_strongest_sign_first_with_their_reason():
    known = _citations(
        [
            {"citation_id": "C1", "title": "Yoga for back pain: a trial", "authors": "Park, A", "year": "2010"},
            {"citation_id": "C2", "title": "Protocol", "authors": "Kim, B", "year": "2008", "abstract": "NCT00000001"},
            {"citation_id": "C3", "title": "Walking groups", "authors": "Lee, C", "year": "2012"},
        ]
    )
    links = pd.DataFrame({"study_id": ["park-2010", "kim-2008", "lee-2012"], "citation_id": ["C1", "C2", "C3"]})
    index = StudyIndex(links, known)
    new = {"title": "Yoga for back pain: two-year follow-up of a trial", "authors": "Lee, C", "year": "2012"}
    new["extra"] = "SI: ClinicalTrials.gov NCT00000001"
    offered = index.suggest(new)
    assert [(s.study_id, s.why.split(" (")[0]) for s in offered] == [
        ("kim-2008", "same trial registration NCT00000001"),
        ("lee-2012", "same first author and year"),
        ("park-2010", "similar title"),
    ]
    # signs of different kinds add up: the same first author and a similar title outrank the author alone
    both = index.suggest({"title": "Yoga for back pain: a trial, part two", "authors": "Park, A", "year": "2015"})
    assert [s.study_id for s in both] == ["park-2010"]
    assert both[0].why == "same first author (Park); similar title (88%): Yoga for back pain: a trial"
    assert index.suggest({"title": "Something else entirely", "authors": "Nobody, N", "year": "1999"}) == []


@pytest.fixture
def review(tmp_path):
    """A new review whose three citations are included at full text; one is linked to a
    study with arms, the other two are not linked yet."""
    init_review("demo", "Demo", "rob2", root=tmp_path)
    export = tmp_path / "medline.ris"
    records = [
        ("Exercise for knee pain: a randomised trial", "Able, A", "2019", "Trial registration: NCT01111111."),
        ("Exercise for knee pain: one-year results of a randomised trial", "Able, A", "2020", "NCT01111111"),
        ("Acupuncture for neck pain", "Baker, B", "2021", "A pragmatic trial."),
    ]
    export.write_text(
        "".join(f"TY  - JOUR\nTI  - {t}\nAU  - {a}\nPY  - {y}\nAB  - {ab}\nER  - \n\n" for t, a, y, ab in records)
    )
    add_search(str(tmp_path / CONFIG), "2024-01-01", "2024-01-01", [str(export)], None)
    run_review(str(tmp_path / CONFIG), until="dedup")
    with open(f"{tmp_path}/{RESULTS}/dedup/citations.csv", newline="", encoding="utf-8") as handle:
        ids = {row["title"]: row["citation_id"] for row in csv.DictReader(handle)}
    first, second, third = (ids[r[0]] for r in records)
    sheet = tmp_path / "resources/demo/screening.csv"
    with open(sheet, "a", encoding="utf-8") as handle:
        for citation in (first, second, third):
            handle.write(f"{citation},title_abstract,include,,,,\n{citation},full_text,include,,,,\n")
    with open(tmp_path / "resources/demo/studies.csv", "a", encoding="utf-8") as handle:
        handle.write("able-2019,Able 2019,RCT" + "," * (len(handle_header("studies.csv", tmp_path)) - 3) + "\n")
    with open(tmp_path / "resources/demo/publications.csv", "a", encoding="utf-8") as handle:
        handle.write(f"able-2019,{first},yes,,\n")
    with open(tmp_path / "resources/demo/arms.csv", "a", encoding="utf-8") as handle:
        width = len(handle_header("arms.csv", tmp_path))
        handle.write("able-2019,A,Exercise,intervention" + "," * (width - 4) + "\n")
        handle.write("able-2019,B,Control,control" + "," * (width - 4) + "\n")
    run_review(str(tmp_path / CONFIG), until="studies")
    return {"first": first, "second": second, "third": third}


def handle_header(name: str, tmp_path) -> list[str]:
    with open(tmp_path / f"resources/demo/{name}", newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def _rows(path: str, sheet: str | None = None) -> tuple[openpyxl.Workbook, list[str], dict[str, int]]:
    workbook = openpyxl.load_workbook(path)
    table = workbook[sheet] if sheet else workbook.worksheets[0]
    header = [c.value for c in table[1]]
    rows = {table.cell(row=r, column=1).value: r for r in range(2, table.max_row + 1)}
    return workbook, header, rows


def _set(path, sheet, row, values):
    workbook = openpyxl.load_workbook(path)
    table = workbook[sheet]
    header = [c.value for c in table[1]]
    for column, value in values.items():
        table.cell(row=row, column=header.index(column) + 1, value=value)
    workbook.save(path)


def test_unlinked_includes_wait_with_suggestions_and_become_studies_by_two_commands(review, tmp_path):
    awaiting = pd.read_csv(f"{tmp_path}/{RESULTS}/studies/awaiting.csv", dtype=str)
    assert sorted(awaiting["id"]) == sorted([review["second"], review["third"]])
    assert set(awaiting["state"]) == {"awaiting linking to a study"}
    worksheet = f"{tmp_path}/{RESULTS}/studies/to_link.xlsx"
    _, header, rows = _rows(worksheet)
    table = openpyxl.load_workbook(worksheet)["to link"]
    second = {h: table.cell(row=rows[review["second"]], column=i + 1).value for i, h in enumerate(header)}
    assert second["suggested_1"] == "able-2019"
    assert second["why_1"].startswith("same trial registration NCT01111111; same first author (Able)")
    assert second["registrations"] == "NCT01111111"
    third = {h: table.cell(row=rows[review["third"]], column=i + 1).value for i, h in enumerate(header)}
    assert third["suggested_1"] is None  # nothing points anywhere: a new study
    assert "Studies: 1 study in the registry; 2 included citations awaiting linking" in review_status(
        load_config(str(tmp_path / CONFIG)), CONFIG
    )

    _set(worksheet, "to link", rows[review["second"]], {"link_to": "able-2019"})
    _set(worksheet, "to link", rows[review["third"]], {"link_to": "new study", "new_study_id": "baker-2021"})
    with pytest.raises(ReviewflowError, match=r"to_link.xlsx, row \d, column 'design': '' is not a design"):
        add_links(load_config(str(tmp_path / CONFIG)), worksheet)
    _set(worksheet, "to link", rows[review["third"]], {"design": "rct"})
    before = open(tmp_path / "resources/demo/publications.csv", encoding="utf-8").read()
    with pytest.raises(ReviewflowError, match="holds 2 typed rows not yet in .*resources/demo/publications.csv"):
        run_review(str(tmp_path / CONFIG), until="studies")  # typed, not added: the run stops before writing anything
    assert main(["studies", "add", str(tmp_path / CONFIG), worksheet]) == 0
    after = pd.read_csv(tmp_path / "resources/demo/publications.csv", dtype=str, keep_default_na=False)
    assert after.iloc[:, :3].values.tolist()[-2:] == [
        ["able-2019", review["second"], "no"],
        ["baker-2021", review["third"], "yes"],
    ]
    assert open(tmp_path / "resources/demo/publications.csv", encoding="utf-8").read().startswith(before)
    registry = pd.read_csv(tmp_path / "resources/demo/studies.csv", dtype=str, keep_default_na=False)
    assert registry[["study_id", "label", "design"]].values.tolist()[-1] == ["baker-2021", "Baker 2021", "RCT"]
    with pytest.raises(ReviewflowError, match="is already linked to a study"):
        add_links(load_config(str(tmp_path / CONFIG)), worksheet)  # the same worksheet twice adds nothing

    run_review(str(tmp_path / CONFIG), until="studies")
    awaiting = pd.read_csv(f"{tmp_path}/{RESULTS}/studies/awaiting.csv", dtype=str)
    assert awaiting.values.tolist() == [["study", "baker-2021", "awaiting extraction", "Baker 2021"]]
    workbook = f"{tmp_path}/{RESULTS}/studies/to_extract.xlsx"
    _, header, rows = _rows(workbook, "arms")
    assert header[:4] == ["study_id", "arm", "name", "arm_type"]
    _set(workbook, "arms", 2, {"name": "Acupuncture", "arm_type": "intervention", "n_randomised": 40})
    _set(workbook, "arms", 3, {"name": "Sham", "arm_type": "control", "n_randomised": 41})
    result = {"study_id": "baker-2021", "domain": "primary outcome", "measure": "NRS (0-10)", "timepoint": "6 weeks"}
    _set(workbook, "outcomes", 2, {**result, "arms": "A", "result": "3.0 (1.0)", "mean": 3, "sd": 1})
    _set(workbook, "outcomes", 3, {**result, "arms": "C", "result": "4.0 (1.2)", "mean": 4, "sd": 1.2})
    with pytest.raises(
        ReviewflowError, match=r"\(sheet outcomes\), row 3, column 'arms': study 'baker-2021' has no arm C"
    ):
        add_extraction(load_config(str(tmp_path / CONFIG)), workbook)
    _set(workbook, "outcomes", 3, {"arms": "B"})
    assert main(["extraction", "add", str(tmp_path / CONFIG), workbook]) == 0
    with pytest.raises(ReviewflowError, match="has arms in .*resources/demo/arms.csv already"):
        add_extraction(load_config(str(tmp_path / CONFIG)), workbook)
    run_review(str(tmp_path / CONFIG), until="studies")
    assert pd.read_csv(f"{tmp_path}/{RESULTS}/studies/awaiting.csv", dtype=str).empty
    evidence = pd.read_csv(f"{tmp_path}/{RESULTS}/studies/evidence_rows.csv", dtype=str)
    assert "baker-2021" in set(evidence["study_id"])


def test_studies_new_makes_one_study_with_its_publication_and_refuses_bad_requests(review, capsys, tmp_path):
    assert (
        main(["studies", "new", str(tmp_path / CONFIG), "baker-2021", "--citation", review["third"], "--design", "RCT"])
        == 0
    )
    assert (
        main(["studies", "new", str(tmp_path / CONFIG), "able-2019", "--citation", review["second"], "--design", "RCT"])
        == 1
    )
    assert "study 'able-2019' exists already; choose it in link_to instead" in capsys.readouterr().err
    assert (
        main(["studies", "new", str(tmp_path / CONFIG), "Bad Id", "--citation", review["second"], "--design", "RCT"])
        == 1
    )
    assert "'Bad Id' is not a study id" in capsys.readouterr().err
    assert (
        main(["studies", "new", str(tmp_path / CONFIG), "x-2020", "--citation", "C0000000000000000", "--design", "RCT"])
        == 1
    )
    assert "'C0000000000000000' names no known citation" in capsys.readouterr().err
    registry = pd.read_csv(tmp_path / "resources/demo/studies.csv", dtype=str, keep_default_na=False)
    assert list(registry["study_id"]) == ["able-2019", "baker-2021"]
