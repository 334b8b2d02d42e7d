"""The reproducibility check itself: it must notice a changed output."""

from reviewflow.provenance import manifest_lines
from reviewflow.report.render import render_pdf
from reviewflow.verify import differences, for_golden, parse


def results_dir(tmp_path, title="A report"):
    results = tmp_path / "results"
    (results / "dedup").mkdir(parents=True)
    (results / "dedup" / "citations.csv").write_text("citation_id,title\nC1,Alpha\n")
    (results / "report.pdf").write_bytes(
        render_pdf(f"<html lang='en'><title>t</title><body><h1>{title}</h1></body></html>")
    )
    (results / "stale.csv").write_text("left by an earlier run\n")
    return results


def produced(results):
    """The files a run writes (the layout lists them): never a stale file lying in results/."""
    return [results / "dedup" / "citations.csv", results / "report.pdf"]


def lines(results, extra=()):
    return "\n".join(manifest_lines([*produced(results), *extra], results))


def test_manifest_lists_tables_by_bytes_and_pdfs_by_bytes_and_text(tmp_path):
    manifest = parse(lines(results_dir(tmp_path)))
    assert set(manifest) == {"dedup/citations.csv", "report.pdf", "report.pdf#text"}  # the stale file is left out
    assert set(for_golden(manifest)) == {"dedup/citations.csv", "report.pdf#text"}


def test_a_deliberate_change_is_reported(tmp_path):
    results = results_dir(tmp_path)
    golden = for_golden(parse(lines(results)))
    (results / "dedup" / "citations.csv").write_text("citation_id,title\nC1,Alpha changed\n")
    assert differences(golden, for_golden(parse(lines(results)))) == ["changed: dedup/citations.csv"]
    (results / "report.pdf").write_bytes(render_pdf("<html><body><h1>Another text</h1></body></html>"))
    (results / "extra.csv").write_text("x\n")
    found = differences(golden, for_golden(parse(lines(results, [results / "extra.csv"]))))
    assert found == ["unexpected: extra.csv", "changed: dedup/citations.csv", "changed: report.pdf#text"]
