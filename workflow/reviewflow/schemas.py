"""Validation of the config and of every human-edited sheet against the YAML
schemas in workflow/schemas/, with one-line errors that say where and what is allowed."""

from __future__ import annotations

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
        return location, f"needs at least {schema['minItems']} item(s)"
    return location, error.message


def validate_config(config: dict, file: str = "config/config.yaml") -> dict:
    """Check the workflow config; raise a ReviewflowError naming the key."""
    validator = jsonschema.Draft202012Validator(load_schema("config"))
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        location, problem = explain(error)
        raise ReviewflowError(f"key '{location}' {problem}" if location else problem, file=file)
    return config


def sheet_columns(name: str) -> list[str]:
    """The columns of a sheet, in its schema's order: the one place they are written."""
    return list(load_schema(name)["properties"])
