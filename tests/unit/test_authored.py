"""The sections a team writes: Markdown rendered safely, placeholders and flags for the
ones not written yet, abbreviations expanded at their first use."""

import copy

from test_report import context  # noqa: F401  (the module's two-study context fixture)

from reviewflow.layout import Layout
from reviewflow.report.authored import render_sections, section_files
from reviewflow.report.render import render_html

GLOSSARY = {"CBT": "cognitive behavioural therapy", "NR": "not reported"}


def test_markdown_is_rendered_and_raw_html_is_shown_as_text(tmp_path):
    (tmp_path / "abstract.md").write_text("**Objectives.** <script>alert(1)</script> a [link](https://example.org)\n")
    sections = render_sections(tmp_path, ["KQ1"], GLOSSARY)
    html = sections["abstract"]["html"]
    assert "<strong>Objectives.</strong>" in html and '<a href="https://example.org">link</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_first_use_of_an_abbreviation_is_written_out_once_across_sections(tmp_path):
    (tmp_path / "abstract.md").write_text("CBT helped. CBT again.\n")
    intro_text = "More CBT; cognitive behavioural therapy (CBT) stays as written. NRS is no NR.\n"
    (tmp_path / "introduction.md").write_text(intro_text)
    sections = render_sections(tmp_path, [], GLOSSARY)
    abstract, intro = sections["abstract"]["html"], sections["introduction"]["html"]
    assert abstract.count("cognitive behavioural therapy (<abbr") == 1 and abstract.count("<abbr") == 2
    written = 'cognitive behavioural therapy (<abbr title="cognitive behavioural therapy">CBT</abbr>) stays'
    assert written in intro and intro.count("cognitive behavioural therapy (<abbr") == 1  # not expanded again
    assert "NRS" in intro and "not reported (<abbr" in intro  # 'NRS' is another word, 'NR' is expanded


def test_unwritten_sections_show_a_placeholder_and_are_flagged(tmp_path, context):  # noqa: F811
    (tmp_path / "key_messages.md").write_text("- one message\n")
    ctx = copy.deepcopy(context)
    ctx["authored"] = render_sections(tmp_path, ["KQ1", "KQ2"], {})
    ctx["unwritten"] = [s["title"] for s in ctx["authored"].values() if s["html"] is None]
    html = render_html(ctx)
    assert "<li>one message</li>" in html
    assert html.count("To be written: the review team has not written this section yet.") == len(ctx["unwritten"]) == 5
    flags = html[html.index('id="appendix-flags"') :]
    assert "<li>Structured abstract</li>" in flags and "<li>KQ1: narrative synthesis</li>" in flags
    assert "<li>Key messages</li>" not in flags


def test_written_sections_are_inputs_of_the_report(tmp_path):
    config = {
        "resources": str(tmp_path),
        "key_questions": [{"id": "KQ1"}],
        "searches": [],
        "review": {"id": "x"},
    }
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "narrative_KQ1.md").write_text("text\n")
    layout = Layout(config)
    assert layout.authored_files() == [str(tmp_path / "report" / "narrative_KQ1.md")]
    assert set(section_files(tmp_path / "report", ["KQ1"])) == {
        "abstract",
        "key_messages",
        "introduction",
        "discussion",
        "narrative_KQ1",
    }
