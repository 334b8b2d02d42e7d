"""config/README.md documents exactly the config schema's keys: each key has a row of its
own, or is named (in backticks) in the row of the nearest key above it that has one, or
by its full name anywhere in the page; a
section is documented by its keys; and no row names a key the schema does not have."""

import re

from helpers import ROOT

from reviewflow.schemas import load_schema

TEXT = (ROOT / "config" / "README.md").read_text(encoding="utf-8")


def schema_keys(node: dict, path: str = "") -> dict[str, bool]:
    """Every key's dotted path ('[]' for the items of a list) -> whether it is a section."""
    keys = {}
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return schema_keys(node["items"], path + "[]")
    for name, spec in node.get("properties", {}).items():
        key = f"{path}.{name}" if path else name
        keys[key] = bool(spec.get("properties"))
        keys.update(schema_keys(spec, key))
    return keys


def documented_rows() -> dict[str, str]:
    """Each key a table row of the README starts with (its first cell), -> the whole row."""
    rows = {}
    for line in TEXT.splitlines():
        if not line.startswith("| `"):
            continue
        first, rest = line.split("|")[1], line
        base = None
        for name in re.findall(r"`([^`]+)`", first):
            full = base.rsplit(".", 1)[0] + name if name.startswith(".") and base else name
            base = full if not name.startswith(".") else base
            rows[full.replace("[]", "")] = rest
    return rows


def test_every_schema_key_is_documented():
    keys, rows = schema_keys(load_schema("config")), documented_rows()
    missing = []
    for key, section in keys.items():
        plain = key.replace("[]", "")
        if plain in rows or section:
            continue
        parts = plain.split(".")
        ancestors = [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
        row = next((rows[a] for a in ancestors if a in rows), "")
        named = rf"`(\.?{re.escape(parts[-1])}|{re.escape(plain)})(`|:)"  # `key`, `.key` or `key: value`
        if not re.search(named, row) and not re.search(rf"`{re.escape(plain)}(`|:)", TEXT):
            missing.append(key)
    assert not missing, f"config/README.md does not document: {', '.join(missing)}"


def test_no_documented_key_is_missing_from_the_schema():
    keys = {key.replace("[]", "") for key in schema_keys(load_schema("config"))}
    stale = [key for key in documented_rows() if key not in keys]
    assert not stale, f"config/README.md documents keys the schema lacks: {', '.join(stale)}"
