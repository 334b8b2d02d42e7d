"""No word of one review's topic in the package: every review's vocabulary lives in
its own config, and the schemas, code and templates are built from it."""

import re

import yaml
from helpers import ROOT

PACKAGE_PARTS = ["workflow/reviewflow", "workflow/templates", "workflow/schemas", "workflow/rules"]


def embedded_review_words() -> list[str]:
    """The embedded review's own terms, read from its config, plus its topic words."""
    vocabulary = yaml.safe_load((ROOT / "config" / "ipmp.yaml").read_text())["vocabulary"]
    words = {"pain", "opioid", "ipmp"}
    words |= {term["name"].lower() for key in ("interventions", "comparators") for term in vocabulary[key]}
    words |= {c["id"] for key in ("study_characteristics", "arm_characteristics") for c in vocabulary[key]}
    words |= {short.lower() for short in vocabulary["glossary"]} - {"nr"}  # 'NR' is every review's
    words -= {"components", "setting"}  # words of every review (an arm's components, a setting)
    return sorted(words)


def package_files():
    for part in PACKAGE_PARTS:
        for path in sorted((ROOT / part).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".j2", ".yaml", ".smk", ".css", ".js"):
                yield path


def test_the_word_list_is_the_embedded_reviews():
    words = embedded_review_words()
    assert {"ipmp", "cpmp", "usual care", "pain_condition", "session_format"} <= set(words)


def test_no_schema_code_or_template_names_the_embedded_reviews_topic():
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in embedded_review_words()), re.IGNORECASE)
    found = []
    for path in package_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert found == []


def test_the_scan_finds_a_planted_word(tmp_path):
    """The scan itself works: a file with one of the words is caught."""
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in embedded_review_words()), re.IGNORECASE)
    assert pattern.search("arm_type enum: [CPMP, usual care]") and not pattern.search("intervention vs comparator")
