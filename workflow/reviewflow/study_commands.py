"""The commands that take the study worksheets back (studies/worksheets.py writes them):
`reviewflow studies add CONFIG WORKSHEET` (publication rows, and a registry row for each
new study), `reviewflow studies new CONFIG ID --citation C...` (the same for one citation)
and `reviewflow extraction add CONFIG WORKBOOK` (arms and outcomes rows). They find the
review's sheets and last run through its layout, so they live above it, beside the other
commands, and the studies stage below it never imports it.

Every command checks all rows before it writes, and writes each sheet whole (a temporary
file, then a rename).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import ReviewflowError
from .layout import Layout
from .schemas import sheet_schema
from .studies.linking import NEW_STUDY
from .studies.worksheets import LINK_TYPED, STUDY_ID
from .tables import orphan_hint, split_list


class _Review:
    """The sheets and last run of one review, for the commands below."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.layout = Layout(config)
        self.vocabulary = config["vocabulary"]

        def path(key: str) -> Path:
            return Path(self.layout.sheet_file("studies", key))

        self.registry_file, self.publications_file = path("registry"), path("publications")
        self.arms_file, self.outcomes_file = path("arms"), path("outcomes")
        self.accuracy_file = path("accuracy")  # a diagnostic review's 2x2 tables

    def sheet(self, path: Path, name: str) -> pd.DataFrame:
        from .sheets import read_optional

        schema = name if name == "publications" else sheet_schema(name, self.vocabulary)
        return read_optional(str(path) if path.is_file() else None, schema)

    def included(self) -> tuple[pd.DataFrame, set[str]]:
        """The last run's citations and the ids of those included."""
        from .tables import CITATION_COLUMNS, STATUS_COLUMNS, read_csv

        citations_file = Path(self.layout.result("dedup/citations.csv"))
        status_file = Path(self.layout.result("screening/status.csv"))
        if not citations_file.is_file() or not status_file.is_file():
            raise ReviewflowError("has no results yet; run the review first (make report)", file=str(citations_file))
        status = read_csv(status_file, STATUS_COLUMNS)
        return read_csv(citations_file, CITATION_COLUMNS), set(
            status.loc[status["status"] == "included", "citation_id"]
        )


def link_citations(config: dict, requests: list[dict], file: str) -> tuple[int, int]:
    """Link citations to studies: each request has citation, link_to (a study id or 'new
    study'), new_study_id, design, primary, note and its worksheet _row. Returns (publications
    added, studies added). Everything is checked before anything is written."""
    from .screening import citation_resolver
    from .sheets import append_rows

    review = _Review(config)
    citations, included = review.included()
    resolve = citation_resolver(citations)
    registry = review.sheet(review.registry_file, "studies")
    publications = review.sheet(review.publications_file, "publications")
    known_studies = set(registry["study_id"])
    linked = {resolve(c) or c for c in publications["citation"]}
    has_primary = set(publications.loc[publications["primary"] == "yes", "study_id"])
    designs = [d["name"] for d in review.vocabulary["designs"]]
    by_id = citations.set_index("citation_id").to_dict("index")
    new_pubs, new_studies, seen = [], {}, set()
    for request in requests:
        line = request.get("_row")

        def fail(message: str, column: str, line=line) -> ReviewflowError:
            return ReviewflowError(message, file=file, row=line, column=column)

        citation_id = resolve(request["citation"], file=file, row=line, column="citation")
        if citation_id is None:
            raise fail(f"'{request['citation']}' names no known citation{orphan_hint(request['citation'])}", "citation")
        if citation_id not in included:
            raise fail(
                f"citation {citation_id} is not included by screening; include it at full text first", "citation"
            )
        if citation_id in linked or citation_id in seen:
            raise fail(
                f"citation {citation_id} is already linked to a study; edit {review.publications_file}", "citation"
            )
        seen.add(citation_id)
        target = request["link_to"].strip()
        primary = request.get("primary", "").strip().lower()
        if primary not in ("", "yes", "no"):
            raise fail(f"'{primary}' is not allowed; allowed: yes, no", "primary")
        if target.casefold() == NEW_STUDY:
            study_id, first = _new_study(request, by_id[citation_id], known_studies, new_studies, designs, fail)
            primary = primary or ("yes" if first else "no")
        elif target in known_studies or target in new_studies:
            study_id = target
            primary = primary or "no"
        else:
            raise fail(f"'{target}' is not a study of the registry; choose one, or '{NEW_STUDY}'", "link_to")
        if primary == "yes":
            if study_id in has_primary:
                raise fail(f"study '{study_id}' has its primary publication already; say 'no'", "primary")
            has_primary.add(study_id)
        new_pubs.append(
            {"study_id": study_id, "citation": citation_id, "primary": primary, "note": request.get("note", "")}
        )
    for study_id in new_studies:
        if study_id not in has_primary:
            raise ReviewflowError(f"new study '{study_id}' has no primary publication; mark one 'yes'", file=file)
    if new_studies:
        columns = list(registry.columns)
        append_rows(review.registry_file, columns, list(new_studies.values()))
    append_rows(review.publications_file, list(publications.columns), new_pubs)
    return len(new_pubs), len(new_studies)


def _new_study(request: dict, citation: dict, known: set, new_studies: dict, designs: list, fail) -> tuple[str, bool]:
    """The study a 'new study' request names, checked, and whether the request creates it
    (the first of its publications, the primary one unless the sheet says otherwise)."""
    study_id = request.get("new_study_id", "").strip()
    if not STUDY_ID.fullmatch(study_id):
        raise fail(
            f"'{study_id}' is not a study id; give the new study one of lower-case letters, digits and '-', "
            "e.g. smith-2021",
            "new_study_id",
        )
    if study_id in known:
        raise fail(f"study '{study_id}' exists already; choose it in link_to instead", "new_study_id")
    if study_id in new_studies:
        return study_id, False
    design = _choice(request.get("design", ""), designs)
    if design is None:
        raise fail(
            f"'{request.get('design', '')}' is not a design of the config; allowed: {', '.join(designs)}", "design"
        )
    new_studies[study_id] = {"study_id": study_id, "label": _label(citation), "design": design}
    return study_id, True


def _choice(value: str, allowed: list[str]) -> str | None:
    folded = {a.casefold(): a for a in allowed}
    return folded.get(value.strip().casefold())


def _label(citation: dict) -> str:
    """How tables name a new study until a person says otherwise: first author and year."""
    names = split_list(citation.get("authors", ""))
    surname = names[0].split(",")[0].strip() if names else "Unknown"
    return f"{surname} {citation.get('year', '')}".strip()


def add_links(config: dict, worksheet: str) -> tuple[int, int]:
    """The rows of a filled to_link.xlsx whose link_to is chosen (see link_citations)."""
    from .sheets import read_rows

    header, rows = read_rows(worksheet)
    missing = [c for c in ("citation", "link_to") if c not in header]
    if missing:
        raise ReviewflowError(
            f"lacks the column '{missing[0]}'; is it a to_link.xlsx worksheet?", file=worksheet, row=1
        )
    requests = []
    for number, values in enumerate(rows, start=2):
        row = dict(zip(header, values))
        if row.get("link_to", "").strip():
            requests.append({**{c: row.get(c, "") for c in ["citation", *LINK_TYPED]}, "_row": number})
    if not requests:
        return 0, 0
    return link_citations(config, requests, worksheet)


def _add_tables(review: _Review, workbook: str) -> int:
    """A diagnostic review's extraction: the filled rows of the workbook's accuracy sheet
    appended to accuracy.csv (or a reviewer's own); a study with tables there already is
    refused (edit them there). Returns the tables added."""
    from .sheets import append_rows, check_rows, read_rows

    header, rows = read_rows(workbook, "accuracy")
    file = f"{workbook} (sheet accuracy)"
    tables = check_rows(
        header,
        rows,
        sheet_schema("accuracy", review.vocabulary),
        file,
        keep=lambda row: any(str(v).strip() for k, v in row.items() if k != "study_id"),
    )
    now = review.sheet(review.accuracy_file, "accuracy")
    studies = set(review.sheet(review.registry_file, "studies")["study_id"])
    for offset, row in enumerate(tables.to_dict("records")):
        where = {"file": file, "row": offset + 2, "column": "study_id"}
        if row["study_id"] not in studies:
            raise ReviewflowError(f"study '{row['study_id']}' is not in the study registry", **where)
        if row["study_id"] in set(now["study_id"]):
            raise ReviewflowError(
                f"study '{row['study_id']}' has 2x2 tables in {review.accuracy_file} already; edit them there", **where
            )
    if len(tables):
        append_rows(review.accuracy_file, list(now.columns), tables.to_dict("records"))
    return len(tables)


def add_extraction(config: dict, workbook: str, to: str | None = None) -> tuple[int, int]:
    """Append the filled rows of a to_extract.xlsx to arms.csv and outcomes.csv; returns
    (arms, outcomes) added. A study that has arms in arms.csv already is refused (edit it
    there); outcome rows must name arms the study has. A reviewer's blind workbook goes into
    that reviewer's own sheets (`to`, default their folder) and no one else's."""
    from .reviewers import check_destination, worksheet_reviewer
    from .sheets import append_rows, check_rows, read_rows

    review = _Review(config)
    made_for = worksheet_reviewer(workbook)
    if to or made_for:
        folder = Path(to) if to else Path(review.layout.reviewer_sheet(made_for, "arms.csv")).parent
        check_destination(workbook, folder / "arms.csv", "reviewflow consensus")
        review.arms_file, review.outcomes_file = folder / "arms.csv", folder / "outcomes.csv"
        review.accuracy_file = folder / "accuracy.csv"
    if review.layout.diagnostic():
        return _add_tables(review, workbook), 0
    registry = review.sheet(review.registry_file, "studies")
    arms_now = review.sheet(review.arms_file, "arms")
    outcomes_now = review.sheet(review.outcomes_file, "outcomes")
    frames = {}
    for name, prefilled in (("arms", ("study_id", "arm")), ("outcomes", ("study_id",))):
        header, rows = read_rows(workbook, name)
        file = f"{workbook} (sheet {name})"

        def filled(row: dict, prefilled=prefilled) -> bool:
            return any(str(v).strip() for k, v in row.items() if k not in prefilled)

        frames[name] = check_rows(header, rows, sheet_schema(name, review.vocabulary), file, keep=filled)
        frames[name].attrs["file"] = file
    arms, outcomes = frames["arms"], frames["outcomes"]
    studies = set(registry["study_id"])
    extracted = set(arms_now["study_id"])
    letters = {(s, a) for s, a in zip(arms_now["study_id"], arms_now["arm"])}
    for offset, row in enumerate(arms.to_dict("records")):
        where = {"file": arms.attrs["file"], "row": offset + 2, "column": "study_id"}
        if row["study_id"] not in studies:
            raise ReviewflowError(f"study '{row['study_id']}' is not in the study registry", **where)
        if row["study_id"] in extracted:
            raise ReviewflowError(
                f"study '{row['study_id']}' has arms in {review.arms_file} already; edit them there", **where
            )
        letters.add((row["study_id"], row["arm"]))
    known = set(map(tuple, outcomes_now[["study_id", "arms", "domain", "measure", "timepoint"]].to_numpy()))
    for offset, row in enumerate(outcomes.to_dict("records")):
        where = {"file": outcomes.attrs["file"], "row": offset + 2}
        for letter in row["arms"].split(" vs "):
            if (row["study_id"], letter) not in letters:
                raise ReviewflowError(f"study '{row['study_id']}' has no arm {letter}", **where, column="arms")
        if (row["study_id"], row["arms"], row["domain"], row["measure"], row["timepoint"]) in known:
            raise ReviewflowError(
                f"{review.outcomes_file} holds this result already; edit it there", **where, column="measure"
            )
    if len(arms):
        append_rows(review.arms_file, list(arms_now.columns), arms.to_dict("records"))
    if len(outcomes):
        append_rows(review.outcomes_file, list(outcomes_now.columns), outcomes.to_dict("records"))
    return len(arms), len(outcomes)
