"""The rule files show each rule's inputs and outputs by name, and what they show is
what Layout gives the job: a name shown that Layout lacks, or a file Layout gives that no
rule shows, fails here for each of the shipped reviews (their configs differ in blind
reviewers, key questions, optional sheets and review type)."""

import re
from pathlib import Path

import pytest

from reviewflow.layout import Layout
from reviewflow.pipeline import load_config

RULES = Path(__file__).resolve().parents[2] / "workflow" / "rules"
RULE = re.compile(r"^rule (\w+):\n(.*?)(?=^rule |\Z)", re.S | re.M)
SECTION = re.compile(r"^    (input|output):\n(.*?)(?=^    \w+:)", re.S | re.M)
NAMED = re.compile(r'^        (\w+)=(?:report\(\s*)?named_(?:input|output)\("(\w+)", "(\w+)"\)', re.M)
OPTIONAL = re.compile(r"\*\*optional_(?:inputs|outputs)\(([^)]*)\)")
STARTING = re.compile(r"\*\*(?:inputs|outputs)_starting\(([^)]*)\)")


def shown() -> dict:
    """rule -> {"input"|"output": (fixed names, optional names, name prefixes)}."""
    rules = {}
    for path in sorted(RULES.glob("*.smk")):
        for rule, body in RULE.findall(path.read_text(encoding="utf-8")):
            sections = {}
            for kind, text in SECTION.findall(body):
                fixed = []
                for name, named_rule, key in NAMED.findall(text):
                    assert (named_rule, key) == (rule, name), f"{rule}: {name} asks for {named_rule}.{key}"
                    fixed.append(name)
                words = lambda found: [w for call in found for w in re.findall(r'"(\w+)"', call)[1:]]  # noqa: E731
                sections[kind] = (fixed, words(OPTIONAL.findall(text)), tuple(words(STARTING.findall(text))))
            rules[rule] = sections
    return rules


@pytest.mark.parametrize("config", ["config/ipmp.yaml", "config/dvt.yaml", "config/sglt2hf.yaml"])
def test_each_rule_shows_the_files_layout_gives_its_job(config):
    layout = Layout(load_config(config))
    rules = shown()
    assert set(rules) >= {"dedup", "screen", "studies", "rob", "synthesis", "report_context", "manifest"}
    for rule, sections in rules.items():
        if rule == "ingest":  # its input is the export its wildcards name
            continue
        job = getattr(layout, rule)()
        for kind, files in (("input", job.inputs), ("output", job.outputs)):
            fixed, optional, prefixes = sections[kind]
            missing = set(fixed) - set(files)
            assert not missing, f"{rule} shows {kind}s Layout does not give: {missing}"
            covered = (
                set(fixed) | (set(optional) & set(files)) | {n for n in files if prefixes and n.startswith(prefixes)}
            )
            assert covered == set(files), f"{rule}: {kind}s no rule shows: {set(files) - covered}"
            assert not set(fixed) & set(optional)


def test_rules_show_names_not_whole_dicts():
    for path in RULES.glob("*.smk"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\*\*(inputs|outputs)\(", text), path.name
