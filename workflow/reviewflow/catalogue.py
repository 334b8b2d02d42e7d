"""The catalogue of a review's frozen versions (`<resources>/versions/<version>/`): which
there are, which one a run is compared with, their summaries, and which result files a
snapshot keeps. No path of a run is built here (the layout asks this module, never the
other way round), so the stages and the layout import it without a cycle."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .places import resources_folder

# snapshot file -> ((the job, its output) whose file the layout names, columns kept; None for all)
SNAPSHOT = {
    "records.csv": (("dedup", "records"), ["record_id", "search", "source", "citation_id"]),
    "citations.csv": (("dedup", "citations"), ["citation_id", "first_search", "title", "year"]),
    "status.csv": (
        ("screen", "status"),
        ["citation_id", "title_abstract", "full_text", "status", "exclusion_reason"],
    ),
    "studies.csv": (("studies", "studies"), None),
    "publications.csv": (("studies", "publications"), ["study_id", "citation_id"]),
    "arms.csv": (("studies", "arms"), None),
    "outcomes.csv": (("studies", "outcomes"), None),
    "rob.csv": (("rob", "table"), None),
    "soe.csv": (("synthesis", "soe"), None),
    "analyses.csv": (("synthesis", "analyses"), None),
}


def _version_key(name: str) -> list:
    """Versions in natural order: 2 before 10, 1.2 before 1.10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def frozen_versions(resources: str | Path) -> list[str]:
    folder = Path(resources) / "versions"
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if (p / "version.json").is_file()), key=_version_key)


def baseline_version(config: dict) -> str | None:
    """The version this run is compared with: the latest frozen one before the config's
    version, or the config's own once it is frozen (then only later edits show)."""
    frozen = frozen_versions(resources_folder(config))
    current = str(config["review"].get("version", ""))
    if current in frozen:
        return current
    earlier = [v for v in frozen if _version_key(v) < _version_key(current)] if current else frozen
    return earlier[-1] if earlier else None


def version_rows(config: dict) -> list[dict]:
    """Every frozen version's summary, oldest first, for the flow across versions."""
    folder = Path(resources_folder(config)) / "versions"
    return [
        json.loads((folder / v / "version.json").read_text(encoding="utf-8"))
        for v in frozen_versions(resources_folder(config))
    ]
