"""Risk of bias: tools defined as data, overall judgements computed and checked.

A tool (tools/*.yaml, or a team's own file of the same shape) lists its
domains, its judgements best first with a level each (low, some, high,
critical, ni), and the rule its guidance gives for the overall judgement.
The reviewer's stated overall is always kept; where it differs from the
rule's, the row is flagged, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from ..errors import ReviewflowError
from ..schemas import explain, load_schema

TOOLS_DIR = Path(__file__).resolve().parent / "tools"
SHIPPED = tuple(sorted(p.stem for p in TOOLS_DIR.glob("*.yaml")))

PALETTES = {
    "cochrane": {"low": "#02C100", "some": "#E2DF07", "high": "#BF0000", "critical": "#820000", "ni": "#4EA1F7"},
    "colourblind": {"low": "#FED98E", "some": "#FE9929", "high": "#D95F0E", "critical": "#993404", "ni": "#FFFFFF"},
}
SYMBOLS = {"low": "+", "some": "\u2212", "high": "\u00d7", "critical": "!", "ni": "?"}


@dataclass(frozen=True)
class Tool:
    id: str
    name: str
    domains: tuple[dict, ...]
    judgements: tuple[dict, ...]
    overall: dict
    reference: str = ""
    for_designs: str = "any"
    aliases: tuple[tuple[str, str], ...] = ()  # (another word, the judgement it means)
    applicability: tuple[dict, ...] = ()  # QUADAS-2's concerns: judged per study, never in the overall

    def concerns(self) -> Tool:
        """The applicability concerns as a tool of their own, for their traffic light."""
        overall = {"rule": "none", "column": False}  # no overall judgement of applicability
        return Tool(self.id, f"{self.name}: applicability concerns", self.applicability, self.judgements, overall)

    def fits(self, randomised: bool) -> bool:
        """Whether the tool is made for a study of this kind (randomised or not)."""
        return self.for_designs == "any" or (self.for_designs == "randomised") == randomised

    @property
    def labels(self) -> list[str]:
        return [j["label"] for j in self.judgements]

    def level(self, label: str) -> str:
        return next(j["level"] for j in self.judgements if j["label"] == label)

    def canonical(self, text: str) -> str | None:
        """The tool's label for a judgement as typed (case and spacing forgiven)."""
        folded = " ".join(str(text).split()).casefold()
        words = [(label, label) for label in self.labels] + list(self.aliases)
        return next((label for word, label in words if word.casefold() == folded), None)

    def compute_overall(self, domains: list[str]) -> str | None:
        """The overall judgement the tool's guidance gives for these domain judgements."""
        rule = self.overall["rule"]
        if rule == "none" or not domains:
            return None
        if rule == "all-low-any-high":
            if all(d == self.overall["low"] for d in domains):
                return self.overall["low"]
            if any(d == self.overall["high"] for d in domains):
                return self.overall["high"]
            return self.overall["middle"]
        # worst: the most severe domain, with 'no information' as the guidance says
        ni = self.overall.get("no_information")
        rated = [d for d in domains if d != ni]
        worst = max(rated, key=self.labels.index) if rated else None
        if ni and ni in domains:
            threshold = self.labels.index(self.overall["no_information_below"])
            if worst is None or self.labels.index(worst) < threshold:
                return ni
        return worst

    def agrees(self, stated: str, computed: str | None, domains: list[str]) -> bool | None:
        """Whether the stated overall follows the rule (None where the tool has none)."""
        if computed is None:
            return None
        if stated == computed:
            return True
        raise_after = self.overall.get("may_raise_to_high_from_middle_domains")
        if raise_after and stated == self.overall["high"] and computed == self.overall["middle"]:
            return sum(d == self.overall["middle"] for d in domains) >= raise_after
        return False


def load_tool(name_or_path: str) -> Tool:
    """A shipped tool by id, or a tool file (YAML) a team wrote, checked against its schema."""
    path = TOOLS_DIR / f"{name_or_path}.yaml" if name_or_path in SHIPPED else Path(name_or_path)
    if not path.is_file():
        raise ReviewflowError(
            f"unknown risk-of-bias tool '{name_or_path}'; use one of {', '.join(SHIPPED)} or a tool file"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ReviewflowError("is not UTF-8 text", file=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ReviewflowError(f"is not valid YAML{where}", file=str(path)) from None
    if not isinstance(data, dict):
        raise ReviewflowError("is not a YAML mapping of tool keys", file=str(path))
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(load_schema("rob_tool")).iter_errors(data))
    if error is not None:
        location, problem = explain(error)
        raise ReviewflowError(f"key '{location}' {problem}", file=str(path))
    labels = [j["label"] for j in data["judgements"]]
    for key in ("low", "middle", "high", "no_information", "no_information_below"):
        if key in data["overall"] and data["overall"][key] not in labels:
            raise ReviewflowError(
                f"key 'overall.{key}' '{data['overall'][key]}' is not one of the judgements: {', '.join(labels)}",
                file=str(path),
            )
    for word, label in data.get("aliases", {}).items():
        if label not in labels:
            raise ReviewflowError(
                f"key 'aliases.{word}' '{label}' is not one of the judgements: {', '.join(labels)}", file=str(path)
            )
    return Tool(
        data["id"],
        data["name"],
        tuple(data["domains"]),
        tuple(data["judgements"]),
        data["overall"],
        data.get("reference", ""),
        data.get("for_designs", "any"),
        tuple(data.get("aliases", {}).items()),
        tuple(data.get("applicability", [])),
    )


def sheet_schema(tool: Tool) -> dict:
    """The schema of an assessment sheet for this tool: one column per domain, each
    with a support column, then the stated overall."""
    judgement = {"enum": tool.labels}
    properties = {
        "study_id": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9-]*$",
            "description": "a study_id from the study registry (lower-case letters, digits and '-')",
        },
        "outcome": {"type": "string", "description": "optional: the outcome this assessment is for"},
    }
    for domain in tool.domains:
        properties[domain["id"]] = judgement
        properties[f"{domain['id']}_support"] = {"type": "string"}
    for domain in tool.applicability:  # optional: a sheet made before they were asked for stays valid
        properties[domain["id"]] = judgement
        properties[f"{domain['id']}_support"] = {"type": "string"}
    properties.update(overall=judgement, support={"type": "string"}, source={"type": "string"})
    properties["illustrative"] = {
        "type": "string",
        "pattern": "^(all|[A-Za-z0-9_]+(; ?[A-Za-z0-9_]+)*)$",
        "description": "'all', or the columns (separated by '; ') whose values are demonstration values",
    }
    return {
        "title": f"Risk-of-bias assessments ({tool.name})",
        "properties": properties,
        "required": ["study_id", *[d["id"] for d in tool.domains], "overall"],
        "x-unique": ["study_id", "outcome"],
    }
