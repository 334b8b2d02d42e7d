"""The review's results in the forms the next tools read: the PRISMA2020 R package's
flow-diagram CSV, RIS whose records carry their screening outcome for EndNote or
Zotero, and RevMan 5 files for RevMan and GRADEpro (written by `revman.py`).

PRISMA2020's `PRISMA_data()` reads a CSV with the columns `data, node, box, description,
boxtext, tooltips, url, n` (the template `inst/extdata/PRISMA.csv` of the package); it
finds each count by the name in `data` and takes its `n`; the boxes that list reasons or
databases take "name, n; name, n". Version 1.1.4 of the package added the box of studies
in a meta-analysis (`total_studies_ma`, `total_reports_ma`), and its reader stops without
them. We fill `n` from the run's own PRISMA counts (the latest search batch is the
update, as in our diagram) and write our own box texts; boxes the review has no data for
(registers, other methods) get 0.

RIS: each citation with its screening status in `LB` (EndNote's Label; Zotero keeps it
in the record's extra field) and a note (`N1`) saying status, exclusion reason and the
study it belongs to; ingest reads those tags back into `extra`, so the bibliographic
fields round-trip unchanged (tested).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from .errors import ReviewflowError
from .export import to_ris
from .tables import CITATION_COLUMNS, read_csv

PRISMA2020_COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]


def _pairs(items: list[tuple[str, int]]) -> str:
    """'name, n; name, n' as PRISMA_data() parses the reason and database boxes."""
    return "; ".join(f"{re.sub('[;,]', ' ', name)}, {n}" for name, n in items) or "None, 0"


def meta_analysed(estimates: pd.DataFrame, publications: pd.DataFrame) -> tuple[int, int]:
    """(studies, their reports) in at least one analysis that pooled two studies or more:
    the package's box of studies included in meta-analysis."""
    pooled = estimates[estimates["pooled"] == "yes"]
    sizes = pooled.groupby("analysis_id")["study_id"].transform("nunique")
    studies = set(pooled.loc[sizes > 1, "study_id"])
    return len(studies), int(publications["study_id"].isin(studies).sum())


def prisma2020_rows(counts: dict, meta_analysis: tuple[int, int] = (0, 0)) -> list[dict]:
    """The template's rows with this review's numbers (counts: prisma/prisma.json;
    meta_analysis: the studies and reports pooled, from `meta_analysed`)."""
    p = counts["prisma"]
    removed = p["removed_before_screening"]
    databases = [(b["database"], b["records"]) for b in p["identified"]["by_database"]]
    reasons = [(r["reason"], r["count"]) for r in p["eligibility"]["excluded"]]
    new_reports = p["new_reports"]["of_new_studies"] + p["new_reports"]["of_previous_studies"]
    values = [
        # data, node, box, what it counts, n
        ("previous_studies", "node5", "box1", "Studies included in the previous version", p["previous_studies"]),
        ("previous_reports", "NA", "box1", "Reports of those studies", p["previous_reports"]),
        ("database_results", "node7", "box2", "Records from databases", p["identified"]["total"]),
        ("database_specific_results", "NA", "box2", "Records from each database", _pairs(databases)),
        ("register_results", "NA", "box2", "Records from registers", 0),
        ("register_specific_results", "NA", "box2", "Records from each register", "None, 0"),
        ("website_results", "node17", "box11", "Records from websites", 0),
        ("organisation_results", "NA", "box11", "Records from organisations", 0),
        ("citations_results", "NA", "box11", "Records from citation searching", 0),
        (
            "duplicates",
            "node8",
            "box3",
            "Duplicates removed (of earlier searches and within this one)",
            removed["duplicates_of_earlier_searches"] + removed["duplicates_within_search"],
        ),
        (
            "excluded_automatic",
            "NA",
            "box3",
            "Left unscreened by the stopping rule",
            removed["marked_ineligible_by_automation"],
        ),
        ("excluded_other", "NA", "box3", "Unreadable records set aside", removed["set_aside_unreadable"]),
        ("records_screened", "node9", "box4", "Records screened", p["screened"]),
        ("records_excluded", "node10", "box5", "Records excluded at title and abstract", p["screening"]["excluded"]),
        ("dbr_sought_reports", "node11", "box6", "Reports sought", p["screening"]["sought"]),
        ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved", p["retrieval"]["not_retrieved"]),
        ("other_sought_reports", "node18", "box12", "Reports sought (other methods)", 0),
        ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other methods)", 0),
        ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility", p["retrieval"]["assessed"]),
        ("dbr_excluded", "node14", "box9", "Reports excluded, by reason", _pairs(reasons)),
        ("other_assessed", "node20", "box14", "Reports assessed (other methods)", 0),
        ("other_excluded", "node21", "box15", "Reports excluded (other methods), by reason", "None, 0"),
        ("new_studies", "node15", "box10", "New studies included", p["new_studies"]),
        ("new_reports", "NA", "box10", "Reports of new included studies", new_reports),
        ("total_studies", "node22", "box16", "Studies included in the review", p["total_studies"]),
        ("total_reports", "NA", "box16", "Reports of the included studies", p["total_reports"]),
        ("total_studies_ma", "node23", "box17", "Studies in a meta-analysis", meta_analysis[0]),
        ("total_reports_ma", "NA", "box17", "Reports of the studies in a meta-analysis", meta_analysis[1]),
    ]
    titles = [
        ("NA", "node4", "prevstud", "Previous studies"),
        ("NA", "node6", "newstud", f"New studies: search of {p['latest_batch']}"),
        ("NA", "node16", "othstud", "New studies via other methods"),
        ("identification", "node1", "identification", "Identification"),
        ("screening", "node2", "screening", "Screening"),
        ("included", "node3", "included", "Included"),
    ]
    values += [(*title, 0) for title in titles]  # the title boxes carry text, no count
    rows = [
        {
            "data": data,
            "node": node,
            "box": box,
            "description": text,
            "boxtext": text,
            "tooltips": text,
            "url": "NA",
            "n": n,
        }
        for data, node, box, text, n in values
    ]
    return rows


def prisma2020_csv(counts: dict, meta_analysis: tuple[int, int] = (0, 0)) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PRISMA2020_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(prisma2020_rows(counts, meta_analysis))
    return out.getvalue()


def labelled_ris(citations: pd.DataFrame, status: pd.DataFrame, publications: pd.DataFrame) -> str:
    """Every citation as RIS, its screening status as a label and a note."""
    library = citations.merge(
        status[["citation_id", "status", "exclusion_reason"]], on="citation_id", how="left"
    ).fillna("")
    study_of = dict(zip(publications["citation_id"], publications["study_id"]))
    extras = []
    for row in library.itertuples(index=False):
        note = f"reviewflow: {row.status or 'not screened'}"
        if row.exclusion_reason:
            note += f"; reason: {row.exclusion_reason}"
        if row.citation_id in study_of:
            note += f"; study: {study_of[row.citation_id]}"
        lines = [line for line in str(row.extra).split("\n") if line]
        extras.append("\n".join([*lines, f"LB: {row.status or 'not screened'}", f"N1: {note}"]))
    library["extra"] = extras
    return to_ris(library)


REVMAN_KINDS = ("revman", "revman-web", "gradepro")
# What each hand-off reads of the last run: {name: (the job, its output)}, the paths Layout's.
REVMAN_INPUTS = {
    "studies": ("studies", "studies"),
    "arms": ("studies", "arms"),
    "outcomes": ("studies", "outcomes"),
    "analyses": ("synthesis", "analyses"),
    "estimates": ("synthesis", "estimates"),
    "rob": ("rob", "table"),
}
INPUTS = {
    "prisma2020": {
        "counts": ("prisma", "counts"),
        "estimates": ("synthesis", "estimates"),
        "publications": ("studies", "publications"),
    },
    "ris": {
        "citations": ("dedup", "citations"),
        "status": ("screen", "status"),
        "publications": ("studies", "publications"),
    },
    **dict.fromkeys(REVMAN_KINDS, REVMAN_INPUTS),
}


def revman_files(kind: str, config: dict, layout, paths: dict[str, str]) -> dict[str, str | bytes]:
    """{file name: contents}: the whole review as a RevMan 5 file (`revman`) or as RevMan
    Web's data package (`revman-web`); for `gradepro`, whose summary-of-findings tables are
    made per question, one RevMan 5 file per key question."""
    import re

    from .revman import data_package, rm5
    from .rob import load_tool
    from .schemas import setting

    tables = {name: read_csv(paths[name]) for name in REVMAN_INPUTS}
    method = setting(config, "synthesis.method")
    review = {
        "title": config["review"]["title"],
        "synthesis_note": (
            f"Exported by reviewflow from review '{config['review']['id']}'. Pooled figures are "
            f"reviewflow's ({method}); RevMan recomputes its own when it opens the file. "
            "Each study's effect and standard error are those reviewflow pooled."
        ),
    }
    tool = load_tool(layout.rob_tool())
    review_id = config["review"]["id"]
    if kind == "revman":
        return {f"{review_id}.rm5": rm5(review, tables, tool)}
    if kind == "revman-web":  # the package's id may hold no '-' (readers split the file names at it)
        return {
            f"{review_id}-data-package.zip": data_package(review, tables, tool, re.sub(r"[^A-Za-z0-9]", "", review_id))
        }
    return {f"{review_id}_{kq['id']}.rm5": rm5(review, tables, tool, [kq["id"]]) for kq in config["key_questions"]}


def write_handoff(kind: str, config: dict, output: str) -> str:
    """Write the file `kind` names from the review's last run (for `gradepro`, a folder
    of files); say what was written."""
    from .layout import Layout

    layout = Layout(config)
    if kind not in INPUTS:
        raise ReviewflowError(f"unknown hand-off '{kind}'; allowed: {', '.join(INPUTS)}")
    if kind in REVMAN_KINDS and layout.diagnostic():
        raise ReviewflowError(
            "a diagnostic review has no intervention analyses for a RevMan file; "
            "its 2x2 tables and pooled accuracy are in synthesis/accuracy.csv"
        )
    paths = {name: getattr(layout, job)().outputs[output] for name, (job, output) in INPUTS[kind].items()}
    for path in paths.values():
        if not Path(path).is_file():
            raise ReviewflowError("is not there yet; run the review first (make report)", file=path)
    target = Path(output)
    if kind in REVMAN_KINDS:
        files = revman_files(kind, config, layout, paths)
        if kind != "gradepro":
            _write(target, next(iter(files.values())))
            return f"wrote {target}"
        for name, contents in files.items():
            _write(target / name, contents)
        return f"wrote {len(files)} RevMan 5 files for GRADEpro, one per key question, in {target}"
    if kind == "prisma2020":
        counts = json.loads(Path(paths["counts"]).read_text(encoding="utf-8"))
        pooled = meta_analysed(read_csv(paths["estimates"]), read_csv(paths["publications"]))
        text = prisma2020_csv(counts, pooled)
    else:
        text = labelled_ris(
            read_csv(paths["citations"], CITATION_COLUMNS),
            read_csv(paths["status"]),
            read_csv(paths["publications"]),
        )
    _write(target, text)
    return f"wrote {target}"


def _write(target: Path, contents: str | bytes) -> None:
    from .sheets import atomic_write_bytes, atomic_write_text

    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(contents, bytes):
        atomic_write_bytes(target, contents)
    else:
        atomic_write_text(target, contents)


__all__ = ["PRISMA2020_COLUMNS", "labelled_ris", "meta_analysed", "prisma2020_csv", "prisma2020_rows", "write_handoff"]
