"""Two reviewers, blind: each reviewer's own worksheet (screening, extraction, risk of
bias), and the team's consensus taken back into the consensus sheets. Risk of bias:

`reviewflow worksheet CONFIG --reviewer JS --stage rob -o FILE.xlsx` writes JS's blind
worksheet: the included studies neither the consensus sheet nor JS has assessed yet, with nobody else's judgements;
`reviewflow rob add FILE --to <resources>/reviewers/JS/rob.csv --tool T` takes it back into
JS's own sheet (and refuses any other). Each run compares the reviewers' sheets
(rob/dual.py) into `results/<review>/rob/disagreements.xlsx`; the team fills `agreed`,
`agreed_by` and, where the agreed judgement is neither reviewer's, a `note`, and
`reviewflow consensus CONFIG FILE` writes one consensus row per item whose differences are
all agreed (the judgements both gave where they agree), naming both reviewers in its
source. Both reviewers' own values stay in their sheets; nothing is overwritten.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .errors import ReviewflowError
from .layout import Layout
from .reviewers import DIFFERENCES as SHEET
from .reviewers import STAGES, check_initials
from .rob import load_tool, sheet_schema
from .rob.assessments import write_template
from .rob.dual import CONSENSUS_TYPED, DISAGREEMENT_COLUMNS
from .sheets import append_rows, read_optional, read_rows, sheet_target
from .tables import read_csv, split_list

SCREENING = ("title_abstract", "full_text")


def reviewer_worksheet(config: dict, reviewer: str, stage: str, output: str | Path) -> int:
    """Write `reviewer`'s blind worksheet; returns how many studies it lists."""
    check_initials(reviewer)
    if stage not in STAGES:
        raise ReviewflowError(f"no blind worksheet for stage '{stage}' yet; allowed: {', '.join(STAGES)}")
    layout = Layout(config)
    if stage in SCREENING:
        return _screening_worksheet(layout, reviewer, stage, output)
    if stage == "extraction":
        return _extraction_worksheet(layout, reviewer, output)
    tool = load_tool(layout.rob_tool())
    studies_file = Path(layout.result("studies/studies.csv"))
    if not studies_file.is_file():
        raise ReviewflowError("has no results yet; run the review first (make report)", file=str(studies_file))
    studies = read_csv(studies_file)
    own = layout.reviewer_sheet(reviewer)
    done = read_optional(own if Path(own).is_file() else None, sheet_schema(tool))
    team = layout.sheet_file("rob", "assessments")  # studies the consensus sheet holds are done
    agreed = read_optional(team if Path(team).is_file() else None, sheet_schema(tool))
    missing = sorted(set(studies["study_id"]) - set(agreed["study_id"]) - set(done["study_id"]))
    write_template(tool, studies, missing, output, date.fromisoformat(layout.stamp()), reviewer=reviewer)
    return len(missing)


def _screening_worksheet(layout: Layout, reviewer: str, stage: str, output: str | Path) -> int:
    """The citations awaiting a decision at this stage that `reviewer` has not voted on,
    with no vote or decision of anyone else, the reviewer's initials filled in."""
    from .screening import needs_decision
    from .screening.worksheets import DECISION_COLUMNS, usual_order, worksheet_rows, write_worksheet
    from .tables import CITATION_COLUMNS, STATUS_COLUMNS

    status_file = Path(layout.result("screening/status.csv"))
    if not status_file.is_file():
        raise ReviewflowError("has no results yet; run the review first (make report)", file=str(status_file))
    status = read_csv(status_file, STATUS_COLUMNS)
    citations = read_csv(layout.result("dedup/citations.csv"), CITATION_COLUMNS)
    own = layout.reviewer_sheet(reviewer, "screening.csv")
    voted = read_optional(own if Path(own).is_file() else None, "screening")
    done = set(voted.loc[voted["stage"] == stage, "citation"])
    waiting = [c for c in status.loc[needs_decision(status, stage), "citation_id"] if c not in done]
    rows = worksheet_rows(citations, usual_order(citations, waiting), stage)
    for row in rows:
        row[DECISION_COLUMNS.index("reviewer")] = reviewer
    reasons = layout.config["screening"]["exclusion_reasons"]
    write_worksheet(rows, stage, reasons, output, date.fromisoformat(layout.stamp()), reviewer=reviewer)
    return len(rows)


def _extraction_worksheet(layout: Layout, reviewer: str, output: str | Path) -> int:
    """The studies awaiting extraction that `reviewer` has not extracted, blank: the sheets
    of studies/to_extract.xlsx (arms and outcomes, or accuracy), marked as the reviewer's."""
    from .schemas import sheet_schema as extraction_schema
    from .studies.worksheets import write_extraction_workbook
    from .tables import AWAITING_COLUMNS

    awaiting_file = Path(layout.result("studies/awaiting.csv"))
    if not awaiting_file.is_file():
        raise ReviewflowError("has no results yet; run the review first (make report)", file=str(awaiting_file))
    awaiting = read_csv(awaiting_file, AWAITING_COLUMNS)
    first = layout.extraction_sheets()[0]  # the sheet a study is extracted into first
    own = layout.reviewer_sheet(reviewer, f"{first}.csv")
    schema = extraction_schema(first, layout.config["vocabulary"])
    done = set(read_optional(own if Path(own).is_file() else None, schema)["study_id"])
    missing = [s for s in awaiting.loc[awaiting["kind"] == "study", "id"] if s not in done]
    stamp = date.fromisoformat(layout.stamp())
    vocabulary = layout.config["vocabulary"]
    write_extraction_workbook(missing, vocabulary, output, stamp, reviewer=reviewer, diagnostic=layout.diagnostic())
    return len(missing)


def take_consensus(config: dict, workbook: str | Path, to: str | None = None) -> tuple[int, int]:
    """Write a consensus row for each item whose differences the filled workbook all agrees;
    returns (rows written, items still open). Every row is checked before anything is written.
    A workbook of extraction differences (studies/disagreements.xlsx) goes to
    extraction_consensus."""
    header, rows = read_rows(workbook, SHEET)
    if "value_a" in header:
        return extraction_consensus(config, workbook, header, rows, to)
    layout = Layout(config)
    tool = load_tool(layout.rob_tool())
    schema = sheet_schema(tool)
    target = sheet_target(to or layout.sheet_file("rob", "assessments"), "assessment")
    missing = [c for c in (*DISAGREEMENT_COLUMNS, *CONSENSUS_TYPED) if c not in header]
    if missing:
        raise ReviewflowError(f"has no column {missing[0]}; is it rob/disagreements.xlsx?", file=str(workbook), row=1)
    consensus = read_optional(str(target) if target.is_file() else None, schema)
    done = set(zip(consensus["study_id"], consensus["outcome"]))
    agreed: dict[tuple, dict] = {}
    pending: set[tuple] = set()
    for number, values in enumerate(rows, start=2):
        row = dict(zip(header, (v.strip() for v in values)))
        item = (row["study_id"], row["outcome"])
        if row["status"] == "resolved" or item in done:
            continue
        if not row["agreed"]:
            pending.add(item)
            continue
        label = tool.canonical(row["agreed"])
        if label is None:
            raise ReviewflowError(
                f"'{row['agreed']}' is not a judgement of {tool.name}; allowed: {', '.join(tool.labels)}",
                file=str(workbook),
                row=number,
                column="agreed",
            )
        if not row["agreed_by"]:
            raise ReviewflowError(
                "names no one who agreed; give the reviewers' initials",
                file=str(workbook),
                row=number,
                column="agreed_by",
            )
        if label not in (row["judgement_a"], row["judgement_b"]) and not row["note"]:
            raise ReviewflowError(
                f"agrees '{label}', neither reviewer's judgement ({row['judgement_a']}, {row['judgement_b']}); "
                "say why in note",
                file=str(workbook),
                row=number,
                column="note",
            )
        agreed.setdefault(item, {"pairs": set(), "by": set()})
        agreed[item][row["domain"]] = (
            label,
            row["note"] or row["support_a" if label == row["judgement_a"] else "support_b"],
        )
        agreed[item]["pairs"].add((row["reviewer_a"], row["reviewer_b"]))
        agreed[item]["by"].add(row["agreed_by"])
    ready = sorted(item for item in agreed if item not in pending)
    initials = sorted({r for item in ready for pair in agreed[item]["pairs"] for r in pair})
    sheets = {  # each reviewer's own sheet, read once
        r: read_optional(layout.reviewer_sheet(r), schema).set_index(["study_id", "outcome"]) for r in initials
    }
    written = [_consensus_row(sheets, tool, item, agreed[item]) for item in ready]
    if written:
        append_rows(target, list(consensus.columns) if len(consensus.columns) else list(schema["properties"]), written)
    return len(written), len(pending)


def _consensus_row(reviewers: dict, tool, item: tuple, agreed: dict) -> dict:
    """The item's consensus: the agreed judgement where the reviewers differed, theirs where
    they gave the same (with the first reviewer's support)."""
    first, second = sorted(agreed["pairs"])[0]
    sheets = {initials: reviewers[initials].loc[item] for initials in (first, second)}
    row = {"study_id": item[0], "outcome": item[1]}
    for domain in [*(d["id"] for d in (*tool.domains, *tool.applicability)), "overall"]:
        support = "support" if domain == "overall" else f"{domain}_support"
        if domain in agreed:
            row[domain], row[support] = agreed[domain]
        else:
            row[domain], row[support] = sheets[first][domain], sheets[first][support]
    row["source"] = f"consensus of {first} and {second}, agreed by {', '.join(sorted(agreed['by']))}"
    marks = {str(sheets[i]["illustrative"]) for i in (first, second)} - {""}
    row["illustrative"] = "all" if marks else ""
    return row


def extraction_consensus(config: dict, workbook, header: list[str], rows: list[list[str]], to=None) -> tuple[int, int]:
    """The agreed extraction of each study whose differences the filled workbook all agrees,
    appended to the review's extraction sheets (arms.csv and outcomes.csv, or accuracy.csv;
    or the folder `to`): the first reviewer's rows, the rows only the second has, each
    agreed value put in, a row agreed `absent` left out, and the source naming both
    reviewers and who agreed. Returns (studies written, studies still open)."""
    from .schemas import sheet_schema as extraction_schema
    from .sheets import append_rows, check_cell
    from .studies import dual
    from .study_commands import _Review

    missing = [c for c in (*dual.DISAGREEMENT_COLUMNS, *dual.CONSENSUS_TYPED) if c not in header]
    if missing:
        raise ReviewflowError(
            f"has no column {missing[0]}; is it studies/disagreements.xlsx?", file=str(workbook), row=1
        )
    review = _Review(config)
    names = review.layout.extraction_sheets()  # arms and outcomes, or a diagnostic review's accuracy
    targets = {
        name: Path(to) / f"{name}.csv" if to else Path(review.layout.sheet_file("studies", name)) for name in names
    }
    done = set(review.sheet(targets[names[0]], names[0])["study_id"])
    schemas = {name: extraction_schema(name, review.vocabulary) for name in names}
    agreed: dict[str, dict] = {}
    pending: set[str] = set()
    for number, values in enumerate(rows, start=2):
        row = dict(zip(header, (v.strip() for v in values)))
        study = row["study_id"]
        if row["status"] == "resolved" or study in done:
            continue
        if not row["agreed"]:
            pending.add(study)
            continue
        where = {"file": str(workbook), "row": number}
        if not row["agreed_by"]:
            raise ReviewflowError("names no one who agreed; give the reviewers' initials", **where, column="agreed_by")
        if row["column"] == dual.ROW:
            if row["agreed"].casefold() not in (dual.PRESENT, dual.ABSENT):
                raise ReviewflowError(
                    f"'{row['agreed']}' is not allowed for a row one reviewer lacks; allowed: "
                    f"{dual.PRESENT}, {dual.ABSENT}",
                    **where,
                    column="agreed",
                )
            value = row["agreed"].casefold()
        else:
            if row["sheet"] not in schemas:
                raise ReviewflowError(
                    f"names the sheet '{row['sheet']}', not one this review extracts into; allowed: {', '.join(names)}",
                    **where,
                    column="sheet",
                )
            spec = schemas[row["sheet"]]["properties"][row["column"]]
            value = check_cell(row["agreed"], spec, False, str(workbook), number, "agreed")
        given = (row["value_a"], row["value_b"])  # a number read back from the workbook may lose a '.0'
        if not any(dual.same_value(value, other, 0) for other in given) and not row["note"]:
            raise ReviewflowError(
                f"agrees '{value}', neither reviewer's value ({row['value_a']}, {row['value_b']}); say why in note",
                **where,
                column="note",
            )
        entry = agreed.setdefault(study, {"values": {}, "pair": (row["reviewer_a"], row["reviewer_b"]), "by": set()})
        entry["values"][(row["sheet"], row["row"], row["column"])] = value
        entry["by"].add(row["agreed_by"])
    ready = sorted(set(agreed) - pending)
    initials = sorted({r for study in ready for r in agreed[study]["pair"]})
    own = {  # each reviewer's own sheets, read once
        (r, name): review.sheet(Path(review.layout.reviewer_sheet(r, f"{name}.csv")), name)
        for r in initials
        for name in names
    }
    written = {name: [] for name in names}
    for study in ready:
        for name, composed in _agreed_rows(own, study, agreed[study], names).items():
            written[name] += composed
    for name, path in targets.items():
        if written[name]:
            append_rows(path, list(schemas[name]["properties"]), written[name])
    return len(ready), len(pending)


def _agreed_rows(own: dict, study: str, agreed: dict, names: tuple[str, ...]) -> dict[str, list[dict]]:
    """One study's consensus rows per extraction sheet, built from both reviewers' own
    sheets (`own`: by initials and sheet name)."""
    from .studies import dual

    first, second = agreed["pair"]
    by = ", ".join(sorted(agreed["by"]))
    composed: dict[str, list[dict]] = {}
    for name in names:
        rows_a, rows_b = (dual.rows_of(own[(r, name)], name, {study}) for r in (first, second))
        composed[name] = []
        for key in sorted(set(rows_a) | set(rows_b)):
            row = dict(rows_a.get(key) or rows_b[key])
            label = dual.row_label(name, row)
            if agreed["values"].get((name, label, dual.ROW)) == dual.ABSENT:
                continue
            for (sheet, row_label, column), value in agreed["values"].items():
                if sheet == name and row_label == label and column != dual.ROW:
                    row[column] = value
            marks = {m for r in (rows_a.get(key), rows_b.get(key)) if r for m in split_list(r["illustrative"])}
            row["illustrative"] = "all" if "all" in marks else "; ".join(sorted(marks))
            agreement = f"consensus of {first} and {second}, agreed by {by}"
            row["source"] = f"{row['source']} ({agreement})" if row["source"] else agreement
            composed[name].append(row)
    return composed
