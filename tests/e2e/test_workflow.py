"""End to end: the real Snakemake workflow on the embedded review, in a temporary copy."""

import csv
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from helpers import copy_built, copy_project, snakemake
from pypdf import PdfReader

REVIEW = "resources/ipmp"
RESULTS = "results/ipmp"
# Targets short of the report, for tests that look at the flow or dedup only (no PDF to render).
FLOW = (f"{RESULTS}/prisma/prisma.json", f"{RESULTS}/screening/to_screen_title_abstract.xlsx")
DEDUP = (f"{RESULTS}/dedup/clusters.xlsx", f"{RESULTS}/dedup/review_queue.xlsx")


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def run(built):
    """The embedded review, run once per test session; read it, do not change it."""
    return built


@pytest.fixture
def project(built, tmp_path):
    """A copy of the run (results and Snakemake's records included) that a test may change:
    Snakemake reruns only what the change affects."""
    return copy_built(built, tmp_path / "project")


@pytest.fixture(scope="module")
def pdf_pages(built):
    """The PDF's text, extracted once: a string per page, whitespace folded."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(built / RESULTS / "report.pdf").pages]


def test_pdf_names_every_study_and_publication(run, pdf_pages):
    text = re.sub(r"-\s+", "-", " ".join(pdf_pages))  # line-end hyphens
    for study in rows(run / REVIEW / "studies.csv"):
        assert study["label"] in text
    for citation in rows(run / RESULTS / "studies" / "publications.csv"):
        assert re.sub(r"-\s+", "-", " ".join(citation["title"].rstrip(".").split())) in text
    assert 40 <= len(pdf_pages) <= 175  # with the after-pooling tables and plots of the pooled analyses
    for kq in ("KQ1", "KQ2"):
        assert f"{kq}: risk of bias" in text and f"{kq}: strength of evidence" in text
    assert "Strength of evidence" in text and "Small improvement with the program" in text
    assert (
        "VAS pain in the last week (0-10)" in text and "Swedish origin 67%" in text
    )  # Appendix B values, with their source
    assert re.search(r"Page 3 of \d+", text)


def test_pdf_is_tagged_for_readers(run, pdf_pages):
    reader = PdfReader(run / RESULTS / "report.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and reader.metadata.title.startswith("Integrated and Comprehensive Pain Management")
    fonts = [
        font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
        if "/DescendantFonts" in font.get_object()
    ]
    assert fonts and all(
        "/FontFile2" in f or "/FontFile3" in f or "/FontFile" in f for f in fonts
    )  # every font embedded
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {
        "Structured abstract",
        "Methods",
        "Flow of citations",
        "KQ1: evidence",
        "KQ2: evidence",
        "References",
    } <= set(titles)
    pages = pdf_pages
    flow_pages = [i for i, text in enumerate(pages) if "The counts of the diagram" in text or "Box Count" in text]
    assert len([i for i in flow_pages if "Box Count" in pages[i]]) >= 2  # the header row repeats on the next page


def test_each_study_sits_in_the_tables_of_its_key_questions(run, pdf_pages):
    pages = pdf_pages
    evidence = rows(run / RESULTS / "studies" / "evidence_rows.csv")
    short = lambda label: re.match(r"^.*?\d{4}", label).group(0)  # noqa: E731  'Kool 2005, 2007' -> 'Kool 2005'
    labels = {kq: {short(r["label"]) for r in evidence if r["kq"] == kq} for kq in ("KQ1", "KQ2")}
    for kq in labels:
        chapter = " ".join(p for p in pages if f"{kq}: evidence" in p)  # the running header names the chapter
        assert all(label in chapter for label in labels[kq]), kq
        elsewhere = set.union(*(v for k, v in labels.items() if k != kq)) - labels[kq]
        assert elsewhere and not any(label in chapter for label in elsewhere), kq


def test_html_is_self_contained_with_labelled_figures(run):
    html = (run / RESULTS / "report.html").read_text()
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 7 and all("aria-label" in tag or "aria-labelledby" in tag for tag in svgs)
    assert not re.search(
        r'(src|href)="(https?:)?//(?!doi\.org|pubmed\.ncbi\.nlm\.nih\.gov)', html
    )  # only reference links leave the file


def headless_chromium(page: Path, profile: Path) -> subprocess.CompletedProcess:
    """The page opened in Debian's Chromium with no network, its DOM after scripts ran."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium package is not installed on this machine")
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_html_runs_in_headless_chromium_without_console_messages(run, tmp_path):
    done = headless_chromium(run / RESULTS / "report.html", tmp_path)
    assert [line for line in done.stderr.splitlines() if ":CONSOLE" in line] == []
    assert done.stdout.count('class="table-filter"') == done.stdout.count('class="data evidence"') > 0  # the script ran


# Run in the browser after the report's own script: press the "Pain duration" sort button
# of the first evidence table as a keyboard user would reach it, then filter the rows.
BROWSER_PROBE = """<script>
window.addEventListener("load", function () {
  var table = document.querySelector("table.data.evidence"), heads = table.tHead.rows[0].cells, at = -1;
  for (var i = 0; i < heads.length; i++) { if (/Pain duration/.test(heads[i].textContent)) { at = i; } }
  var button = heads[at].querySelector("button"), out = {};
  button.focus();
  out.focused = document.activeElement === button;
  button.click();
  out.ascending = heads[at].getAttribute("aria-sort");
  out.durations = Array.prototype.map.call(table.tBodies[0].rows, function (r) {
    return r.cells[at].textContent.trim();
  });
  button.click();
  out.descending = heads[at].getAttribute("aria-sort");
  out.sticky = getComputedStyle(heads[0]).position;
  var filter = table.previousElementSibling;
  filter.value = "Iran";
  filter.dispatchEvent(new Event("input"));
  out.shown = Array.prototype.filter.call(table.tBodies[0].rows, function (r) {
    return r.style.display !== "none";
  }).length;
  out.rows = table.tBodies[0].rows.length;
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def test_html_tables_sort_by_keyboard_and_by_duration_in_a_real_browser(run, tmp_path):
    page = tmp_path / "report.html"
    page.write_text((run / RESULTS / "report.html").read_text().replace("</body>", BROWSER_PROBE + "</body>"))
    done = headless_chromium(page, tmp_path / "profile")
    probe = json.loads(html.unescape(re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S).group(1)))
    assert probe["focused"] and probe["ascending"] == "ascending" and probe["descending"] == "descending"
    days = {"week": 7, "month": 30.44, "year": 365.25}
    found = [re.match(r"(\d+(?:\.\d+)?) (week|month|year)", text) for text in probe["durations"]]
    lengths = [float(m.group(1)) * days[m.group(2)] for m in found if m]
    assert len(lengths) >= 10 and {m.group(2) for m in found if m} >= {"week", "month"}
    assert lengths == sorted(lengths)  # "8 months" after "10 weeks"
    assert probe["sticky"] == "sticky"
    assert 0 < probe["shown"] < probe["rows"]  # the filter hides the rows without "Iran"


def test_snakemake_report_holds_the_main_outputs(project, tmp_path):
    import zipfile

    done = snakemake(project, "--report", str(tmp_path / "report.zip"))
    assert done.returncode == 0, done.stderr[-2000:]
    names = zipfile.ZipFile(tmp_path / "report.zip").namelist()
    assert any(n.endswith("report.pdf") for n in names) and any(n.endswith("prisma.svg") for n in names)


def test_the_whole_review_is_embedded(run):
    """All 79 publications of the review's list, grouped into its 57 trials, every trial
    mapped to a key question or listed with the reason it is not."""
    published = rows(run / RESULTS / "studies" / "publications.csv")
    studies = rows(run / RESULTS / "studies" / "studies.csv")
    assert (len(published), len(studies)) == (79, 57)
    by_study = {}
    for row in published:
        by_study.setdefault(row["study_id"], []).append(row["year"])
    assert sorted(by_study["bendix-project-b"]) == [
        "1995",
        "1997",
        "1998",
        "1998",
    ]  # follow-ups: one trial, four reports
    matrix = {r["study_id"]: r for r in rows(run / RESULTS / "studies" / "kq_matrix.csv")}
    assert set(matrix) == {s["study_id"] for s in studies}
    assert all(r["mapped"] == "yes" or r["unmapped_reason"] for r in matrix.values())
    assert matrix["rothman-2013"]["overrides"].startswith("KQ1 excluded (all comparisons)")


def _evidence_rows_html(html: str) -> dict[tuple[str, str], str]:
    """Each evidence-table row of the HTML by (study label, comparison)."""
    found = {}
    for table in re.findall(r'<table class="data evidence">(.*?)</table>', html, re.S):
        for row in re.findall(r"<tr(?: class=\"ill-row\")?>(.*?)</tr>", table, re.S)[1:]:
            label = re.search(
                r'<td class="c-study">(.*?)(?:<sup class="ill"[^>]*>.</sup>)? <span class="refs">', row
            ).group(1)
            comparison = re.search(r'<span class="small">([A-Z] vs [A-Z])</span>', row).group(1)
            found.setdefault((label, comparison), row)
    return found


def test_every_illustrative_value_is_marked_and_sourced_values_are_not(run):
    html = (run / RESULTS / "report.html").read_text(encoding="utf-8")
    cells = _evidence_rows_html(html)
    dagger = 'class="ill"'
    # Abbasi 2012, A vs C: every value from the review's Table B-5 except the arms' components (not shown here)
    abbasi = re.findall(r"<td[^>]*>(.*?)</td>", cells[("Abbasi 2012", "A vs C")], re.S)
    outcomes = [c for c in abbasi if "RMDQ" in c or "VAS pain" in c]
    assert outcomes and all(dagger not in c for c in outcomes)
    # An invented trial: its row is shaded and marked once, by the study, not on each value
    row = re.search(r'<tr class="ill-row">\s*<td class="c-study">Ahlmen 1988<sup class="ill".*?</tr>', html, re.S)
    assert row and row.group(0).count(dagger) == 1
    # ... and so is each of its arms in Appendix A; a sourced arm marks only its invented values
    arms = html.split("<h3>Arms of each study</h3>")[1].split("</table>")[0]
    invented_arm = re.search(r'<tr class="ill-row">\s*<td class="c-study">Ahlmen 1988</td>.*?</tr>', arms, re.S)
    assert invented_arm and invented_arm.group(0).count(dagger) == 1
    sourced_arm = re.search(r'<tr>\s*<td class="c-study">Abbasi 2012</td>.*?</tr>', arms, re.S)
    assert sourced_arm.group(0).count(dagger) == 2  # components and care provision (Table B-5 gives the rest)
    # a mixed row (sourced outcomes, invented arm details) keeps a mark on each invented value
    martin = re.findall(r"<td[^>]*>(.*?)</td>", cells[("Martin 2014a, 2014b, 2014c", "A vs B")], re.S)
    assert dagger in martin[1] and dagger in martin[3] and dagger not in martin[0]  # country, arm Ns; not the label
    assert "Illustrative values" in html and "not from a public source" in html
    assert "(the sum includes illustrative sample sizes)" in html  # a total of invented Ns is marked too


def test_study_by_kq_matrix_in_the_report_matches_the_mapping(run):
    html = (run / RESULTS / "report.html").read_text(encoding="utf-8")
    appendix = html.split('id="appendix-studies"')[1].split("</table>")[0]
    for row in rows(run / RESULTS / "studies" / "kq_matrix.csv"):
        trs = re.findall(r"<tr[^>]*>(.*?)</tr>", appendix, re.S)
        tr = next(t for t in trs if re.search(rf">{re.escape(row['label'])}(?:<sup[^>]*>.</sup>)? <", t))
        cells = re.findall(r'<td class="mark">(.*?)</td>', tr)
        marks = [re.sub(r"<[^>]+>", "", re.sub(r'<span class="sr-only">.*?</span>', "", m)) for m in cells]
        assert all("sr-only" in m for m in cells if m)  # the mark has a text alternative
        assert marks == ["\u25cf" if row[kq] != "0" else "" for kq in ("KQ1", "KQ2")], row["study_id"]


def test_every_included_publication_sits_under_its_study(run):
    linked = {(r["study_id"]) for r in rows(run / REVIEW / "publications.csv")}
    published = rows(run / RESULTS / "studies" / "publications.csv")
    assert len(published) == len(rows(run / REVIEW / "publications.csv"))
    assert {r["study_id"] for r in published} == linked == {r["study_id"] for r in rows(run / REVIEW / "studies.csv")}


def test_workbook_holds_one_row_per_evidence_row_per_kq(run):
    workbook = openpyxl.load_workbook(run / RESULTS / "evidence_tables.xlsx")
    evidence = rows(run / RESULTS / "studies" / "evidence_rows.csv")
    for kq in ("KQ1", "KQ2"):
        expected = [(r["study_id"], r["comparison_id"]) for r in evidence if r["kq"] == kq]
        sheet = workbook[kq]
        found = [(row[3], row[4]) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert found == expected and expected
    assert ("bendix-project-b", "A vs B") in [(r["study_id"], r["comparison_id"]) for r in evidence if r["kq"] == "KQ2"]


def test_flow_counts_match_the_inputs(run):
    import json

    counts = json.loads((run / RESULTS / "prisma" / "prisma.json").read_text())
    exports = [p for p in (run / REVIEW / "searches").rglob("*") if p.suffix in (".ris", ".nbib")]
    in_files = sum(len(re.findall(r"^(?:TY  - |PMID- )", p.read_text(encoding="utf-8-sig"), re.M)) for p in exports)
    assert sum(b["records"] for b in counts["batches"]) == in_files
    assert counts["prisma"]["total_reports"] == len(rows(run / REVIEW / "publications.csv"))
    assert counts["prisma"]["total_studies"] == len(rows(run / REVIEW / "studies.csv"))
    svg = (run / RESULTS / "prisma" / "prisma.svg").read_text()
    assert f"Total studies included in review (n\u00a0=\u00a0{counts['prisma']['total_studies']})" in svg
    html = (run / RESULTS / "report.html").read_text()
    assert "<link" not in html and 'src="http' not in html  # self-contained
    assert "built-in method" not in html and "object at 0x" not in html  # no Python object leaked into text
    assert svg.split("</title>")[1][:200] in html  # the diagram is inline


def test_warm_run_does_nothing(run):
    """(Two fresh runs giving identical bytes is `make verify`'s check, which CI runs.)"""
    assert "Nothing to be done" in snakemake(run, "--dry-run").stdout


def test_editing_the_rob_sheet_reruns_only_rob_synthesis_changes_and_report(project):
    sheet = project / REVIEW / "rob.csv"
    sheet.write_text(sheet.read_text().replace("abbasi-2012,Poor", "abbasi-2012,Poor "), encoding="utf-8")
    planned = snakemake(project, "--dry-run", "--quiet", "rules").stdout
    jobs = set(re.findall(r"^(\w+)\s+\d+$", planned, re.M)) - {"total", "all"}
    expected = {"rob", "synthesis", "changes", "report_context", "report_html", "report_pdf", "report_workbook"}
    assert jobs == expected | {"provenance", "manifest"}  # synthesis and changes read the RoB table


def test_bad_sheet_fails_with_one_line_and_leaves_no_partial_output(tmp_path):
    project = copy_project(tmp_path)
    sheet = project / REVIEW / "rob.csv"
    sheet.write_text(sheet.read_text().replace("alaranta-1994,Fair", "alaranta-1994,Moderate"), encoding="utf-8")
    done = snakemake(project)
    assert done.returncode != 0
    said = (
        f"reviewflow: {REVIEW}/rob.csv, row 4, column 'overall': 'Moderate' is not allowed; allowed: Good, Fair, Poor"
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("reviewflow: ")]
    assert lines == [said, said]  # the step's own line, then the run's closing summary
    closing = done.stderr.splitlines()
    at = len(closing) - 1 - closing[::-1].index(said)
    assert closing[at + 1] == "  (step rob; log: logs/ipmp/rob.log)" and closing[at + 2].startswith("what to do: fix")
    assert not (project / RESULTS / "rob").exists() or not any((project / RESULTS / "rob").iterdir())
    assert not (project / RESULTS / "report.pdf").exists()


def test_malformed_record_stops_the_run_or_is_set_aside_and_counted(project):
    export = project / REVIEW / "searches" / "2020-09-23" / "cinahl.ris"
    cut = "record has no end-of-record (ER) line; the file may be truncated"
    export.write_bytes(export.read_bytes() + b"TY  - JOUR\r\nTI  - Cut off\r\nPY  - 2020\r\n")
    stopped = snakemake(project)
    assert stopped.returncode != 0
    assert f"reviewflow: {REVIEW}/searches/2020-09-23/cinahl.ris, record 38 (line " in stopped.stderr
    assert f"): {cut}" in stopped.stderr
    skipped = snakemake(project, *FLOW, "--config", "ingest={'on_error': 'skip'}")
    assert skipped.returncode == 0, skipped.stderr[-2000:]
    rejected = rows(project / RESULTS / "ingest" / "rejected.csv")
    assert [(r["file"], r["position"], r["reason"]) for r in rejected] == [("cinahl.ris", "38", cut)]
    import json

    batches = json.loads((project / RESULTS / "prisma" / "prisma.json").read_text())["batches"]
    cinahl = next(r for r in batches if r["file"] == "cinahl.ris")
    assert (cinahl["records"], cinahl["set_aside"]) == (38, 1)


def test_the_update_procedure_from_the_readme(project):
    """Add a batch folder, declare it, rerun: only its export is ingested, only its new
    citation is left to screen, and the filled worksheet goes back into the decisions."""
    import json

    import yaml

    from reviewflow.cli import main

    batch = project / REVIEW / "searches" / "2021-12-01"
    batch.mkdir()
    (batch / "medline.ris").write_text(
        "TY  - JOUR\nTI  - A new trial of a pain programme\nAU  - Newman, A\nPY  - 2021\nER  - \n\n"
        "TY  - JOUR\nTI  - Reboot Online: A Randomized Controlled Trial Comparing an Online Multidisciplinary "
        "Pain Management Program with Usual Care for Chronic Pain\n"
        "AU  - Smith, J\nPY  - 2019\nDO  - 10.1093/pm/pnz208\nDB  - Ovid MEDLINE\nER  - \n"
    )
    (batch / "strategy.txt").write_text("1 chronic pain.mp.\n")
    config_path = project / "config" / "ipmp.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["searches"].append(
        {
            "batch": "2021-12-01",
            "date_searched": "2021-12-01",
            "exports": [{"file": "medline.ris", "database": "Ovid MEDLINE", "strategy": "strategy.txt"}],
        }
    )
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    planned = snakemake(project, "--dry-run", "--quiet", "rules").stdout
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", planned, re.M))
    assert jobs.get("ingest") == "1"  # the new export only, not the nine earlier ones

    assert snakemake(project, *FLOW).returncode == 0
    worksheet = project / RESULTS / "screening" / "to_screen_title_abstract.xlsx"
    sheet = openpyxl.load_workbook(worksheet)["to screen"]
    header = [cell.value for cell in sheet[1]]
    todo = [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(row["title"], row["priority"]) for row in todo] == [("A new trial of a pain programme", 1)]
    prisma = json.loads((project / RESULTS / "prisma" / "prisma.json").read_text())["prisma"]
    assert (prisma["latest_batch"], prisma["screened"], prisma["screening"]["awaiting"]) == ("2021-12-01", 0, 1)
    assert prisma["removed_before_screening"]["duplicates_of_earlier_searches"] == 1

    workbook = openpyxl.load_workbook(worksheet)
    workbook["to screen"]["C2"] = "exclude"
    workbook.save(worksheet)
    assert main(["screening", "add", str(worksheet), "--to", str(project / REVIEW / "screening.csv")]) == 0
    assert snakemake(project, *FLOW).returncode == 0
    sheet = openpyxl.load_workbook(worksheet)["to screen"]
    assert sheet.max_row == 1  # nothing left to screen
    prisma = json.loads((project / RESULTS / "prisma" / "prisma.json").read_text())["prisma"]
    assert (prisma["screened"], prisma["screening"]["excluded"], prisma["screening"]["awaiting"]) == (1, 1, 0)
    assert prisma["total_studies"] == 57


def test_dedup_review_queue_round_trip_through_the_workflow(project):
    """Without the reviewer's decision the twice-exported invented record waits in the
    review queue as two citations; a 'same' in the queue, added with `reviewflow
    dedup-add`, merges them on the next run and empties the queue."""
    from reviewflow.cli import main

    sheet = project / REVIEW / "dedup_decisions.csv"
    sheet.write_text(sheet.read_text().splitlines()[0] + "\n", encoding="utf-8")
    assert snakemake(project, *DEDUP).returncode == 0
    before = len(rows(project / RESULTS / "dedup" / "citations.csv"))
    queue = project / RESULTS / "dedup" / "review_queue.xlsx"
    workbook = openpyxl.load_workbook(queue)
    table = workbook["review queue"]
    header = [c.value for c in table[1]]
    assert table.max_row == 2 and table.cell(row=2, column=header.index("title_a") + 1).value.startswith(
        "Illustrative record: a smartphone app"
    )
    table.cell(row=2, column=header.index("decision") + 1, value="same")
    workbook.save(queue)
    assert main(["dedup-add", str(queue), "--to", str(sheet)]) == 0
    assert snakemake(project, *DEDUP).returncode == 0
    assert len(rows(project / RESULTS / "dedup" / "citations.csv")) == before - 1
    assert openpyxl.load_workbook(queue)["review queue"].max_row == 1
    merges = openpyxl.load_workbook(project / RESULTS / "dedup" / "clusters.xlsx")["merges"]
    assert "reviewer: same" in [row[1] for row in merges.iter_rows(min_row=2, values_only=True)]


def test_undeclared_batch_folder_stops_before_any_job(tmp_path):
    project = copy_project(tmp_path)
    (project / REVIEW / "searches" / "2022-01-01").mkdir()
    done = snakemake(project)
    assert done.returncode != 0
    assert (
        f"reviewflow: config/ipmp.yaml: folder {REVIEW}/searches/2022-01-01 is not declared in the config"
        in done.stderr
    )
    assert not (project / "results").exists()


def test_slurm_profile_plans_one_ingest_job_per_export(tmp_path):
    import yaml

    project = copy_project(tmp_path)
    planned = snakemake(project, "--profile", "workflow/profiles/slurm", "--dry-run", "--quiet", "rules")
    assert planned.returncode == 0, planned.stderr[-2000:]
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", planned.stdout, re.M))
    config = yaml.safe_load((project / "config" / "ipmp.yaml").read_text())
    exports = sum(len(search["exports"]) for search in config["searches"])
    assert jobs["ingest"] == str(exports) and jobs["dedup"] == "1" and jobs["report_pdf"] == "1"


def test_no_figure_or_table_of_the_report_overflows_its_page(run):
    """Read from WeasyPrint's layout boxes: the KQ1 traffic light (47 studies) is drawn in
    page-sized parts, long evidence rows continue under a repeated header."""
    from reviewflow.report.render import overflowing_boxes

    assert overflowing_boxes((run / RESULTS / "report.html").read_text(encoding="utf-8")) == []


def test_every_number_in_every_workbook_is_a_number_and_identifiers_stay_text(run):
    """A spreadsheet user sums and sorts: no cell holds a number as text, but for identifier
    columns (a study id, PMID or DOI that looks like a number stays as it was written)."""
    from reviewflow.xlsx import IDENTIFIERS, NUMBER

    skipped = {"Read me", "allowed", "about this order", "domains"}
    as_text, books = [], sorted((run / RESULTS).rglob("*.xlsx"))
    assert len(books) >= 8
    for book in books:
        workbook = openpyxl.load_workbook(book)
        for sheet in workbook.worksheets:
            if sheet.title in skipped or sheet.sheet_state == "hidden":
                continue
            header = [str(c.value or "").strip().lower().replace(" ", "_") for c in sheet[1]]
            for row in sheet.iter_rows(min_row=2):
                for name, cell in zip(header, row):
                    base = name[:-2] if name.endswith(("_a", "_b")) else name
                    if isinstance(cell.value, str) and NUMBER.fullmatch(cell.value) and base not in IDENTIFIERS:
                        as_text.append(f"{book.name}/{sheet.title}/{name}")
    assert as_text == [], sorted(set(as_text))[:10]
    merges = openpyxl.load_workbook(run / RESULTS / "dedup" / "clusters.xlsx")["merges"]
    header = [c.value for c in merges[1]]
    first = [c.value for c in merges[2]]
    assert isinstance(first[header.index("title_similarity")], int | float)  # 1.000 reads back as 1
    assert isinstance(first[header.index("year_a")], int)
    assert isinstance(first[header.index("record_a")], str)


def test_the_run_hands_off_to_revman_gradepro_and_prisma2020(run, tmp_path):
    """The embedded review's own results as RevMan 5 files: every analysis with a study
    result to pool is an outcome, every included study is there with its characteristics."""
    import sys

    import defusedxml.ElementTree as SafeTree

    command = Path(sys.executable).parent / "reviewflow"
    targets = (
        ("revman", tmp_path / "ipmp.rm5"),
        ("gradepro", tmp_path / "gradepro"),
        ("revman-web", tmp_path / "p.zip"),
    )
    for kind, target in targets:
        done = subprocess.run(
            [command, "handoff", kind, "--config", "config/ipmp.yaml", "-o", target],
            cwd=run,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    tree = SafeTree.parse(tmp_path / "ipmp.rm5").getroot()
    analyses = rows(run / RESULTS / "synthesis" / "analyses.csv")
    estimates = rows(run / RESULTS / "synthesis" / "estimates.csv")
    pooled = {e["analysis_id"] for e in estimates if e["pooled"] == "yes"}
    with_data = [a for a in analyses if a["measure"] and a["analysis_id"] in pooled]
    assert len(list(tree.iter("IV_OUTCOME"))) == len(with_data)
    assert len(list(tree.iter("IV_DATA"))) == sum(1 for e in estimates if e["pooled"] == "yes")
    assert {s.get("NAME") for s in tree.iter("STUDY")} == {
        s["label"] for s in rows(run / RESULTS / "studies/studies.csv")
    }
    per_kq = {p.name: SafeTree.parse(p).getroot() for p in sorted((tmp_path / "gradepro").iterdir())}
    assert list(per_kq) == ["ipmp_KQ1.rm5", "ipmp_KQ2.rm5"]
    for name, root in per_kq.items():
        kq = name.removeprefix("ipmp_").removesuffix(".rm5")
        assert {c.find("NAME").text.split(":")[0] for c in root.iter("COMPARISON")} == {kq}
    assert sum(len(list(r.iter("IV_OUTCOME"))) for r in per_kq.values()) == len(with_data)
    import io
    import zipfile

    inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(tmp_path / "p.zip").read("ipmp-files/ipmp-data.zip")))
    data_rows = inner.read("ipmp-analysis-data/ipmp-data-rows.csv").decode("utf-8-sig").splitlines()
    assert len(data_rows) - 1 == sum(1 for e in estimates if e["pooled"] == "yes")
