"""The studies stage's files: the registry and extraction sheets, citations and
screening status in; studies, publications, extraction, comparisons, evidence
rows per key question and the study x KQ matrix out; with the work still to do
(citations awaiting linking, studies awaiting extraction) and the two workbooks
that do it (to_link.xlsx, to_extract.xlsx)."""

from __future__ import annotations

import logging
from datetime import date

from ..schemas import sheet_schema
from ..sheets import default_sheet, read_optional
from ..tables import CITATION_COLUMNS, STATUS_COLUMNS, read_csv, write_csv
from . import SheetFiles, build_studies
from .dual import EXTRACTION
from .linking import StudyIndex
from .worksheets import link_rows, write_extraction_workbook, write_link_worksheet

log = logging.getLogger(__name__)


def studies(
    sheets: dict[str, str],
    citations: str,
    status: str,
    *,
    key_questions: list[dict],
    vocabulary: dict,
    outputs: dict[str, str],
    stamp: str,
    reviewers: dict[str, dict[str, str]] | None = None,
    tolerance: float = 0.0,
    diagnostic: bool = False,
) -> None:
    """sheets: the registry, publications, arms, outcomes and kq_overrides paths the review
    has (a sheet it does not have yet is empty), and a diagnostic review's accuracy sheet,
    whose studies are the extracted ones; reviewers: each blind reviewer's own extraction
    sheets, by initials, compared when two have extracted a study."""
    keys = ("registry", "publications", "arms", "outcomes", "kq_overrides")
    names = {key: sheets.get(key) or default_sheet("studies", key) for key in keys}
    citation_frame = read_csv(citations, CITATION_COLUMNS)
    built = build_studies(
        read_optional(sheets.get("registry"), sheet_schema("studies", vocabulary)),
        read_optional(sheets.get("publications"), "publications"),
        read_optional(sheets.get("arms"), sheet_schema("arms", vocabulary)),
        read_optional(sheets.get("outcomes"), sheet_schema("outcomes", vocabulary)),
        read_optional(sheets.get("kq_overrides"), "kq_overrides"),
        citation_frame,
        read_csv(status, STATUS_COLUMNS),
        key_questions,
        SheetFiles(**names),
        vocabulary,
        tabled=set(_sheet(sheets.get("accuracy"), "accuracy", vocabulary)["study_id"]) if diagnostic else None,
    )
    for name, frame in built.items():
        write_csv(frame, outputs[name], list(frame.columns))
    awaiting = built["awaiting"]
    unlinked = list(awaiting.loc[awaiting["kind"] == "citation", "id"])
    index = StudyIndex(built["publications"], citation_frame)
    day = date.fromisoformat(stamp)
    study_ids = list(built["studies"]["study_id"])
    designs = [d["name"] for d in vocabulary["designs"]]
    write_link_worksheet(link_rows(unlinked, citation_frame, index), study_ids, designs, outputs["to_link"], day)
    unextracted = list(awaiting.loc[awaiting["kind"] == "study", "id"])
    write_extraction_workbook(unextracted, vocabulary, outputs["to_extract"], day, diagnostic=diagnostic)
    if reviewers:
        kind = "diagnostic" if diagnostic else "intervention"
        _dual(reviewers, sheets, names["registry"], vocabulary, outputs, tolerance, day, EXTRACTION[kind])
    if len(awaiting):
        log.info("awaiting: %s", awaiting["state"].value_counts().sort_index().to_dict())
    log.info(
        "%d studies, %d comparisons, %d evidence rows",
        len(built["studies"]),
        len(built["comparisons"]),
        len(built["evidence_rows"]),
    )


def _sheet(path: str | None, name: str, vocabulary: dict):
    return read_optional(path, sheet_schema(name, vocabulary))


def _dual(reviewers: dict, sheets: dict, registry_name: str, vocabulary, outputs, tolerance, day, names) -> None:
    """Each reviewer's own extraction checked as the review's is; the differences of two
    reviewers as a workbook the team fills with what they agreed, and their agreement.
    `names`: the extraction sheets of this kind of review (dual.EXTRACTION)."""
    from .dual import compare, write_consensus_workbook
    from .extraction import check_extraction, check_registered

    registry = _sheet(sheets.get("registry"), "studies", vocabulary)
    own = {}
    for initials, files in sorted(reviewers.items()):
        frames = {name: _sheet(files.get(name), name, vocabulary) for name in names}
        if "arms" in frames:
            where = {"registry": registry_name, "arms": files.get("arms", ""), "outcomes": files.get("outcomes", "")}
            check_extraction(registry, frames["arms"], frames["outcomes"], where, vocabulary)  # unknown studies, arms
        else:
            for name, frame in frames.items():
                check_registered(frame, set(registry["study_id"]), files.get(name, ""))
        own[initials] = frames
    consensus = {name: _sheet(sheets.get(name), name, vocabulary) for name in names}
    differences, agreement = compare(own, consensus, tolerance)
    write_csv(agreement, outputs["agreement"], list(agreement.columns))
    write_consensus_workbook(differences, outputs["disagreements"], day)
    still = differences[differences["status"] == "open"]
    if len(still):
        log.warning("%d extraction differences between reviewers not resolved yet", len(still))


def run(inputs: dict, outputs: dict, params: dict) -> None:
    sheets = {
        name: path
        for name, path in inputs.items()
        if name not in ("citations", "status") and not name.startswith("reviewer_")
    }
    reviewers: dict[str, dict[str, str]] = {}
    for name, path in inputs.items():
        if name.startswith("reviewer_"):  # reviewer_<sheet>_<initials>
            _, sheet, initials = name.split("_", 2)
            reviewers.setdefault(initials, {})[sheet] = path
    studies(
        sheets,
        inputs["citations"],
        inputs["status"],
        key_questions=list(params["key_questions"]),
        vocabulary=dict(params["vocabulary"]),
        outputs=outputs,
        stamp=params["stamp"],
        reviewers=reviewers,
        tolerance=float(params.get("tolerance", 0)),
        diagnostic=bool(params.get("diagnostic")),
    )
