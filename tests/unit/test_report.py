import io
import zipfile

import openpyxl
import pandas as pd
import pytest
import yaml
from helpers import ROOT, VOCABULARY, make_records, make_sheet
from pypdf import PdfReader

from reviewflow.dedup import deduplicate
from reviewflow.prisma import prisma_counts, prisma_svg
from reviewflow.report.context import Tables, build_context
from reviewflow.report.references import journal_forms, reference_list, vancouver
from reviewflow.report.render import render_html, render_pdf
from reviewflow.report.workbook import write_workbook
from reviewflow.rob import load_tool, sheet_schema
from reviewflow.rob.assessments import rob_table
from reviewflow.screening import agreement, resolve_decisions, screening_status
from reviewflow.studies import SheetFiles, build_studies
from reviewflow.synthesis.analyses import ANALYSIS_COLUMNS, ESTIMATE_COLUMNS
from reviewflow.synthesis.soe import SOE_COLUMNS
from reviewflow.tables import REJECTED_COLUMNS
from reviewflow.versions import CHANGE_COLUMNS

CONFIG = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())
HOSTILE_TITLE = "<script>alert(1)</script> A trial"


@pytest.fixture(scope="module")
def context():
    """A two-study review run through the package's functions, no Snakemake."""
    records, citations = deduplicate(
        make_records(
            [
                {
                    "record_id": "R0000000000000001",
                    "title": HOSTILE_TITLE,
                    "year": 2001,
                    "authors": "Able, AB; Baker, C",
                    "journal": "Pain",
                    "volume": "5",
                    "pages": "1-9",
                    "doi": "10.1/a",
                },
                {"record_id": "R0000000000000002", "title": "Second", "year": 2002, "authors": "Cole, D"},
            ]
        )
    )
    decisions = make_sheet(
        "screening",
        [
            {"citation": f"C000000000000000{i}", "stage": stage, "decision": "include"}
            for i in (1, 2)
            for stage in ("title_abstract", "full_text")
        ],
    )
    resolved = resolve_decisions(decisions, citations, ["x"], "s.csv")
    status = screening_status(citations, resolved)
    built = build_studies(
        make_sheet(
            "studies",
            [
                {
                    "study_id": "able-2001",
                    "label": "Able 2001",
                    "design": "RCT",
                    "country": "Iran",
                    "illustrative": "country",
                },
                {
                    "study_id": "cole-2002",
                    "label": "Cole 2002",
                    "design": "RCT",
                    "country": "=2+3",
                },
            ],
        ),
        make_sheet(
            "publications",
            [
                {"study_id": "able-2001", "citation": "C0000000000000001", "primary": "yes"},
                {"study_id": "cole-2002", "citation": "C0000000000000002", "primary": "yes"},
            ],
        ),
        make_sheet(
            "arms",
            [
                {"study_id": "able-2001", "arm": "A", "name": "CPMP", "arm_type": "CPMP", "n_randomised": "20"},
                {
                    "study_id": "able-2001",
                    "arm": "B",
                    "name": "Usual care",
                    "arm_type": "usual care",
                    "n_randomised": "20",
                },
                {"study_id": "cole-2002", "arm": "A", "name": "IPMP", "arm_type": "IPMP", "n_randomised": "30"},
                {
                    "study_id": "cole-2002",
                    "arm": "B",
                    "name": "Exercise",
                    "arm_type": "physical activity",
                    "n_randomised": "30",
                    "illustrative": "n_randomised",
                },
            ],
        ),
        make_sheet(
            "outcomes",
            [
                {
                    "study_id": "able-2001",
                    "arms": "A",
                    "domain": "pain",
                    "measure": "VAS",
                    "timepoint": "6 months",
                    "result": "3.0",
                },
                {
                    "study_id": "able-2001",
                    "arms": "B",
                    "domain": "pain",
                    "measure": "VAS",
                    "timepoint": "6 months",
                    "result": "4.0",
                    "illustrative": "all",
                },
            ],
        ),
        make_sheet("kq_overrides", []),
        citations,
        status,
        CONFIG["key_questions"],
        SheetFiles("s.csv", "p.csv", "a.csv", "o.csv"),
        VOCABULARY,
    )
    tool = load_tool("quality-rating")
    rob, missing = rob_table(
        make_sheet(sheet_schema(tool), [{"study_id": "able-2001", "overall": "Poor"}]),
        built["studies"],
        tool,
        "rob.csv",
    )
    searches = [{"batch": "s1", "date_searched": "2021-05-24", "exports": [{"file": "f.ris", "database": "db"}]}]
    counts = prisma_counts(
        records,
        pd.DataFrame(columns=REJECTED_COLUMNS),
        citations,
        status,
        built["studies"],
        built["publications"],
        searches,
    )
    tables = Tables(
        prisma=counts,
        prisma_svg=prisma_svg(counts),
        agreement={"agreement": agreement(resolved), "open_disagreements": 0},
        prioritisation={
            "ranked_by_model": False,
            "stopped_on": "",
            "estimate": {
                "target_recall": 0.95,
                "confidence": 0.95,
                "screened": 1,
                "total": 3,
                "safe_to_stop": False,
                "sentence": "Keep going.",
            },
        },
        status=status,
        studies=built["studies"],
        publications=built["publications"],
        evidence=built["evidence_rows"],
        matrix=built["kq_matrix"],
        arms=built["arms"],
        rob=rob,
        rob_missing=missing,
        soe=pd.DataFrame(columns=SOE_COLUMNS),
        analyses=pd.DataFrame(columns=ANALYSIS_COLUMNS),
        estimates=pd.DataFrame(columns=ESTIMATE_COLUMNS),
        forest={},
        changes=pd.DataFrame(columns=CHANGE_COLUMNS),
        changes_summary={
            "baseline": None,
            "current": {"version": "", "batches": []},
            "versions": [],
            "trigger": "",
            "counts": {},
        },
        figures={},
        match_rules={"first": 2},
    )
    return build_context({**CONFIG, "searches": searches}, tables, tool, "0123456789ab")


def test_vancouver_style():
    pub = {
        "authors": "Dobscha, SK; Corson, K; Perrin, NA; Hanson, GC; Leibowitz, RQ; Doak, MN; Dickinson, KC",
        "title": "Collaborative care for chronic pain.",
        "journal": "JAMA",
        "year": "2009",
        "volume": "301",
        "issue": "12",
        "pages": "1242-1252",
    }
    assert (
        vancouver(pub)
        == "Dobscha SK, Corson K, Perrin NA, et al. Collaborative care for chronic pain. JAMA. 2009;301(12):1242-1252."
    )
    assert vancouver({**pub, "authors": "Weiner, Debra K", "journal": "", "volume": ""}).startswith(
        "Weiner DK. Collaborative"
    )
    assert vancouver({**pub, "authors": "Allen, KD; Yancy, WS Jr"}).startswith("Allen KD, Yancy WS Jr. Collaborative")


def test_one_journal_is_named_one_way_in_the_reference_list():
    names = [
        "European Journal of Pain",
        "Eur J Pain",
        "The Clinical Journal of Pain",
        "Clin J Pain",
        "Spine",
        "Spine (Phila Pa 1976)",
        "Spine (Phila Pa 1976)",
        "Pain",
        "J Pain",
        "BMC Musculoskeletal Disorders",
    ]
    forms = journal_forms(names)
    assert forms["European Journal of Pain"] == "Eur J Pain"
    assert forms["The Clinical Journal of Pain"] == "Clin J Pain"
    assert forms["Spine"] == "Spine (Phila Pa 1976)"
    # different journals stay apart; a name with no shorter form is kept as it came
    assert forms["Pain"] == "Pain" and forms["J Pain"] == "J Pain"
    assert forms["BMC Musculoskeletal Disorders"] == "BMC Musculoskeletal Disorders"
    pubs = pd.DataFrame(
        [
            {
                "authors": "A, B",
                "title": "One",
                "journal": "Eur J Pain",
                "year": "2010",
                "volume": "",
                "issue": "",
                "pages": "",
            },
            {
                "authors": "C, D",
                "title": "Two",
                "journal": "European Journal of Pain",
                "year": "2011",
                "volume": "",
                "issue": "",
                "pages": "",
            },
        ]
    )
    texts = [ref["text"] for ref in reference_list(pubs)]
    assert texts == ["A B. One. Eur J Pain. 2010.", "C D. Two. Eur J Pain. 2011."]


def test_html_escapes_citation_text_and_marks_illustrative_values(context):
    html = render_html(context)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; A trial" in html
    assert 'Iran<sup class="ill"' in html  # the country is flagged illustrative
    # a composed cell: the illustrative value of arm B carries its dagger inside the line
    assert 'VAS. 6 months: A 3.0 vs B 4.0<sup class="ill"' in html
    gaps = html.split("without a risk-of-bias assessment")[1].split("<h3")[0]
    assert "not assessed" in html and "Cole 2002" in gaps  # the unrated study is listed as a gap, by its label
    assert "http://" not in html.split("<body>")[0]  # nothing fetched from the network in the head


def test_pdf_is_deterministic_and_has_outline_and_text(context):
    html = render_html(context)
    first, second = render_pdf(html), render_pdf(html)
    assert first == second
    reader = PdfReader(io.BytesIO(first))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Able 2001" in text and "Cole 2002" in text
    assert "Page 2 of" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Methods" in titles and "KQ1: evidence" in titles and "References" in titles
    assert reader.metadata.title == CONFIG["review"]["title"]
    assert reader.metadata.author == "; ".join(CONFIG["review"]["authors"])
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers


def test_workbook_is_deterministic_formula_safe_and_coloured(context, tmp_path):
    write_workbook(context, tmp_path / "a.xlsx")
    write_workbook(context, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2021, 5, 24, 0, 0, 0)}
    workbook = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert workbook.sheetnames == [
        "Read me",
        "KQ1",
        "KQ2",
        "Studies",
        "Arms",
        "Risk of bias",
        "Strength of evidence",
        "Study results",
        "References",
    ]
    kq1 = workbook["KQ1"]
    assert [c.value for c in kq1[1]][:3] == ["KQ", "Group", "Study"] and kq1.freeze_panes == "B2"
    assert kq1.print_title_rows == "$1:$1" and kq1.page_setup.orientation == "landscape"
    read_me = {row[0]: row[1] for row in workbook["Read me"].iter_rows(min_row=2, values_only=True)}
    assert read_me["Review"] == CONFIG["review"]["title"] and "illustrative" in read_me["Marks"]
    levels = {k: v for k, v in read_me.items() if k.startswith("Risk of bias: ")}
    assert levels and all("cells)" in v and "colour some" not in v for v in levels.values())  # words, not codes
    header = [c.value for c in workbook["Studies"][1]]
    n = [
        row[header.index("N randomised or enrolled")]
        for row in workbook["Studies"].iter_rows(min_row=2, values_only=True)
    ]
    assert any(isinstance(v, int) for v in n) and not any(isinstance(v, str) and v.isdigit() for v in n)  # numbers
    assert [row[2] for row in kq1.iter_rows(min_row=2, values_only=True)] == ["Able 2001", "Cole 2002"]
    marks = [
        row[header.index("Illustrative columns")] for row in workbook["Studies"].iter_rows(min_row=2, values_only=True)
    ]
    assert "Country" in marks  # named by its heading, not the field name 'country'
    studies = workbook["Studies"]
    assert studies["E3"].value == "=2+3" and studies["E3"].data_type == "s"  # text typed by a person, never a formula
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert all("<f>" not in archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    quality = workbook["Risk of bias"]
    overall = [c.value for c in quality[1]].index("Overall (stated)") + 1
    cell = quality.cell(row=2, column=overall)
    assert cell.value == "Poor" and cell.fill.start_color.rgb.endswith("F6CDCD")


def test_formula_like_text_is_stored_as_text(tmp_path):
    from reviewflow.xlsx import safe_cell

    workbook = openpyxl.Workbook()
    for row, value in enumerate(["=1+1", "+1", "-x", "@SUM(A1)", "plain"], start=1):
        safe_cell(workbook.active, row, 1, value)
    workbook.save(tmp_path / "f.xlsx")
    cells = [c.value for c in openpyxl.load_workbook(tmp_path / "f.xlsx").active["A"]]
    assert cells == ["=1+1", "+1", "-x", "@SUM(A1)", "plain"]
    raw = zipfile.ZipFile(tmp_path / "f.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in raw


class _SystemSubsetter:
    """Stands for libharfbuzz-subset installed on the machine: WeasyPrint would use it if it
    were consulted, and any use fails the test."""

    def __bool__(self):
        return True

    def __getattr__(self, name):
        raise AssertionError(f"the system's font subsetter was used ({name})")


def test_pdf_bytes_do_not_depend_on_an_installed_font_subsetter(monkeypatch):
    from weasyprint.pdf import fonts

    html = "<html><head><title>t</title></head><body><p>Subset \u2212 fonts \u2013 alike</p></body></html>"
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    without = render_pdf(html)
    monkeypatch.setattr(fonts, "harfbuzz_subset", _SystemSubsetter())
    with_subsetter = render_pdf(html)
    assert with_subsetter == without
    assert isinstance(fonts.harfbuzz_subset, _SystemSubsetter)  # put back after rendering


def test_layout_check_finds_a_figure_taller_than_the_page_and_a_table_wider_than_it():
    from reviewflow.report.render import overflowing_boxes

    tall = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="1600"><rect width="300" height="1600"/></svg>'
    wide = '<table><tr><td style="white-space: nowrap">' + "x" * 300 + "</td></tr></table>"
    html = f"<style>figure {{ break-inside: avoid }}</style><p>text</p><figure>{tall}</figure>{wide}"
    found = overflowing_boxes(html)
    assert {("figure", "below"), ("table", "beyond")} <= {
        (b["element"], "below" if b["below"] > 0 else "beyond") for b in found
    }
    assert overflowing_boxes("<p>short</p><figure><svg width='10' height='10'></svg></figure>") == []


def test_the_report_prints_without_overflowing_its_pages(context):
    from reviewflow.report.render import overflowing_boxes

    assert overflowing_boxes(render_html(context)) == []


def test_overview_counts_studies_and_publications_by_intervention_comparison_and_kq(context):
    rows = {(r["intervention"], r["group"]): r for r in context["overview"]}
    assert rows[("IPMP", "physical activity")]["cells"]["KQ1"] == {
        "studies": 1,
        "publications": 1,
        "illustrative": True,
    }
    assert rows[("CPMP", "usual care or waitlist")]["cells"]["KQ1"]["illustrative"] is False  # sourced arms
    html = render_html(context)
    overview = html[html.index('id="overview"') : html.index("</section>", html.index('id="overview"'))]
    assert "Any comparison" in overview and overview.count('class="ill"') == 2  # IPMP row and its subtotal


def test_a_finding_resting_wholly_on_illustrative_values_is_marked_once():
    from reviewflow.marks import findings_illustrative

    invented = {
        "participants_illustrative": True,
        "effect": "MD -1",
        "grade": "",
        "illustrative_columns": ["effect", "grade_by_rule"],
    }
    assert findings_illustrative(invented)
    # sourced Ns or a sourced effect: each illustrative number keeps its own mark
    assert not findings_illustrative({**invented, "participants_illustrative": False})
    assert not findings_illustrative({**invented, "illustrative_columns": ["grade_by_rule"]})
    # no estimate (results in words): the participants and the grade decide
    assert findings_illustrative({**invented, "effect": "", "illustrative_columns": ["grade_by_rule"]})
    # a grade the team stated from sourced judgements is not illustrative
    assert not findings_illustrative({**invented, "grade": "Low", "illustrative_columns": ["effect", "grade_by_rule"]})


def test_an_invented_arm_is_marked_once_a_sourced_arm_on_its_invented_values():
    from reviewflow.marks import rows_marked_once

    arms = pd.DataFrame(
        [
            {
                "study_id": "s",
                "arm": "A",
                "name": "Program",
                "arm_type": "X",
                "n_randomised": "9",
                "n_analysed": "",
                "components": "a; b",
                "source": "Table 1",
                "illustrative": "components",
            },
            {
                "study_id": "t",
                "arm": "A",
                "name": "Program",
                "arm_type": "X",
                "n_randomised": "9",
                "n_analysed": "8",
                "components": "a; b",
                "source": "",
                "illustrative": "all",
            },
        ]
    )
    sourced, invented = rows_marked_once(arms, ["name", "arm_type", "n_randomised", "n_analysed", "components"])
    assert invented["wholly_illustrative"] and not sourced["wholly_illustrative"]
    assert sourced["illustrative_columns"] == ["components"]


def test_a_wholly_illustrative_row_is_marked_once_a_mixed_row_on_each_value():
    from reviewflow.marks import MARK, wholly_illustrative

    columns = ["intervention", "delivery", "primary_outcomes"]
    invented = {"intervention": "A", "delivery": f"A: 6 weeks{MARK}", "primary_outcomes": "NR"}
    assert wholly_illustrative({**invented, "illustrative_columns": ["intervention"]}, columns)
    mixed = {**invented, "primary_outcomes": "VAS 5 vs 6 (from the paper)"}
    assert not wholly_illustrative({**mixed, "illustrative_columns": ["intervention"]}, columns)
    assert not wholly_illustrative({"intervention": "", "illustrative_columns": []}, columns)  # nothing shown


def test_numbers_are_typeset_with_minus_signs_and_en_dashes_but_dates_and_names_kept():
    from reviewflow.report.render import typeset

    assert typeset("difference -0.9 (95% CI -1.7 to -0.1); VAS (0-10)") == (
        "difference \u22120.9 (95% CI \u22121.7 to \u22120.1); VAS (0\u201310)"
    )
    assert typeset("searched 2021-05-24 by Roche-Leboucher, NCT00600197") == (
        "searched 2021-05-24 by Roche-Leboucher, NCT00600197"
    )


def test_flow_counts_resting_on_invented_records_are_marked():
    from reviewflow.report.context import flow_marks

    status = pd.DataFrame(
        {
            "title_abstract": ["exclude", "include", "include"],
            "status": ["excluded at title/abstract", "excluded at full text", "excluded at full text"],
            "exclusion_reason": ["", "wrong population", "wrong design"],
            "illustrative": ["all", "all", ""],
        }
    )
    marks = flow_marks(status)
    assert marks == {"citations": 2, "screened": True, "excluded": True, "full_text_reasons": ["wrong population"]}
    assert flow_marks(status.assign(illustrative=""))["screened"] is False
