"""`reviewflow search rename`: rename an export file and carry its decisions along.

A record's id is a hash of its batch, its export's file name and its text (see
ingest/ids.py), and a citation is named after its earliest record, so renaming an
export moves the ids of its records and of the citations they name. This command
renames the file, its `file:` entry in the config, and every cell of the review's
sheets and frozen versions that holds one of the old ids, all checked first and
each file written whole; a decision keyed by DOI or PMID needs no change.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from .errors import ReviewflowError
from .layout import SHEETS, Layout
from .sheets import atomic_write_text


def id_changes(path: Path, batch: str, new_name: str, format: str | None) -> dict[str, str]:
    """Old record and citation ids of one export -> the ids it has under its new name."""
    from .ingest import load

    before, aside_before = load(path, source="", search=batch, format=format, on_error="skip")
    with tempfile.TemporaryDirectory() as folder:
        renamed = Path(folder) / new_name
        shutil.copyfile(path, renamed)
        after, aside_after = load(renamed, source="", search=batch, format=format, on_error="skip")
    old = [*before["record_id"], *aside_before.get("record_id", [])]
    new = [*after["record_id"], *aside_after.get("record_id", [])]
    changes = dict(zip(old, new))
    changes.update({"C" + o[1:]: "C" + n[1:] for o, n in zip(old, new)})  # a citation named after its record
    return changes


def _rewritten(path: Path, changes: dict[str, str]) -> tuple[str, int] | None:
    """The CSV's text with every cell that is an old id replaced, and how many; None if none."""
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    count = 0
    for row in rows[1:]:
        for index, cell in enumerate(row):
            if cell.strip() in changes:
                row[index] = changes[cell.strip()]
                count += 1
    if not count:
        return None
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue(), count


def rename_export(config_file: str, batch: str, old: str, new: str) -> tuple[int, list[str]]:
    """Rename export `old` of `batch` to `new`; returns (cells changed, files changed)."""
    from ruamel.yaml import YAML

    from .pipeline import load_config
    from .scaffold import BATCH

    config = load_config(config_file)
    layout = Layout(config)
    entry = next((e for s in config["searches"] if s["batch"] == batch for e in s["exports"] if e["file"] == old), None)
    if entry is None:
        raise ReviewflowError(f"batch '{batch}' declares no export '{old}'", file=config_file)
    if not BATCH.fullmatch(new) or "/" in new:
        raise ReviewflowError(f"'{new}' is not a file name the config can hold; use letters, digits, '.', '_', '-'")
    source, target = Path(layout.export_file(batch, old)), Path(layout.export_file(batch, new))
    if target.exists():
        raise ReviewflowError("exists already; choose another name", file=str(target))
    changes = id_changes(source, batch, new, entry.get("format"))
    sheets = [Path(p) for s, k in SHEETS if (p := layout.sheet(s, k)) and Path(p).suffix.lower() == ".csv"]
    versions = sorted(Path(layout.resource("versions")).glob("*/*.csv"))
    planned = {path: result for path in [*sheets, *versions] if (result := _rewritten(path, changes))}

    yaml = YAML()
    yaml.preserve_quotes = True
    document = yaml.load(Path(config_file).read_text(encoding="utf-8"))
    for search in document["searches"]:
        for export in search["exports"] if search["batch"] == batch else []:
            if export["file"] == old:
                export["file"] = new
    buffer = io.StringIO()
    yaml.dump(document, buffer)

    for path, (text, _) in planned.items():
        atomic_write_text(path, text)
    os.replace(source, target)
    atomic_write_text(config_file, buffer.getvalue())
    return sum(count for _, count in planned.values()), [str(p) for p in planned]
