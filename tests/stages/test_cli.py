import csv

import pytest

from reviewflow.cli import main


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_ingest_then_dedup_from_the_command_line(fixtures, tmp_path):
    records = tmp_path / "records.csv"
    exports = [str(fixtures / name) for name in ("pubmed.nbib", "ovid_psycinfo.ris", "ebsco_cinahl.ris")]
    assert main(["ingest", *exports, "-o", str(records)]) == 0
    rows = read(records)
    assert (
        len(rows) == 6
        and rows[0]["source"] == "pubmed"
        and rows[0]["authors"] == "Tester, Anna B; van der Beispiel, Carl"
    )
    clusters = tmp_path / "clusters.csv"
    assert main(["dedup", str(records), "-o", str(clusters)]) == 0
    out = read(clusters)
    assert [r["record_id"] for r in out] == [r["record_id"] for r in rows]
    same = {r["cluster_id"] for r in out[:1]} | {out[2]["cluster_id"], out[4]["cluster_id"]}
    assert len(same) == 1  # the one trial exported by three databases is one citation
    assert len({r["cluster_id"] for r in out}) == 4


def test_dedup_accepts_other_tools_id_column(tmp_path):
    source = tmp_path / "other.csv"
    source.write_text(
        "ID,title,year,doi,author,journal,volume,number,pages\n"
        "1,Alpha trial of pain,2001,10.1/A,Able A and Baker B,Pain,5,2,10-19\n"
        '2,Alpha trial of pain!,2001,,"Able, A. and Baker, B.",Pain,5,2,10\n'
        "3,Alpha trial of pain,2001,https://doi.org/10.1/a,,,,,\n"
        "4,Alpha trial of pain,2001,,Able A and Baker B,Pain,5,3,120-129\n",
        encoding="utf-8",
    )
    assert main(["dedup", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    out = read(tmp_path / "out.csv")
    assert (
        out[0]["cluster_id"] == out[1]["cluster_id"] == out[2]["cluster_id"]
    )  # details agree; the DOI in two spellings
    assert out[3]["cluster_id"] != out[0]["cluster_id"]  # another issue and other pages: not the same article


def test_errors_exit_non_zero_with_one_line_and_no_output(fixtures, tmp_path, capsys):
    output = tmp_path / "records.csv"
    assert main(["ingest", str(fixtures / "pubmed.nbib"), str(fixtures / "truncated.ris"), "-o", str(output)]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error[-1].startswith("reviewflow: ") and "truncated.ris, record 1 (line 1)" in error[-1]
    assert not output.exists()


def test_check_config_reports_valid_file(capsys):
    from helpers import ROOT

    assert main(["check-config", str(ROOT / "config" / "ipmp.yaml")]) == 0
    assert "valid" in capsys.readouterr().out


def test_check_config_reports_every_problem_of_config_and_sheets_at_once(tmp_path, monkeypatch, capsys):
    from helpers import copy_inputs, reviewflow_lines

    project = copy_inputs(tmp_path)
    rob = project / "resources" / "ipmp" / "rob.csv"
    rob.write_text(rob.read_text().replace("abbasi-2012,Poor", "abbasi-2012,Terrible"))
    screening = project / "resources" / "ipmp" / "screening.csv"
    lines = screening.read_text().splitlines()
    lines[1] = lines[1].replace("title_abstract", "abstract", 1)
    screening.write_text("\n".join(lines) + "\n")
    assert main(["check-config", str(project / "config/ipmp.yaml")]) == 1
    errors = reviewflow_lines(project, capsys.readouterr().err)
    assert "screening.csv, row 2, column 'stage'" in errors[0] and "rob.csv, row 2, column 'overall'" in errors[-1]
    # between them, what follows from the first: its citation is no longer included
    assert [e.split(",")[0] for e in errors] == [
        "reviewflow: resources/ipmp/screening.csv",
        "reviewflow: resources/ipmp/publications.csv",
        "reviewflow: resources/ipmp/rob.csv",
    ]


def test_check_config_lists_every_cross_sheet_problem_a_run_would_meet_and_writes_nothing(
    tmp_path, monkeypatch, capsys
):
    """An unknown citation id, a misspelt exclusion reason and an arm of a study the registry
    lacks: a run would stop at the first; check-config names all three, in file order."""
    from helpers import copy_inputs, reviewflow_lines

    project = copy_inputs(tmp_path)
    sheets = project / "resources" / "ipmp"
    screening = sheets / "screening.csv"
    text = screening.read_text().replace(",exclude,ineligible population,", ",exclude,inelligible population,", 1)
    screening.write_text(text + "C0123456789abcdef,title_abstract,exclude,,,,,,\n")
    arms = sheets / "arms.csv"
    arms.write_text(arms.read_text() + "nobody-2020,A,Programme,CPMP,,,,,,10,,,\n")
    before = {p: p.read_bytes() for p in sheets.rglob("*") if p.is_file()}
    assert main(["check-config", str(project / "config/ipmp.yaml")]) == 1
    errors = reviewflow_lines(project, capsys.readouterr().err)
    reason_row = text.splitlines().index(next(line for line in text.splitlines() if "inelligible" in line)) + 1
    assert [e.split(": ", 2)[1] for e in errors] == [
        f"resources/ipmp/screening.csv, row {reason_row}, column 'reason'",
        f"resources/ipmp/screening.csv, row {len(text.splitlines()) + 1}, column 'citation'",
        f"resources/ipmp/arms.csv, row {len(arms.read_text().splitlines())}, column 'study_id'",
    ]
    assert "'inelligible population' is not a configured exclusion reason" in errors[0]
    assert "'C0123456789abcdef' names no known citation; a record's id rests on" in errors[1]
    assert "reviewflow search rename" in errors[1]
    assert "study 'nobody-2020' is not in the study registry" in errors[2]
    assert {p: p.read_bytes() for p in sheets.rglob("*") if p.is_file()} == before
    assert not (project / "results").exists()  # checked in a folder of its own


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            "uses a YAML alias at line 2",
        ),
        ("review:\n  id: a\nreview:\n  id: b\n", "line 3: key 'review' appears twice"),
        ("review:\n\tid: a\n", "is not valid YAML (line 2:"),
        ("- just\n- a list\n", "is not a YAML mapping"),
    ],
)
def test_a_bad_config_file_is_one_line_and_fast(tmp_path, capsys, text, message):
    import time

    config = tmp_path / "review.yaml"
    config.write_text(text)
    started = time.perf_counter()
    assert main(["check-config", str(config)]) == 1
    assert time.perf_counter() - started < 1  # a 'billion laughs' is refused, not expanded
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"reviewflow: {config}: ") and message in error and "\n" not in error


def _queue(path, rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return str(path)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty queue", "is empty; expected the review queue's header row"),
        ("to an xlsx", "--to must name the decisions CSV sheet"),
        ("to a folder", "--to must name the decisions CSV sheet"),
        ("changed decision", "says 'different' but"),
    ],
)
def test_dedup_add_refuses_in_one_line_and_writes_nothing(tmp_path, capsys, case, message):
    sheet = tmp_path / "dedup_decisions.csv"
    sheet.write_text("record_a,record_b,decision,reviewer,note\nR1,R2,same,A,first\n")
    header = ["record_a", "record_b", "decision", "reviewer", "note"]
    queue = _queue(
        tmp_path / "queue.xlsx", [] if case == "empty queue" else [header, ["R2", "R1", "different", "B", ""]]
    )
    target = {"to an xlsx": tmp_path / "sheet.xlsx", "to a folder": tmp_path}.get(case, sheet)
    assert main(["dedup-add", queue, "--to", str(target)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("reviewflow: ") and message in error and "\n" not in error
    assert sheet.read_text() == "record_a,record_b,decision,reviewer,note\nR1,R2,same,A,first\n"


def test_dedup_add_keeps_the_note_and_a_sheet_without_final_newline(tmp_path):
    sheet = tmp_path / "dedup_decisions.csv"
    sheet.write_text("record_a,record_b,decision,reviewer,note\nR1,R2,same,A,first")
    header = ["record_a", "record_b", "decision", "reviewer", "note"]
    queue = _queue(tmp_path / "queue.xlsx", [header, ["R3", "R4", "different", "B", "two trials"], header[:0]])
    assert main(["dedup-add", queue, "--to", str(sheet)]) == 0
    assert sheet.read_text().splitlines() == [",".join(header), "R1,R2,same,A,first", "R3,R4,different,B,two trials"]


def test_export_and_rob_check_bad_files_are_one_line(tmp_path, capsys):
    latin = tmp_path / "library.csv"
    latin.write_bytes("citation_id,title\nC1,Caf\u00e9\n".encode("cp1252"))
    assert main(["export", str(latin), "-o", str(tmp_path / "out.ris")]) == 1
    assert "library.csv: is not UTF-8 text" in capsys.readouterr().err
    utf8 = tmp_path / "ok.csv"
    utf8.write_text("citation_id,title\nC1,A title\n")
    assert main(["export", str(utf8), "-o", str(tmp_path / "new" / "folder" / "out.ris")]) == 0  # folder made
    table = tmp_path / "robvis.csv"
    table.write_text("Study,Overall\nS1,Low\n")
    tool = tmp_path / "tool.yaml"
    tool.write_bytes("id: mine\nname: Qualit\u00e9\n".encode("cp1252"))
    assert main(["rob", "check", "--tool", str(tool), str(table), "-o", str(tmp_path / "o.csv")]) == 1
    assert "tool.yaml: is not UTF-8 text" in capsys.readouterr().err
    tool.write_text("id: [unclosed\n")
    assert main(["rob", "check", "--tool", str(tool), str(table), "-o", str(tmp_path / "o.csv")]) == 1
    error = capsys.readouterr().err.strip()
    assert "tool.yaml: is not valid YAML" in error and "\n" not in error
