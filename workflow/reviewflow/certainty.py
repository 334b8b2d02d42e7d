"""Certainty systems as data: the AHRQ strength-of-evidence method and GRADE, each a
YAML file in certainty_systems/ naming its domains (sheet column, heading, values best first,
whether the criteria suggest it, and for GRADE whether it lowers or raises certainty),
its levels and, for GRADE, where evidence starts. The config chooses one
(`synthesis.certainty`); the soe sheet's columns, the rules' suggestions, the report's
tables and the workbook all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from .errors import ReviewflowError

SYSTEMS_DIR = Path(__file__).resolve().parent / "certainty_systems"
SHIPPED = tuple(sorted(p.stem for p in SYSTEMS_DIR.glob("*.yaml")))
DEFAULT = "ahrq-soe"


@dataclass(frozen=True)
class System:
    id: str
    name: str
    heading: str
    reference: str
    domains: tuple[dict, ...]
    grades: tuple[str, ...]
    start: dict

    @property
    def ruled(self) -> list[str]:
        """The domains the criteria suggest, then the overall grade."""
        return [d["id"] for d in self.domains if d.get("rule")] + ["grade"]

    @property
    def lowering(self) -> list[dict]:
        """The domains that can only lower certainty: all but GRADE's upgrading ones (large
        effect, dose-response, confounding), which are about effects, not test accuracy."""
        return [d for d in self.domains if d.get("effect") != "up"]

    def domain(self, name: str) -> dict:
        return next(d for d in self.domains if d["id"] == name)


@cache
def load_system(name: str | None) -> System:
    name = name or DEFAULT
    if name not in SHIPPED:
        raise ReviewflowError(f"unknown certainty system '{name}'; allowed: {', '.join(SHIPPED)}")
    data = yaml.safe_load((SYSTEMS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return System(
        data["id"],
        data["name"],
        data["heading"],
        data["reference"],
        tuple(data["domains"]),
        tuple(data["grades"]),
        data.get("start", {}),
    )


def grade_grade(system: System, judged: dict[str, str], randomised: bool) -> str:
    """GRADE's certainty: the start by design, one level down per 'serious' (two per 'very
    serious' or 'strongly suspected' publication bias counts one), up for the upgrading
    domains only where evidence started Low; never beyond the scale."""
    level = system.grades.index(system.start["randomised" if randomised else "other"])
    for domain in system.domains:
        value = judged.get(domain["id"], "")
        if value not in domain["values"]:
            continue
        steps = domain["values"].index(value)
        if domain.get("effect") == "down":
            level += steps
        elif domain.get("effect") == "up" and not randomised:
            level -= steps
    return system.grades[max(0, min(level, len(system.grades) - 1))]
