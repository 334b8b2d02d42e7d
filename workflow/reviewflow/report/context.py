"""Everything the report shows, gathered once into plain data (written as JSON),
so the HTML, the PDF and the workbook cannot disagree with each other."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import __version__
from ..studies import illustrative_columns
from ..tables import MARK, split_list



def inputs_digest(paths: list[str | Path], config: dict) -> str:
    """Short sha256 over the input files' names and bytes and the config."""
    import json

    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode("utf-8"))
    for path in sorted(str(p) for p in paths):
        digest.update(Path(path).name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()[:12]


def vancouver(pub: dict) -> str:
    """A reference in the AMA/Vancouver style: six authors at most, then 'et al'."""
    names = [_initials(a) for a in split_list(pub["authors"])]
    authors = ", ".join(names[:3]) + ", et al" if len(names) > 6 else ", ".join(names)
    title = pub["title"].rstrip(".")
    parts = [f"{authors}." if authors else "", f"{title}."]
    if pub["journal"]:
        where = f"{pub['journal']}. {pub['year']}"
        if pub["volume"]:
            where += f";{pub['volume']}"
            where += f"({pub['issue']})" if pub["issue"] else ""
        where += f":{pub['pages']}" if pub["pages"] else ""
        parts.append(where + ".")
    else:
        parts.append(f"{pub['year']}.")
    return " ".join(p for p in parts if p)


def _initials(author: str) -> str:
    surname, _, given = author.partition(",")
    letters = "".join(part[0] for part in given.replace("-", " ").split() if part[0].isalpha())
    if given.strip().isupper() and " " not in given.strip():
        letters = given.strip()  # already initials: 'SK'
    return f"{surname.strip()} {letters}".strip()


def _rows(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts, each with the list of its illustrative columns."""
    out = []
    for row in frame.to_dict("records"):
        row["illustrative_columns"] = illustrative_columns(row.get("illustrative", ""), list(frame.columns))
        out.append(row)
    return out


def build_context(
    *,
    config: dict,
    prisma: dict,
    prisma_svg: str,
    agreement: dict,
    status: pd.DataFrame,
    studies: pd.DataFrame,
    publications: pd.DataFrame,
    evidence: pd.DataFrame,
    matrix: pd.DataFrame,
    arms: pd.DataFrame | None = None,
    rob: pd.DataFrame,
    rob_missing: list[str],
    soe: pd.DataFrame | None = None,
    figures: dict[str, str] | None = None,
    digest: str,
) -> dict:
    searches = config["searches"]
    latest = searches[-1]
    references = []
    for number, pub in enumerate(publications.to_dict("records"), start=1):
        references.append({**pub, "number": number, "text": vancouver(pub)})
    ref_numbers = {r["citation_id"]: r["number"] for r in references}
    study_refs = {
        s: [ref_numbers[c] for c in group["citation_id"]] for s, group in publications.groupby("study_id", sort=False)
    }
    study_rows = _rows(studies)
    for row in study_rows:
        row["references"] = study_refs.get(row["study_id"], [])
    rob_by_study = rob.set_index("study_id")
    labels = studies.set_index("study_id")["label"].to_dict()
    invented_n = {row["study_id"] for row in study_rows if "n_randomised" in row["illustrative_columns"]}
    kq_sections = []
    for declared in config["key_questions"]:
        kq = {"subgroups": [], "sub_questions": {}, **declared}
        rows = evidence[evidence["kq"] == kq["id"]]
        groups = []
        for name, group in rows.groupby("kq_group", sort=False):
            group_rows = _rows(group)
            for row in group_rows:
                row["references"] = study_refs.get(row["study_id"], [])
                row["quality"] = rob_by_study["overall"].get(row["study_id"], "")
                row["quality_illustrative"] = bool(rob_by_study["illustrative"].get(row["study_id"], ""))
            groups.append({"name": name, "title": group["kq_group_title"].iloc[0], "rows": group_rows})
        kq_studies = sorted(set(rows["study_id"]))
        sizes = studies.loc[studies["study_id"].isin(kq_studies), "n_randomised"]
        known_n = sizes[sizes != ""].astype(int)
        soe_rows = _rows(soe[soe["kq"] == kq["id"]]) if soe is not None else []
        for row in soe_rows:  # a count of participants is only as sourced as the Ns it adds up
            row["participants_illustrative"] = any(s in invented_n for s in split_list(row.get("study_ids", "")))
        kq_sections.append({
            **kq,
            "groups": groups,
            "rules": declared["groups"],
            "n_studies": len(kq_studies),
            "n_comparisons": len(rows),
            "n_participants": int(known_n.sum()),
            "n_studies_with_n": len(known_n),
            "n_participants_illustrative": any(s in invented_n for s in kq_studies),
            "rob": _rows(rob[rob["study_id"].isin(kq_studies)]),
            "soe": soe_rows,
            "figures": {kind: (figures or {}).get(f"{kind}_{kq['id']}", "") for kind in ("traffic_light", "summary", "summary_weighted")},
        })
    excluded = status[status["status"] == "excluded at full text"]
    illustrative_count = sum(
        1 for frame in (studies, evidence, rob, *([arms] if arms is not None else []), *([soe] if soe is not None else [])) for value in frame["illustrative"] if value
    )
    return {
        "review": {"short_title": "", "citation": "", "version": "", "notice": "", **config["review"]},
        "batch": {"name": latest["batch"], "date_searched": latest["date_searched"]},
        "searches": searches,
        "digest": digest,
        "reviewflow_version": __version__,
        "prisma": prisma["prisma"],
        "prisma_svg": prisma_svg,
        "batches": prisma["batches"],
        "totals": {
            "records": sum(b["records"] for b in prisma["batches"]),
            "set_aside": sum(b["set_aside"] for b in prisma["batches"]),
            "citations": int(len(status)),
            "included_reports": int(len(publications)),
            "included_studies": int(len(studies)),
        },
        "new_since_previous": {
            "citations": prisma["new_citations"],
            "already_known_records": prisma["already_known_records"],
            "includes": [
                {**inc, "label": labels.get(inc["study_id"], ""), "reference": ref_numbers.get(inc["citation_id"])}
                for inc in prisma["new_includes"]
            ],
        },
        "agreement": agreement,
        "screening_status": status["status"].value_counts().sort_index().to_dict(),
        "key_questions": kq_sections,
        "kq_ids": [kq["id"] for kq in config["key_questions"]],
        "studies": study_rows,
        "matrix": matrix.to_dict("records"),
        "arms": _rows(arms) if arms is not None else [],
        "unmapped": matrix[matrix["mapped"] == "no"].to_dict("records"),
        "publications_by_study": [
            {"study_id": s, "label": studies.set_index("study_id")["label"][s], "references": [r for r in references if r["study_id"] == s]}
            for s in studies["study_id"]
        ],
        "rob": _rows(rob),
        "rob_tool": config["rob"]["tool"],
        "rob_domains": [c for c in rob.columns if c.startswith("D") and c[1:2].isdigit()],
        "rob_disagreements": rob[rob.get("agrees", pd.Series("", index=rob.index)) == "false"].to_dict("records"),
        "rob_missing": rob_missing,
        "excluded_full_text": excluded.to_dict("records"),
        "references": references,
        "illustrative_rows": illustrative_count,
        "dagger": MARK,
    }
