"""Everything the report shows, gathered once into plain data (written as JSON),
so the HTML, the PDF and the workbook cannot disagree with each other."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import __version__
from ..marks import (
    MARK,
    findings_illustrative,
    illustrative_columns,
    rows_marked_once,
    wholly_illustrative,
    with_marked_columns,
)
from ..rob import Tool
from ..rob.figures import FIGURE_KINDS
from ..schemas import setting
from ..synthesis.accuracy_certainty import rated_domains
from ..synthesis.forest import number
from ..tables import split_list
from .references import reference_list


def inputs_digest(provenance: dict) -> str:
    """Short sha256 over the config and the input files' names and hashes, as the
    provenance records them (so the inputs are hashed once, by the provenance rule)."""
    digest = hashlib.sha256(json.dumps(provenance["config"], sort_keys=True).encode("utf-8"))
    for path, sha in sorted(provenance["inputs"].items()):
        digest.update(Path(path).name.encode("utf-8") + b"\0")
        digest.update(bytes.fromhex(sha))
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Tables:
    """The stage outputs a report is built from."""

    prisma: dict
    prisma_svg: str
    agreement: dict
    prioritisation: dict
    status: pd.DataFrame
    studies: pd.DataFrame
    publications: pd.DataFrame
    evidence: pd.DataFrame
    matrix: pd.DataFrame
    arms: pd.DataFrame
    rob: pd.DataFrame
    rob_missing: list[str]
    soe: pd.DataFrame
    analyses: pd.DataFrame
    estimates: pd.DataFrame
    forest: dict[str, str]
    changes: pd.DataFrame
    changes_summary: dict
    figures: dict[str, str]
    match_rules: dict[str, int]  # records merged into a citation, by the dedup rule that merged them
    awaiting: pd.DataFrame = field(default_factory=pd.DataFrame)  # work not done yet (studies/awaiting.csv)
    after_pooling: dict = field(default_factory=dict)  # synthesis/{sensitivity,bias,subgroups,metareg}.csv
    funnel: dict = field(default_factory=dict)  # funnel plots by analysis id
    after_plots: dict = field(default_factory=dict)  # leave-one-out, subgroup and bubble plots by file stem
    strategies: list = field(default_factory=list)  # {batch, database, text} of each export's search strategy
    authored: dict = field(default_factory=dict)  # the team's own sections, rendered (authored.py)
    accuracy: dict | None = None  # a diagnostic review's accuracy tables and figures (accuracy_step.py)
    rob_agreement: dict | None = None  # two reviewers' agreement per domain and differences still open (rob/dual.py)
    extraction_agreement: dict | None = None  # two reviewers' extraction agreement, differences open (studies/dual.py)


def build_context(config: dict, tables: Tables, tool: Tool, digest: str) -> dict:
    """Everything the templates and the workbook show, as plain data."""
    from ..certainty import load_system

    system = load_system(config.get("synthesis", {}).get("certainty"))
    references = reference_list(tables.publications)
    ref_numbers = {r["citation_id"]: r["number"] for r in references}
    study_refs = {
        s: [ref_numbers[c] for c in group["citation_id"]]
        for s, group in tables.publications.groupby("study_id", sort=False)
    }
    shown = ["intervention_types", "country", "setting", "n_randomised", "n_analysed"]  # the design's source is named
    study_rows = rows_marked_once(tables.studies, shown + _vocabulary_ids(config, "study_characteristics"))
    for row in study_rows:
        row["references"] = study_refs.get(row["study_id"], [])
    invented_n = {row["study_id"] for row in study_rows if "n_randomised" in row["illustrative_columns"]}
    randomised = {d["name"]: bool(d.get("randomised")) for d in config["vocabulary"]["designs"]}
    return {
        **_front_matter(config, digest),
        **_flow(tables, ref_numbers),
        "key_questions": _key_questions(config, tables, study_refs, invented_n, randomised, tool, system),
        "kq_ids": [kq["id"] for kq in config["key_questions"]],
        "studies": study_rows,
        "matrix": tables.matrix.to_dict("records"),
        "arms": rows_marked_once(
            tables.arms,
            ["name", "arm_type", "n_randomised", "n_analysed"] + _vocabulary_ids(config, "arm_characteristics"),
        ),
        "unmapped": _unmapped(tables),
        "publications_by_study": [
            {"study_id": s, "label": label, "references": [r for r in references if r["study_id"] == s]}
            for s, label in zip(tables.studies["study_id"], tables.studies["label"])
        ],
        **_risk_of_bias(config, tables, tool, randomised),
        "study_results": with_marked_columns(tables.estimates),
        "vocabulary": vocabulary_context(config["vocabulary"]),
        "synthesis": synthesis_context(config.get("synthesis", {})),
        "certainty": {
            "id": system.id,
            "name": system.name,
            "heading": system.heading,
            "reference": system.reference,
            "domains": [dict(d) for d in system.domains],
        },
        "versions": versions_context(tables),
        "changes": tables.changes.to_dict("records"),
        "dedup_rules": dedup_rules(tables.match_rules),
        "excluded_full_text": tables.status[tables.status["status"] == "excluded at full text"].to_dict("records"),
        "references": references,
        "illustrative_rows": sum(
            1
            for frame in (tables.studies, tables.evidence, tables.rob, tables.arms, tables.soe, tables.analyses)
            for value in frame["illustrative"]
            if value
        ),
        "dagger": MARK,
        "overview": study_overview(tables, [kq["id"] for kq in config["key_questions"]]),
        "authored": tables.authored,
        "strategies": tables.strategies,
        "unwritten": [s["title"] for s in tables.authored.values() if s["html"] is None],
        "awaiting": awaiting_context(tables.awaiting),
        **({"extraction_agreement": tables.extraction_agreement} if tables.extraction_agreement is not None else {}),
        # a diagnostic review's chapter; absent from a review of interventions, whose context is unchanged
        **(
            {"accuracy": accuracy_context(tables, tool, setting(config, "rob.palette"), study_refs, system)}
            if tables.accuracy is not None
            else {}
        ),
    }


def _key_questions(config, tables: Tables, study_refs, invented_n, randomised, tool: Tool, system) -> list[dict]:
    """One chapter's data per key question."""
    headings = {
        c["id"]: c["heading"]
        for kind in ("study_characteristics", "arm_characteristics")
        for c in config["vocabulary"].get(kind, [])
    }
    return [
        kq_section(
            declared,
            tables,
            study_refs,
            invented_n,
            randomised,
            tool,
            setting(config, "rob.palette"),
            headings=headings,
            system=system,
            outcome_ids=_vocabulary_ids(config, "outcome_columns"),
        )
        for declared in config["key_questions"]
    ]


def _risk_of_bias(config: dict, tables: Tables, tool: Tool, randomised: dict) -> dict:
    """The tool, its judgements and the review's assessments (and blind reviewers' agreement)."""
    rob = tables.rob
    return {
        "rob": with_marked_columns(rob),
        "rob_tool": config["rob"]["tool"],
        "tool": {
            "id": tool.id,
            "name": tool.name,
            "reference": tool.reference,
            "for_designs": tool.for_designs,
            "computes_overall": tool.overall["rule"] != "none",
        },
        "rob_design_mismatch": design_mismatches(tables.studies, tool, randomised),
        "rob_domains": [d["id"] for d in tool.domains],
        "rob_levels": {j["label"]: j["level"] for j in tool.judgements},
        "rob_disagreements": rob[rob["agrees"] == "false"].to_dict("records"),
        "rob_missing": tables.rob_missing,
        **({"rob_agreement": tables.rob_agreement} if tables.rob_agreement is not None else {}),
    }


def _unmapped(tables: Tables) -> list[dict]:
    """Included studies in no key question's evidence: in a review of interventions, those
    no comparison of which a KQ rule takes; in a diagnostic review, those without a 2x2
    table (every table is evidence of the review's key questions)."""
    if tables.accuracy is None:
        return tables.matrix[tables.matrix["mapped"] == "no"].to_dict("records")
    tabled = set(tables.accuracy["studies"]["study_id"])
    return [
        {**row, "unmapped_reason": "no 2x2 table in the accuracy sheet yet"}
        for row in tables.studies.to_dict("records")
        if row["study_id"] not in tabled
    ]


def accuracy_evidence(tables: Tables, study_refs: dict) -> list[dict]:
    """Each study's 2x2 tables in the main analyses (one per test and condition), with the
    study's design, setting, references and overall risk of bias: a diagnostic review's
    evidence table."""
    accuracy = tables.accuracy
    main = set(accuracy["analyses"].loc[accuracy["analyses"]["subgroup"] == "", "analysis_id"])
    rows = accuracy["studies"][accuracy["studies"]["analysis_id"].isin(main)]
    registry = tables.studies.set_index("study_id")
    judged = tables.rob.drop_duplicates("study_id").set_index("study_id") if len(tables.rob) else None
    out = []
    for row in rows.sort_values(["target_condition", "index_test", "label"], kind="stable").to_dict("records"):
        study = registry.loc[row["study_id"]] if row["study_id"] in registry.index else {}
        assessed = judged.loc[row["study_id"]] if judged is not None and row["study_id"] in judged.index else None
        overall = "" if assessed is None else assessed["overall"]
        marked = assessed is not None and "overall" in illustrative_columns(
            assessed["illustrative"], list(judged.columns)
        )
        out.append(
            {
                **row,
                "design": study.get("design", ""),
                "setting": study.get("setting", ""),
                "references": study_refs.get(row["study_id"], []),
                "participants": sum(int(row[cell]) for cell in ("tp", "fp", "fn", "tn")),
                "quality": overall,
                "quality_illustrative": bool(overall) and marked,
            }
        )
    return out


def accuracy_context(tables: Tables, tool: Tool, palette: str, study_refs: dict | None = None, system=None) -> dict:
    """A diagnostic review's chapter: each test and condition's analysis with its figures,
    the subgroups by threshold and setting, the comparisons of tests, and the risk of bias
    (and, with QUADAS-2, the concerns about applicability) of every study analysed; for
    its key questions, the evidence table and the certainty of each test's sensitivity
    and specificity."""
    from ..rob.figures import traffic_light, traffic_light_parts

    accuracy = tables.accuracy
    analysed = accuracy["studies"].drop_duplicates("study_id").sort_values("label", kind="stable")
    # each analysed study's first assessment, empty cells where it has none yet
    columns = [d["id"] for d in (*tool.domains, *tool.applicability)] + ["overall"]
    assessed = tables.rob.drop_duplicates("study_id").set_index("study_id").reindex(analysed["study_id"])
    assessed = assessed.reindex(columns=columns).fillna("")

    def rows(domains: tuple[dict, ...], overall: bool) -> list[dict]:
        judged = assessed[[d["id"] for d in domains]].to_numpy().tolist()
        overalls = assessed["overall"] if overall else [""] * len(assessed)
        return [
            {"label": label, "domains": marks, "overall": stated}
            for label, marks, stated in zip(analysed["label"], judged, overalls)
        ]

    title = f"Risk of bias of each study analysed ({tool.name})"
    risk = traffic_light_parts(rows(tool.domains, True), tool, palette, title) if len(analysed) else []
    concerns = ""
    if tool.applicability and len(analysed):
        heading = f"Concerns about the applicability of each study analysed ({tool.name})"
        concerns = traffic_light(rows(tool.applicability, False), tool.concerns(), palette, heading)
    analyses = accuracy["analyses"].to_dict("records")
    figures = accuracy["figures"]
    main = [
        {
            **row,
            "forest": figures.get(f"{row['analysis_id']}.forest", ""),
            "sroc": figures.get(f"{row['analysis_id']}.sroc", ""),
        }
        for row in analyses
        if not row["subgroup"]
    ]
    return {
        "analyses": main,
        "subgroups": [row for row in analyses if row["subgroup"]],
        "comparisons": accuracy["comparisons"].to_dict("records"),
        "studies": accuracy["studies"].to_dict("records"),
        "risk_of_bias": risk,
        "applicability": concerns,
        "evidence": accuracy_evidence(tables, study_refs or {}),
        "certainty": with_marked_columns(accuracy["certainty"]) if "certainty" in accuracy else [],
        "certainty_domains": rated_domains(system) if system is not None else [],
        "tables": len(
            accuracy["studies"].drop_duplicates(
                ["study_id", "index_test", "threshold", "reference_standard", "target_condition"]
            )
        ),
    }


def awaiting_context(awaiting: pd.DataFrame) -> dict:
    """Included citations not under a study yet, and studies not extracted yet."""
    if awaiting.empty:
        return {"linking": [], "extraction": []}
    return {
        "linking": awaiting[awaiting["kind"] == "citation"].to_dict("records"),
        "extraction": awaiting[awaiting["kind"] == "study"].to_dict("records"),
    }


def _traffic_light_parts(kq_id: str, tables: Tables, tool: Tool | None, palette: str) -> list[str]:
    """The KQ's traffic light drawn again in page-sized parts for the report (the figure
    file of the risk-of-bias stage stays whole)."""
    from ..rob.figures import traffic_light_parts, traffic_light_rows

    whole = tables.figures.get(f"traffic_light_{kq_id}", "")
    if tool is None or tables.rob.empty or "study_id" not in tables.evidence:
        return [whole] if whole else []
    rows, _ = traffic_light_rows(tool, kq_id, tables.studies, tables.evidence, tables.rob)
    if not rows:
        return [whole] if whole else []
    return traffic_light_parts(rows, tool, palette, f"{kq_id}: risk of bias of each study ({tool.name})")


def study_overview(tables: Tables, kq_ids: list[str]) -> list[dict]:
    """Studies (publications) by intervention type, comparison group and key question,
    counted from the mapping, with an 'Any' row per intervention type; a count is marked
    illustrative when one of its comparisons rests on illustrative arms."""
    evidence = tables.evidence
    if evidence.empty:
        return []
    pubs = tables.publications.groupby("study_id").size().to_dict()
    kinds = {s["study_id"]: split_list(s["intervention_types"]) or [""] for s in tables.studies.to_dict("records")}
    arm_columns = {"intervention", "comparator", "intervention_n", "comparator_n"}
    cells: dict = {}
    for row in with_marked_columns(evidence):
        shaky = bool(arm_columns & set(row["illustrative_columns"]))
        for kind in kinds.get(row["study_id"], [""]):
            for group in (row["kq_group_title"], "Any"):
                cell = cells.setdefault((kind, group, row["kq"]), {"studies": set(), "illustrative": False})
                cell["studies"].add(row["study_id"])
                cell["illustrative"] |= shaky
    out = []
    for kind in sorted({k for k, _, _ in cells}):
        groups = list(dict.fromkeys(g for k, g, _ in cells if k == kind and g != "Any")) + ["Any"]
        for group in groups:
            row = {"intervention": kind, "group": group, "cells": {}}
            for kq in kq_ids:
                cell = cells.get((kind, group, kq))
                if cell:
                    studies = cell["studies"]
                    row["cells"][kq] = {
                        "studies": len(studies),
                        "publications": sum(pubs.get(s, 0) for s in studies),
                        "illustrative": cell["illustrative"],
                    }
            mine = set().union(*(c["studies"] for (k, g, _), c in cells.items() if k == kind and g == group))
            row["total"] = {"studies": len(mine), "publications": sum(pubs.get(s, 0) for s in mine)}
            out.append(row)
    return out


def _vocabulary_ids(config: dict, items: str) -> list[str]:
    return [c["id"] for c in config["vocabulary"].get(items, [])]


EVIDENCE_VALUES = ["intervention", "intervention_n", "comparator", "comparator_n", "delivery"]


PICOTS = [
    ("population", "Population"),
    ("interventions", "Interventions"),
    ("comparators", "Comparators"),
    ("outcomes", "Outcomes"),
    ("timing", "Timing"),
    ("setting", "Setting"),
    ("study_designs", "Study designs"),
]


def flow_marks(status: pd.DataFrame) -> dict:
    """Which counts of the flow rest on illustrative decisions or invented records: the
    count of such citations, and the boxes (screened, excluded at title/abstract, each
    full-text exclusion reason) that include any of them."""
    marked = status[status["illustrative"] != ""] if "illustrative" in status else status.iloc[0:0]
    return {
        "citations": int(len(marked)),
        "screened": bool(len(marked)),
        "excluded": bool((marked["title_abstract"] == "exclude").any()),
        "full_text_reasons": sorted(set(marked.loc[marked["status"] == "excluded at full text", "exclusion_reason"])),
    }


def suggested_citation(config: dict) -> str:
    """Authors. Title. Evidence report, version V; searches to D."""
    review = config["review"]
    authors = ", ".join(review.get("authors") or ["reviewflow"])
    version = f", version {review['version']}" if review.get("version") else ""
    searched = config["searches"][-1]["date_searched"]
    return f"{authors}. {review['title'].rstrip('.')}. Evidence report{version}; searches to {searched}."


def _front_matter(config: dict, digest: str) -> dict:
    latest = config["searches"][-1]
    return {
        "review": {
            "short_title": "",
            "citation": "",
            "version": "",
            "notice": "",
            "authors": ["reviewflow"],
            "funding": "",
            "eligibility": {},
            **config["review"],
        },
        "suggested_citation": config["review"].get("suggested_citation") or suggested_citation(config),
        # the running header: the short title, as a CSS string (it must fit the page head)
        "running_title_css": re.sub(r'[\\"<>]', "", config["review"].get("short_title") or config["review"]["title"]),
        "picots": [
            (label, config["review"].get("eligibility", {})[key])
            for key, label in PICOTS
            if config["review"].get("eligibility", {}).get(key)
        ],
        "batch": {"name": latest["batch"], "date_searched": latest["date_searched"]},
        "searches": config["searches"],
        "digest": digest,
        "reviewflow_version": __version__,
    }


def _flow(tables: Tables, ref_numbers: dict[str, int]) -> dict:
    """The flow of citations: PRISMA boxes, counts, what the latest search added, agreement."""
    prisma, status = tables.prisma, tables.status
    labels = tables.studies.set_index("study_id")["label"].to_dict()
    return {
        "flow_marks": flow_marks(status),
        "prisma": prisma["prisma"],
        "prisma_svg": tables.prisma_svg,
        "batches": prisma["batches"],
        "totals": {
            "records": sum(b["records"] for b in prisma["batches"]),
            "set_aside": sum(b["set_aside"] for b in prisma["batches"]),
            "citations": int(len(status)),
            "included_reports": int(len(tables.publications)),
            "included_studies": int(len(tables.studies)),
        },
        "new_since_previous": {
            "citations": prisma["new_citations"],
            "already_known_records": prisma["already_known_records"],
            "includes": [
                {**inc, "label": labels.get(inc["study_id"], ""), "reference": ref_numbers.get(inc["citation_id"])}
                for inc in prisma["new_includes"]
            ],
        },
        "agreement": tables.agreement,
        "prioritisation": tables.prioritisation,
        "screening_status": status["status"].value_counts().sort_index().to_dict(),
    }


def kq_section(
    declared: dict,
    tables: Tables,
    study_refs: dict,
    invented_n: set[str],
    randomised: dict,
    tool: Tool | None = None,
    palette: str = "cochrane",
    headings: dict | None = None,
    system=None,
    outcome_ids: list[str] | None = None,
) -> dict:
    """One key question's chapter: evidence rows by group, counts, RoB, SOE and figures;
    `headings`: the vocabulary's heading of each characteristic id, for readers;
    `outcome_ids`: the vocabulary's outcome columns of the evidence table."""
    kq = {"subgroups": [], "sub_questions": {}, **declared}
    kq["subgroups"] = [s["name"] if isinstance(s, dict) else s for s in kq["subgroups"]]  # analysed or named only
    rows = tables.evidence[tables.evidence["kq"] == kq["id"]]
    rob_by_study = tables.rob.set_index("study_id")
    outcome_ids = list(outcome_ids or [])
    groups = []
    for name, group in rows.groupby("kq_group", sort=False):
        group_rows = with_marked_columns(group)
        for row in group_rows:
            row["references"] = study_refs.get(row["study_id"], [])
            row["quality"] = rob_by_study["overall"].get(row["study_id"], "")
            row["quality_illustrative"] = bool(rob_by_study["illustrative"].get(row["study_id"], ""))
            row["wholly_illustrative"] = wholly_illustrative(row, EVIDENCE_VALUES + outcome_ids)
        groups.append({"name": name, "title": group["kq_group_title"].iloc[0], "rows": group_rows})
    kq_studies = sorted(set(rows["study_id"]))
    sizes = tables.studies.loc[tables.studies["study_id"].isin(kq_studies), "n_randomised"]
    known_n = sizes[sizes != ""].astype(int)
    designs = tables.studies.loc[tables.studies["study_id"].isin(kq_studies), "design"]
    soe_rows = with_marked_columns(tables.soe[tables.soe["kq"] == kq["id"]])
    for row in soe_rows:  # a count of participants is only as sourced as the Ns it adds up
        row["participants_illustrative"] = "participants" in row["illustrative_columns"] or any(
            s in invented_n for s in split_list(row.get("study_ids", ""))
        )
        row["has_forest"] = row["analysis_id"] in tables.forest
        row["findings_illustrative"] = findings_illustrative(row)
        row["downgrades"] = certainty_reasons(row, system) if system else ""
    return {
        **kq,
        "groups": groups,
        "rules": declared["groups"],
        "n_studies": len(kq_studies),
        "n_comparisons": len(rows),
        "n_participants": int(known_n.sum()),
        "n_studies_with_n": len(known_n),
        "n_participants_illustrative": any(s in invented_n for s in kq_studies),
        # the summary bars are shares of judgements: say how many of them are illustrative
        "n_rob_illustrative": int(
            tables.rob.drop_duplicates("study_id")
            .pipe(lambda r: r["study_id"].isin(kq_studies) & r["illustrative"].astype(bool))
            .sum()
        )
        if "illustrative" in tables.rob
        else 0,
        # participants are randomised in trials, enrolled in other designs
        "participants_verb": "randomised" if all(randomised.get(d, False) for d in designs) else "enrolled",
        "rob": with_marked_columns(tables.rob[tables.rob["study_id"].isin(kq_studies)]),
        "soe": soe_rows,
        "forests": forest_section(kq["id"], tables),
        "after_pooling": after_pooling_rows(kq["id"], tables, headings or {}),
        "figures": {kind: tables.figures.get(f"{kind}_{kq['id']}", "") for kind in FIGURE_KINDS},
        "traffic_light_parts": _traffic_light_parts(kq["id"], tables, tool, palette),
    }


def certainty_reasons(row: dict, system) -> str:
    """GRADE's footnotes: each domain that lowered or raised the certainty, with its value
    (the team's, else the criteria's); '' for systems that grade otherwise."""
    if not any(d.get("effect") for d in system.domains):
        return ""
    down, up = [], []
    for domain in system.domains:
        value = row.get(domain["id"], "") or row.get(f"{domain['id']}_by_rule", "")
        if value in domain["values"] and domain["values"].index(value) > 0:
            (down if domain.get("effect") == "down" else up).append(f"{domain['heading'].lower()} ({value.lower()})")
    parts = ([f"Downgraded: {'; '.join(down)}"] if down else []) + ([f"Upgraded: {'; '.join(up)}"] if up else [])
    return ". ".join(parts)


def after_pooling_rows(kq_id: str, tables: Tables, headings: dict) -> list[dict]:
    """One row per pooled analysis of the KQ: the estimate without the studies at the tool's
    worst judgement, the range of leave-one-out estimates, small-study effects, and the
    tests for subgroup differences and meta-regression slopes, each in words."""
    after = tables.after_pooling
    if not after or tables.analyses.empty:
        return []
    rows = []
    pooled = tables.analyses[(tables.analyses["kq"] == kq_id) & (tables.analyses["k"].astype(int) > 1)]
    for analysis in pooled.to_dict("records"):
        ident = analysis["analysis_id"]
        sens = after["sensitivity"][after["sensitivity"]["analysis_id"] == ident]
        loo = sens[sens["kind"] == "leave one out"]["estimate"].astype(float)
        without = sens[sens["kind"] == "without high risk of bias"].to_dict("records")
        bias = after["bias"][after["bias"]["analysis_id"] == ident].to_dict("records")
        subgroups = after["subgroups"][after["subgroups"]["analysis_id"] == ident]
        tests = [
            f"{name}: p = {_p(group['q_between_p'].iloc[0])}"
            if group["q_between_p"].iloc[0]
            else f"{name}: " + group["note"].iloc[0]
            for name, group in subgroups.groupby("subgroup", sort=False)
        ]
        slopes = [
            f"{headings.get(r['covariate'], r['covariate'])}: slope {number(r['slope'], 3)}, p = {_p(r['slope_p'])}, "
            f"R² {float(r['r2']):.0f}%"
            if r["slope"]
            else f"{headings.get(r['covariate'], r['covariate'])}: too few studies with a value"
            for r in after["metareg"][after["metareg"]["analysis_id"] == ident].to_dict("records")
        ]
        rows.append(
            {
                **analysis,
                "pooled_text": f"{analysis['measure']} {number(analysis['estimate'])} ({analysis['k']})",
                "funnel": tables.funnel.get(ident, ""),
                "plots": [svg for stem, svg in sorted(tables.after_plots.items()) if stem.split(".")[0] == ident],
                "loo_range": f"{number(loo.min())} to {number(loo.max())}" if len(loo) else "",
                "without": _without_text(without[0]) if without else "",
                "bias": bias[0] if bias else {},
                "subgroup_tests": tests,
                "slopes": slopes,
            }
        )
    return rows


def _without_text(row: dict) -> str:
    if not row.get("estimate"):
        return row.get("note", "")
    return f"{number(row['estimate'])} ({number(row['ci_low'])} to {number(row['ci_high'])}; k = {row['k']})"


def _p(value) -> str:
    p_value = float(value)
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def versions_context(tables: Tables) -> dict:
    """The review's place among its versions (PRISMA-LSR): this version's number among all,
    the preceding one, what triggered the update, and the flow of counts across versions."""
    summary = tables.changes_summary
    current = summary["current"]
    frozen = summary["versions"]
    names = [v["version"] for v in frozen]
    everything = names if current["version"] in names else [*names, current["version"]]
    now = {
        "version": current["version"],
        "date": tables.prisma["prisma"]["latest_batch"],
        "batches": current["batches"],
        "counts": {
            "records": sum(b["records"] for b in tables.prisma["batches"]),
            "citations": int(len(tables.status)),
            "studies": int(len(tables.studies)),
            "reports": int(len(tables.publications)),
        },
        "this_run": True,
    }
    rows = [v for v in frozen if v["version"] != current["version"]] + [now]
    return {
        "number": everything.index(current["version"]) + 1 if current["version"] else None,
        "of": len(everything),
        "baseline": summary["baseline"],
        "trigger": summary["trigger"],
        "counts": summary["counts"],
        "table": rows if frozen else [],
    }


def synthesis_context(section: dict) -> dict:
    """The synthesis settings as they ran, defaults filled in, for the methods."""
    from ..synthesis.analyses import Settings

    settings = Settings.from_config(section)
    return {
        "method": settings.method,
        "hksj": settings.hksj,
        "continuous_measure": settings.continuous_measure,
        "binary_measure": settings.binary_measure,
        "smd_mid": settings.smd_mid,
        "ratio_mid": settings.ratio_mid,
        "rd_mid": settings.rd_mid,
        "optimal_information_size": settings.optimal_information_size,
        "i2_inconsistent": settings.i2_inconsistent,
        "double_zero": settings.double_zero,
        "small_study_min_k": settings.small_study_min_k,
        "small_study_alpha": settings.small_study_alpha,
        "metaregression": list(settings.metaregression),
        "measures": list(settings.measures.values()),
    }


def forest_section(kq_id: str, tables: Tables) -> list[dict]:
    """The KQ's forest plots, in the order of its analyses, each with the studies that
    report the outcome but could not be pooled and why."""
    out = []
    for analysis in tables.analyses[tables.analyses["kq"] == kq_id].to_dict("records"):
        if analysis["analysis_id"] not in tables.forest:
            continue
        rows = tables.estimates[tables.estimates["analysis_id"] == analysis["analysis_id"]]
        used = set(rows.loc[rows["pooled"] == "yes", "study_id"])
        left_out = rows[(rows["pooled"] == "no") & ~rows["study_id"].isin(used)].drop_duplicates("study_id")
        out.append(
            {
                **analysis,
                "svg": tables.forest[analysis["analysis_id"]],
                "left_out": left_out[["label", "reason"]].to_dict("records"),
            }
        )
    return out


def vocabulary_context(vocabulary: dict) -> dict:
    """The review's vocabulary with every optional list present, for the templates."""
    out = {"arm_characteristics": [], "study_characteristics": [], "timepoints": [], "glossary": {}, **vocabulary}
    out["delivery_headings"] = [c["heading"] for c in out["arm_characteristics"] if c.get("delivery")]
    out["evidence_characteristics"] = [c for c in out["study_characteristics"] if c.get("evidence_table")]
    return out


def design_mismatches(studies: pd.DataFrame, tool: Tool, randomised: dict[str, bool]) -> list[dict]:
    """Studies whose design the risk-of-bias tool is not made for (RoB 2 on a cohort study,
    ROBINS-I on a trial): listed, never silently assessed."""
    return [
        {"study_id": row["study_id"], "label": row["label"], "design": row["design"]}
        for row in studies.to_dict("records")
        if not tool.fits(randomised.get(row["design"], False))
    ]


def dedup_rules(match_rules: dict[str, int]) -> list[dict]:
    """How many records each dedup rule (or a reviewer) merged into a citation, strongest first."""
    from ..dedup.rules import RULES

    merged = {rule: int(n) for rule, n in match_rules.items() if rule and rule != "first"}
    rank = {rule: i for i, rule in enumerate(RULES)}
    ordered = sorted(merged, key=lambda rule: (rank.get(rule, len(rank)), rule))
    return [{"rule": rule, "records": merged[rule]} for rule in ordered]
