"""A review made with init and search add runs end to end."""

import re
import subprocess

import yaml
from helpers import FIXTURES, ROOT, copy_project, snakemake
from test_new_review import REVIEWFLOW


def test_a_new_review_runs_from_its_exports_alone(tmp_path):
    project = copy_project(tmp_path)
    run = [REVIEWFLOW, "init", "gambling", "--title", "Psychological treatments for gambling disorder"]
    assert subprocess.run(run, cwd=project).returncode == 0
    add = [REVIEWFLOW, "search", "add", "config/gambling.yaml", "--batch", "2024-03-01", "--date", "2024-03-01"]
    files = [str(FIXTURES / "pubmed.nbib"), str(FIXTURES / "scopus.bib")]
    assert subprocess.run([*add, *files], cwd=project).returncode == 0
    done = snakemake(project, "--configfile", "config/gambling.yaml")
    assert done.returncode == 0, done.stderr[-3000:]
    results = project / "results" / "gambling"
    html = (results / "report.html").read_text(encoding="utf-8")
    assert "Psychological treatments for gambling disorder" in html
    assert "No studies included yet." in html and "No included study answers KQ1 yet." in html
    assert "PRISMA 2020 flow diagram for new systematic reviews" in html
    embedded = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())
    for word in ("IPMP", "CPMP", "pain", "opioid", embedded["review"]["title"]):
        assert not re.search(rf"\b{re.escape(word)}\b", html, re.IGNORECASE), word
    worksheet = results / "screening" / "to_screen_title_abstract.xlsx"
    assert worksheet.exists() and (results / "report.pdf").exists()
    assert not (project / "results" / "ipmp").exists()  # the embedded review's results are untouched
