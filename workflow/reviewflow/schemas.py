"""Validation of the config and of every human-edited sheet against the YAML
schemas in workflow/schemas/, with one-line errors that say where and what is allowed."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from .errors import ReviewflowError

WORKFLOW_DIR = Path(__file__).resolve().parent.parent
SCHEMA_DIR = WORKFLOW_DIR / "schemas"


@cache
def load_schema(name: str) -> dict:
    path = SCHEMA_DIR / f"{name}.schema.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dotted(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(location, what is wrong and what is allowed) for one schema violation."""
    location = _dotted(error.absolute_path)
    validator, schema = error.validator, error.schema
    if validator == "enum":
        allowed = ", ".join(str(v) for v in schema["enum"])
        return location, f"'{error.instance}' is not allowed; allowed: {allowed}"
    if validator == "required":
        missing = error.message.split("'")[1]
        return _dotted([*error.absolute_path, missing]), "is required but missing"
    if validator == "additionalProperties":
        known = ", ".join(sorted(schema.get("properties", {})))
        extra = sorted(set(error.instance) - set(schema.get("properties", {})))
        return _dotted([*error.absolute_path, extra[0]]), f"is not a known key; allowed keys: {known}"
    if validator == "pattern":
        hint = schema.get("description") or f"a value matching {schema['pattern']}"
        return location, f"'{error.instance}' is not valid; expected {hint}"
    if validator == "type":
        return location, f"must be of type {schema['type']}, got {error.instance!r}"
    if validator == "minItems":
        hint = f"; {schema['description']}" if "description" in schema else ""
        return location, f"needs at least {schema['minItems']} item(s){hint}"
    return location, error.message


def _config_spec(key: str) -> dict:
    spec = load_schema("config")
    for part in key.split("."):
        spec = spec["properties"][part]
    return spec


def choices(key: str) -> list[str]:
    """The values the config schema allows for a dotted key (a command offers the same)."""
    return list(_config_spec(key)["enum"])


def default(key: str):
    """The default the config schema states for a dotted key."""
    return _config_spec(key)["default"]


def sheet_choices(name: str, column: str) -> list[str]:
    """The values a sheet's schema allows in a column (e.g. the screening stages)."""
    return list(load_schema(name)["properties"][column]["enum"])


def setting(config: dict, key: str):
    """The config's value of a dotted key (`rob.palette`), else the default the config
    schema states for it: the one place a default is written."""
    node, spec = config, load_schema("config")
    for part in key.split("."):
        spec = spec["properties"][part]
        node = node.get(part) if isinstance(node, dict) else None
    return spec["default"] if node is None else node


def validate_config(config: dict, file: str) -> dict:
    """Check the workflow config; raise a ReviewflowError naming the key."""
    problems = config_problems(config, file)
    if problems:
        raise problems[0]
    return config


def config_problems(config: dict, file: str) -> list[ReviewflowError]:
    """Every problem of a config: each schema violation (the most telling one first),
    then the vocabulary's names that do not agree with each other."""
    validator = jsonschema.Draft202012Validator(load_schema("config"))
    errors = list(validator.iter_errors(config))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        ordered = [best, *(e for e in errors if e is not best)]
        found = []
        for error in ordered:
            location, problem = explain(error)
            found.append(ReviewflowError(f"key '{location}' {problem}" if location else problem, file=file))
        return list({str(e): e for e in found}.values())
    return [ReviewflowError(problem, file=file) for problem in vocabulary_problems(config)]


def sheet_columns(name: str, vocabulary: dict | None = None) -> list[str]:
    """The columns of a sheet, in its schema's order: the one place they are written."""
    return list(sheet_schema(name, vocabulary)["properties"])


NUMBER_OR_NR = "^([0-9]+(\\.[0-9]+)?|NR)$"
# The accuracy sheet's columns whose values a diagnostic review's vocabulary declares.
DIAGNOSTIC_TERMS = {
    "index_test": "index_tests",
    "reference_standard": "reference_standards",
    "target_condition": "target_conditions",
}


def sheet_schema(name: str, vocabulary: dict | None = None, certainty: str | None = None) -> dict:
    """A sheet's schema with the review's vocabulary built in: allowed designs, arm types,
    outcome domains and interventions, and the review's own characteristic columns; the
    soe sheet's domain and grade columns from the certainty system (default AHRQ's).
    Without a vocabulary, the base schema (every review's columns only)."""
    schema = copy.deepcopy(load_schema(name))
    if name in ("soe", "accuracy_certainty"):
        schema["properties"] = _with_certainty(
            schema["properties"],
            certainty,
            schema.get("x-certainty-after"),
            schema.get("x-certainty-lowers-only", False),
        )
    if not vocabulary:
        return schema
    properties = schema["properties"]
    names = {key: [term["name"] for term in vocabulary.get(key, [])] for key in ("interventions", "comparators")}
    choices = {
        "design": [d["name"] for d in vocabulary["designs"]],
        "arm_type": names["interventions"] + names["comparators"],
        "domain": [d["name"] for d in vocabulary["outcome_domains"]],
        "intervention": names["interventions"],
    }
    if name in ("accuracy", "accuracy_certainty"):  # a diagnostic review's own tests, standards and conditions
        for column, key in DIAGNOSTIC_TERMS.items():
            choices[column] = [term["name"] for term in vocabulary.get(key, [])]
    if name == "soe":  # the sheet grades an outcome domain at a timepoint category
        choices["outcome"] = choices["domain"]
        choices["timepoint"] = [t["name"] for t in vocabulary.get("timepoints", [])]
    for column, allowed in choices.items():
        if column in properties:
            properties[column] = {"enum": allowed, "description": properties[column].get("description", "")}
    kind = {"studies": "study_characteristics", "arms": "arm_characteristics"}.get(name)
    if kind:
        schema["properties"] = _with_characteristics(
            properties, schema["x-characteristics-after"], vocabulary.get(kind, [])
        )
    return schema


def _with_certainty(properties: dict, certainty: str | None, after: str | None = None, lowers_only=False) -> dict:
    """A certainty sheet's columns with the system's domains and grade after `after`
    (the soe sheet's: `timepoint`); `lowers_only` leaves out the domains that raise
    certainty (GRADE's, which accuracy evidence does not use)."""
    from .certainty import load_system

    system = load_system(certainty)
    domains = system.lowering if lowers_only else system.domains
    added = {d["id"]: {"enum": list(d["values"]), "description": d["heading"]} for d in domains}
    added["grade"] = {"enum": list(system.grades), "description": system.heading}
    out = {}
    for column, spec in properties.items():
        out[column] = spec
        if column == (after or "timepoint"):
            out.update(added)
    return out


def _with_characteristics(properties: dict, after: str, characteristics: list[dict]) -> dict:
    """The base columns with the review's characteristic columns inserted after `after`."""
    added = {}
    for item in characteristics:
        spec: dict = {"type": "string", "description": item.get("description", item["heading"])}
        if item.get("choices"):
            spec = {"enum": item["choices"], "description": spec["description"]}
        elif item.get("number"):
            spec.update(pattern=NUMBER_OR_NR, description=f"{spec['description']}: a number, or NR")
        added[item["id"]] = spec
    out = {}
    for column, spec in properties.items():
        out[column] = spec
        if column == after:
            out.update(added)
    return out


def vocabulary_problems(config: dict) -> list[str]:
    """What the schema cannot check in a vocabulary: names that must agree with each other."""
    vocabulary, problems = config["vocabulary"], []
    columns = {c["id"] for c in vocabulary["outcome_columns"]}
    for number, domain in enumerate(vocabulary["outcome_domains"]):
        if domain["column"] not in columns:
            problems.append(
                f"key 'vocabulary.outcome_domains[{number}].column' '{domain['column']}' is not an outcome column; "
                f"allowed: {', '.join(sorted(columns))}"
            )
    for kind, after in (("study_characteristics", "studies"), ("arm_characteristics", "arms")):
        base = set(load_schema(after)["properties"])
        for number, item in enumerate(vocabulary.get(kind, [])):
            if item["id"] in base:
                problems.append(f"key 'vocabulary.{kind}[{number}].id' '{item['id']}' is a column every review has")
    comparators = [c["name"] for c in vocabulary["comparators"]]
    variables = ["arm_type", *(c["id"] for c in vocabulary.get("arm_characteristics", []))]
    for i, kq in enumerate(config["key_questions"]):
        for j, group in enumerate(kq["groups"]):
            for key, allowed in (("arm_types", comparators), ("differ_in", variables)):
                for value in group.get(key, []):
                    if value not in allowed:
                        problems.append(
                            f"key 'key_questions[{i}].groups[{j}].{key}' '{value}' is not allowed; "
                            f"allowed: {', '.join(allowed)}"
                        )
    characteristics = [
        c["id"] for kind in ("study_characteristics", "arm_characteristics") for c in vocabulary.get(kind, [])
    ]
    for i, kq in enumerate(config["key_questions"]):
        for j, subgroup in enumerate(kq.get("subgroups", [])):
            if isinstance(subgroup, dict) and subgroup["characteristic"] not in characteristics:
                problems.append(
                    f"key 'key_questions[{i}].subgroups[{j}].characteristic' '{subgroup['characteristic']}' is not a "
                    f"study or arm characteristic; allowed: {', '.join(characteristics) or 'none declared'}"
                )
    if config["review"].get("type") == "diagnostic":
        for key in DIAGNOSTIC_TERMS.values():
            if not vocabulary.get(key):
                problems.append(f"key 'vocabulary.{key}' is required in a diagnostic review (review.type diagnostic)")
        tests = [t["name"] for t in vocabulary.get("index_tests", [])]
        for i, kq in enumerate(config["key_questions"]):
            for j, test in enumerate(kq.get("index_tests", [])):
                if test not in tests:
                    problems.append(
                        f"key 'key_questions[{i}].index_tests[{j}]' '{test}' is not an index test; "
                        f"allowed: {', '.join(tests) or 'none declared'}"
                    )
        conditions = [t["name"] for t in vocabulary.get("target_conditions", [])]
        for j, item in enumerate(config.get("synthesis", {}).get("prevalence", [])):
            if item["target_condition"] not in conditions:
                problems.append(
                    f"key 'synthesis.prevalence[{j}].target_condition' '{item['target_condition']}' is not a target "
                    f"condition; allowed: {', '.join(conditions) or 'none declared'}"
                )
    numeric = [c["id"] for c in vocabulary.get("study_characteristics", []) if c.get("number")]
    for j, covariate in enumerate(config.get("synthesis", {}).get("metaregression", [])):
        if covariate not in numeric:
            problems.append(
                f"key 'synthesis.metaregression[{j}]' '{covariate}' is not a numeric study characteristic; "
                f"allowed: {', '.join(numeric) or 'none declared (give one number: true)'}"
            )
    return problems
