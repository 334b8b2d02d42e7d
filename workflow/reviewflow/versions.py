"""Living-review versions: a frozen snapshot of a review's state per version, and what
changed since the last one (PRISMA-LSR asks for both).

`reviewflow version freeze CONFIG` copies the parts of the last run's results a reader
of the next version needs to see change (records and citations, screening decisions,
studies and their publications, extraction, risk of bias, strength of evidence, pooled
estimates) into `<resources>/versions/<version>/` as plain CSV and a `version.json`,
for the team to commit. Every run then compares its results with the latest frozen
version and lists each change with what caused it (a search batch, a sheet row).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .catalogue import SNAPSHOT, baseline_version, frozen_versions, version_rows
from .errors import ReviewflowError
from .layout import Layout
from .tables import read_csv, write_csv

CHANGE_COLUMNS = ["kind", "id", "label", "what", "before", "after", "source"]
KINDS = [
    "records",
    "citation",
    "decision",
    "study",
    "publication",
    "extraction",
    "risk of bias",
    "strength of evidence",
    "pooled estimate",
]


def freeze(config: dict, config_file: str) -> Path:
    """Snapshot the last run's results as the config's current version."""
    layout = Layout(config)
    version = str(config["review"].get("version", "")).strip()
    if not version:
        raise ReviewflowError("review.version is empty: name the version to freeze", file=config_file)
    if not re.fullmatch(r"[A-Za-z0-9._-]+", version):
        raise ReviewflowError(f"review.version '{version}' cannot name a folder (letters, digits, '.', '_', '-')")
    target = Path(layout.resources) / "versions" / version
    if target.exists():
        raise ReviewflowError(
            f"version {version} is frozen already ({target}); raise review.version in the config first",
            file=config_file,
        )
    sources = layout.snapshot_sources()
    missing = [path for path in sources.values() if not Path(path).is_file()]
    if missing:
        raise ReviewflowError(f"has no results to freeze yet ({missing[0]} is missing): run the workflow first")
    stale = _stale_inputs(layout)
    if stale:
        raise ReviewflowError(f"{stale} changed since the last run: run the workflow again before freezing")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=target.parent))
    try:
        for name, (_, columns) in SNAPSHOT.items():
            frame = read_csv(sources[name])
            write_csv(frame, staging / name, columns or list(frame.columns))
        summary = {
            "version": version,
            "date": config["searches"][-1]["date_searched"],
            "batches": [s["batch"] for s in config["searches"]],
            "counts": _counts(layout),
        }
        (staging / "version.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        staging.rename(target)  # the whole snapshot appears at once, or none of it
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target.resolve()


def _stale_inputs(layout: Layout) -> str | None:
    """An input whose bytes differ from those the last run recorded in provenance.json."""
    import hashlib

    provenance = Path(layout.result("provenance.json"))
    if not provenance.is_file():
        return None
    recorded = json.loads(provenance.read_text(encoding="utf-8")).get("inputs", {})
    for path, digest in sorted(recorded.items()):
        if Path(path).is_file() and hashlib.sha256(Path(path).read_bytes()).hexdigest() != digest:
            return path
    return None


def _counts(layout: Layout) -> dict:
    status = read_csv(layout.result("screening/status.csv"))
    return {
        "records": len(read_csv(layout.result("dedup/records.csv"))),
        "citations": len(status),
        "studies": len(read_csv(layout.result("studies/studies.csv"))),
        "reports": len(read_csv(layout.result("studies/publications.csv"))),
    }


# -- changes since the baseline -------------------------------------------------


def _change(kind, ident, label, what, before="", after="", source="") -> dict:
    return dict(zip(CHANGE_COLUMNS, [kind, ident, label, what, str(before), str(after), source]))


def _sheet_columns(sheet: str | None) -> set[str]:
    """The columns of a person's CSV sheet (what was extracted, not derived)."""
    if not sheet or not Path(sheet).is_file() or Path(sheet).suffix != ".csv":
        return set()
    return set(pd.read_csv(sheet, dtype=str, nrows=0).columns)


def _sheet_rows(sheet: str | None, keys: list[str], resolve=None) -> dict:
    """(key values) -> 'file row N' in a person's sheet, to name where a change came from."""
    if not sheet or not Path(sheet).is_file() or Path(sheet).suffix != ".csv":
        return {}
    frame = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    if not set(keys) <= set(frame.columns):
        return {}
    rows = {}
    for offset, row in enumerate(frame.to_dict("records")):
        values = [row[k] for k in keys]
        if resolve:
            values[0] = resolve(values[0]) or values[0]
        rows.setdefault(tuple(values), f"{Path(sheet).name} row {offset + 2}")
    return rows


def compute_changes(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame], sheets: dict) -> list[dict]:
    """Every difference between two snapshots, each with its cause where one is known."""
    changes: list[dict] = []
    old_records = set(before["records.csv"]["record_id"])
    new_records = after["records.csv"][~after["records.csv"]["record_id"].isin(old_records)]
    for (search, source), group in new_records.groupby(["search", "source"], sort=True):
        changes.append(
            _change("records", f"{search}/{source}", source, "records added", "", len(group), f"search {search}")
        )
    old_citations = set(before["citations.csv"]["citation_id"])
    added = after["citations.csv"][~after["citations.csv"]["citation_id"].isin(old_citations)]
    for row in added.sort_values("citation_id").to_dict("records"):
        changes.append(
            _change(
                "citation", row["citation_id"], row["title"], "new citation", "", "", f"search {row['first_search']}"
            )
        )
    from .screening import citation_resolver

    resolve = citation_resolver(sheets["citations"]) if sheets.get("citations") is not None else None
    decision_rows = _sheet_rows(sheets.get("screening"), ["citation", "stage"], resolve)
    old_status = before["status.csv"].set_index("citation_id")
    for row in after["status.csv"].to_dict("records"):
        cid = row["citation_id"]
        if cid not in old_status.index:
            continue
        for stage, label in (("title_abstract", "title/abstract decision"), ("full_text", "full-text decision")):
            was, now = old_status.at[cid, stage], row[stage]
            if was != now:
                source = decision_rows.get((cid, stage), "screening sheet")
                changes.append(
                    _change("decision", cid, _title(after, cid), label, was or "none", now or "none", source)
                )
    changes += _study_changes(before, after)
    changes += _table_changes(
        "extraction",
        before["arms.csv"],
        after["arms.csv"],
        ["study_id", "arm"],
        _sheet_rows(sheets.get("arms"), ["study_id", "arm"]),
    )
    registry = sheets.get("registry")
    extracted = _sheet_columns(registry) - {"study_id", "source", "illustrative"}
    derived = set(after["studies.csv"].columns) - extracted - {"study_id"}
    changes += _table_changes(
        "extraction",
        before["studies.csv"],
        after["studies.csv"],
        ["study_id"],
        _sheet_rows(registry, ["study_id"]),
        ignore=derived,
    )
    outcome_key = ["study_id", "arms", "domain", "measure", "timepoint"]
    changes += _table_changes(
        "extraction",
        before["outcomes.csv"],
        after["outcomes.csv"],
        outcome_key,
        _sheet_rows(sheets.get("outcomes"), outcome_key),
    )
    rob_key = ["study_id", "outcome"]
    changes += _table_changes(
        "risk of bias",
        before["rob.csv"],
        after["rob.csv"],
        rob_key,
        _sheet_rows(sheets.get("rob"), rob_key),
        ignore={"label", "computed", "agrees"},
    )
    changes += _soe_changes(before["soe.csv"], after["soe.csv"], sheets.get("soe"))
    changes += _estimate_changes(before["analyses.csv"], after["analyses.csv"])
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(changes, key=lambda c: order[c["kind"]])


def _title(snapshot: dict, citation_id: str) -> str:
    citations = snapshot["citations.csv"].set_index("citation_id")["title"]
    return citations.get(citation_id, "")


def _study_changes(before: dict, after: dict) -> list[dict]:
    changes = []
    old_studies = set(before["studies.csv"]["study_id"])
    new_studies = after["studies.csv"]
    old_pubs = set(map(tuple, before["publications.csv"][["study_id", "citation_id"]].to_numpy()))
    for row in new_studies[~new_studies["study_id"].isin(old_studies)].to_dict("records"):
        pubs = after["publications.csv"]
        cites = pubs.loc[pubs["study_id"] == row["study_id"], "citation_id"].tolist()
        changes.append(
            _change("study", row["study_id"], row["label"], "newly included", "", "included", _found_by(after, cites))
        )
    for row in before["studies.csv"][~before["studies.csv"]["study_id"].isin(set(new_studies["study_id"]))].to_dict(
        "records"
    ):
        changes.append(
            _change("study", row["study_id"], row["label"], "no longer included", "included", "", "study registry")
        )
    for row in after["publications.csv"].to_dict("records"):
        if row["study_id"] in old_studies and (row["study_id"], row["citation_id"]) not in old_pubs:
            changes.append(
                _change(
                    "publication",
                    row["citation_id"],
                    _title(after, row["citation_id"]),
                    f"new publication of {row['study_id']}",
                    "",
                    row["study_id"],
                    _found_by(after, [row["citation_id"]]),
                )
            )
    return changes


def _found_by(snapshot: dict, citation_ids: list[str]) -> str:
    first = snapshot["citations.csv"].set_index("citation_id")["first_search"]
    batches = sorted({first.get(c, "") for c in citation_ids} - {""})
    return "; ".join(f"search {b}" for b in batches)


def _table_changes(kind, before, after, key, rows, ignore=frozenset()) -> list[dict]:
    """Values added, removed or changed between two tables keyed by `key`."""
    columns = [c for c in after.columns if c not in key and c not in ignore and c in before.columns]
    old = before.drop_duplicates(key).set_index(key)
    changes = []
    for row in after.drop_duplicates(key).to_dict("records"):
        ident = tuple(row[k] for k in key)
        name = " ".join(v for v in ident if v)
        source = rows.get(ident, "")
        at = ident if len(key) > 1 else ident[0]  # a one-column key is a plain index
        if at not in old.index:
            if row["study_id"] in set(before["study_id"]):  # a new study's rows come with the study
                changes.append(_change(kind, name, row["study_id"], "row added", "", "", source))
            continue
        previous = old.loc[at]
        for column in columns:
            if str(previous[column]) != str(row[column]):
                changes.append(_change(kind, name, row["study_id"], column, previous[column], row[column], source))
    current = set(map(tuple, after[key].to_numpy()))
    for ident in old.index:
        ident = ident if isinstance(ident, tuple) else (ident,)
        if ident not in current and ident[0] in set(after["study_id"]):
            changes.append(_change(kind, " ".join(v for v in ident if v), ident[0], "row removed"))
    return changes


def _soe_changes(before: pd.DataFrame, after: pd.DataFrame, sheet: str | None) -> list[dict]:
    key = ["kq", "kq_group", "intervention", "outcome", "timepoint"]
    rows = _sheet_rows(sheet, ["kq", "comparison", "intervention", "outcome", "timepoint"])
    old = before.set_index("analysis_id")
    changes = []
    for row in after.to_dict("records"):
        if row["analysis_id"] not in old.index:
            continue
        previous = old.loc[row["analysis_id"]]
        label = ", ".join(row[k] for k in key if row[k])
        for column, what in (
            ("grade", "grade stated"),
            ("grade_by_rule", "grade the AHRQ method suggests"),
            ("n_studies", "studies"),
        ):
            if str(previous[column]) != str(row[column]):
                source = rows.get(tuple(row[k] for k in key), "") if column == "grade" else "the studies' results"
                changes.append(
                    _change(
                        "strength of evidence", row["analysis_id"], label, what, previous[column], row[column], source
                    )
                )
    return changes


def _estimate_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[dict]:
    old = before.set_index("analysis_id")
    changes = []
    for row in after.to_dict("records"):
        if row["analysis_id"] not in old.index or row["estimate"] == "":
            continue
        previous = old.loc[row["analysis_id"]]
        shown = [_estimate_text(previous), _estimate_text(row)]
        if shown[0] != shown[1]:
            label = f"{row['kq']}, {row['kq_group']}, {row['outcome']}, {row['timepoint']}"
            cause = (
                f"studies {previous['k'] or 0} → {row['k']}"
                if str(previous["k"]) != str(row["k"])
                else "study results changed"
            )
            changes.append(
                _change("pooled estimate", row["analysis_id"], label, row["measure"], shown[0], shown[1], cause)
            )
    return changes


def _estimate_text(row) -> str:
    if row["estimate"] == "":
        return "none"
    text = f"{float(row['estimate']):.2f} ({float(row['ci_low']):.2f} to {float(row['ci_high']):.2f})"
    return text + (f"; I² {float(row['i2']):.0f}%" if row["i2"] != "" else "")


def snapshot_of(folder: str | Path) -> dict[str, pd.DataFrame]:
    return {name: read_csv(Path(folder) / name) for name in SNAPSHOT}


def run(inputs: dict, outputs: dict, params: dict) -> None:
    """The changes step: this run's results against the baseline version's snapshot."""
    versions = params["versions"]
    baseline = params.get("baseline")
    current = {name: read_csv(inputs[name.removesuffix(".csv")]) for name in SNAPSHOT}
    summary = {"baseline": None, "current": params["current"], "versions": versions, "trigger": "", "counts": {}}
    changes: list[dict] = []
    if baseline:
        folder = Path(inputs["baseline"]).parent
        before = snapshot_of(folder)
        info = json.loads(Path(inputs["baseline"]).read_text(encoding="utf-8"))
        names = ("screening", "registry", "arms", "outcomes", "rob", "soe")
        sheets = {name: inputs.get(f"sheet_{name}") for name in names}
        sheets["citations"] = current["citations.csv"]
        changes = compute_changes(before, current, sheets)
        new_batches = [b for b in params["current"]["batches"] if b not in info["batches"]]
        summary["baseline"] = info
        summary["trigger"] = (
            "new search " + ", ".join(new_batches)
            if new_batches
            else ("corrected or added data" if changes else "no change")
        )
        summary["counts"] = {kind: sum(c["kind"] == kind for c in changes) for kind in KINDS}
    write_csv(pd.DataFrame(changes, columns=CHANGE_COLUMNS), outputs["changes"], CHANGE_COLUMNS)
    Path(outputs["summary"]).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")


__all__ = ["baseline_version", "compute_changes", "freeze", "frozen_versions", "run", "version_rows"]
