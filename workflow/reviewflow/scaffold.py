"""Starting a review and adding searches to it: `reviewflow init` and `reviewflow search add`.

`init` writes a review's config (every key, commented) and its resources folder with a
header-only sheet for each input, whose columns follow the chosen risk-of-bias tool and
the vocabulary. `search add` copies export files into a new batch folder and declares
them in the config. The config is edited with ruamel.yaml, which keeps the comments and
layout a person wrote; every file is written whole or not at all.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .errors import ReviewflowError
from .ingest import decode, detect_format
from .layout import SHEETS
from .places import Config, project_of, resources_folder
from .rob import load_tool, sheet_schema
from .schemas import setting
from .schemas import sheet_schema as review_sheet_schema
from .sheets import atomic_write_text

REVIEW_ID = re.compile(r"^[a-z0-9_-]+$")
BATCH = re.compile(r"^[A-Za-z0-9_.-]+$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

CONFIG_TEMPLATE = """\
# reviewflow configuration of the review '{review_id}'. Every key is explained in
# config/README.md; the schema is workflow/schemas/config.schema.yaml and a wrong key
# stops the run before any job. Run it with: make report CONFIG=config/{review_id}.yaml

review:
  id: {review_id}
  title: {title}
  version: "0.1.0"{type_line}
  # citation: the published review this reproduces, if any
  # notice: a boxed note on the cover

# Folder of this review's inputs: searches/<batch>/ and the sheets people fill in
# (screening.csv, studies.csv, publications.csv, arms.csv, outcomes.csv,
# kq_overrides.csv, rob.csv, soe.csv, dedup_decisions.csv). A sheet left with only its
# header row means nothing decided yet.
resources: resources/{review_id}

# Search batches, oldest first. Add one with:
#   reviewflow search add config/{review_id}.yaml --batch YYYY-MM-DD --date YYYY-MM-DD FILE...
searches: []

ingest:
  on_error: stop  # or skip: a malformed record is set aside and counted

dedup:
  conference_abstracts: separate  # or merge

screening:
  # The full-text exclusion reasons a decision may give.
  exclusion_reasons:
    - ineligible population
    - ineligible intervention or comparator
    - ineligible outcome
    - ineligible study design
    - ineligible publication type

rob:
  tool: {tool}
  palette: cochrane  # or colourblind

# The review's own words: the sheets' schemas and the report's headings are built
# from them. Replace these starting values with your review's.
vocabulary:
  designs:
    - {{name: RCT, randomised: true}}
  # The arm types that are the intervention under review.
  interventions:
    - {{name: intervention, description: "the intervention under review"}}
  comparators:
    - {{name: control}}
  # Extra columns of the arms sheet (components, dose, delivery...).
  arm_characteristics:
    - {{id: dose, heading: Dose, delivery: true}}
  # Extra columns of the study sheet; `population` puts one in the Population cell.
  study_characteristics:
    - {{id: age, heading: Age, number: true, population: Age, unit: "{{}} years (mean)"}}
  outcome_domains:
    - {{name: primary outcome, column: benefits}}
    - {{name: adverse events, column: harms}}
  outcome_columns:
    - {{id: benefits, heading: Benefits}}
    - {{id: harms, heading: Harms}}
  timepoints: []
  glossary: {{}}{diagnostic_terms}

# Key questions and the rules that map comparisons to them.
key_questions:
  - id: KQ1
    question: "{kq_question}"
    compares: intervention vs comparator
    groups:
      - name: control
        arm_types: [control]
"""


# A diagnostic review's words: its accuracy sheet's tests, standards and conditions.
DIAGNOSTIC_TERMS = """
  index_tests:
    - {name: index test, description: "the test whose accuracy is reviewed"}
  reference_standards:
    - {name: reference standard, description: "how the target condition is established"}
  target_conditions:
    - {name: target condition}"""
TYPES = ("intervention", "diagnostic")
KQ_QUESTION = "What are the benefits and harms of the intervention compared with control?"
DIAGNOSTIC_QUESTION = "How accurate is the index test for the target condition, against the reference standard?"


def init_review(
    review_id: str, title: str, tool: str | None = None, root: str | Path = ".", review_type: str = "intervention"
) -> list[Path]:
    """Write config/<id>.yaml and resources/<id>/ with header-only sheets; refuse to
    overwrite anything. Returns the files written. A diagnostic review (review_type) gets
    the accuracy sheet and the vocabulary of its tests, QUADAS-2 unless another tool."""
    if review_type not in TYPES:
        raise ReviewflowError(f"'{review_type}' is not a review type; allowed: {', '.join(TYPES)}")
    diagnostic = review_type == "diagnostic"
    tool = tool or ("quadas-2" if diagnostic else "rob2")
    if not REVIEW_ID.fullmatch(review_id):
        raise ReviewflowError(f"'{review_id}' is not a review id; use lower-case letters, digits, '-' or '_'")
    load_tool(tool)  # an unknown tool stops here, before anything is written
    root = Path(root)
    config_path = root / "config" / f"{review_id}.yaml"
    folder = root / "resources" / review_id
    for path in (config_path, folder):
        if path.exists():
            raise ReviewflowError("already exists; init never overwrites a review", file=str(path))
    text = CONFIG_TEMPLATE.format(
        review_id=review_id,
        title=_yaml_string(title),
        tool=tool,
        type_line="\n  type: diagnostic  # index tests' accuracy, from accuracy.csv" if diagnostic else "",
        diagnostic_terms=DIAGNOSTIC_TERMS if diagnostic else "",
        kq_question=DIAGNOSTIC_QUESTION if diagnostic else KQ_QUESTION,
    )
    if diagnostic:  # accuracy studies first; a randomised comparison of tests stays possible
        text = text.replace("    - {name: RCT,", "    - {name: cross-sectional accuracy study}\n    - {name: RCT,", 1)
    written = [config_path]
    (folder / "searches").mkdir(parents=True)
    (folder / "searches" / ".gitkeep").write_text("", encoding="utf-8")
    from ruamel.yaml import YAML

    vocabulary = YAML(typ="safe").load(text)["vocabulary"]
    for path, columns in header_rows(vocabulary, tool, diagnostic).items():
        atomic_write_text(folder / path, ",".join(columns) + "\n")
        written.append(folder / path)
    atomic_write_text(config_path, text)
    return written


def header_rows(vocabulary: dict, tool: str, diagnostic: bool = False) -> dict[str, list[str]]:
    """The header of every sheet of a review, by file name, as its schema gives it (the
    accuracy sheet only in a diagnostic review)."""
    headers = {}
    for schema in SHEETS.values():
        if schema in ("accuracy", "accuracy_certainty") and not diagnostic:
            continue
        if schema == "rob":
            columns = list(sheet_schema(load_tool(tool))["properties"])
        else:
            properties = review_sheet_schema(schema, vocabulary)["properties"]
            columns = [c for c, spec in properties.items() if "ignored" not in spec.get("description", "")]
        headers[f"{schema}.csv"] = columns
    return headers


def add_search(
    config_file: str | Path,
    batch: str,
    date: str,
    files: list[str],
    databases: list[str] | None = None,
    format: str | None = None,
) -> list[Path]:
    """Copy export files into <resources>/searches/<batch>/ and declare the batch at the
    end of the config's searches (format detected from each file's content; database
    defaults to the file's name without extension). Returns, per file copied, its path, the
    format read and the number of records."""
    from ruamel.yaml import YAML

    if not BATCH.fullmatch(batch):
        raise ReviewflowError(f"'{batch}' is not a batch name; use letters, digits, '.', '_' or '-'")
    if not DATE.fullmatch(date):
        raise ReviewflowError(f"'{date}' is not a date; write it as YYYY-MM-DD")
    if databases and len(databases) != len(files):
        raise ReviewflowError(f"{len(files)} files but {len(databases)} --database names; give one per file or none")
    yaml = YAML()
    yaml.preserve_quotes = True
    config_path = Path(config_file)
    config = yaml.load(config_path.read_text(encoding="utf-8"))
    searches = config.get("searches") or []
    if any(s["batch"] == batch for s in searches):
        raise ReviewflowError(f"already declares a batch '{batch}'", file=str(config_path))
    if searches and date < str(searches[-1]["date_searched"]):
        raise ReviewflowError(f"{date} is earlier than the last batch's date; batches are listed oldest first")
    resources = Path(resources_folder(Config(config).placed(project_of(config_path))))
    folder = resources / "searches" / batch
    if folder.exists():
        raise ReviewflowError("already exists; choose another batch name", file=str(folder))
    on_error = setting(config, "ingest.on_error")
    names = databases or [None] * len(files)
    read = [_export_entry(Path(f), names[i], format, on_error) for i, f in enumerate(files)]
    exports = [entry for entry, _ in read]
    _refuse_known_files(files, config, resources)
    folder.mkdir(parents=True)
    copied: list[tuple[Path, str, int]] = []
    for path in files:
        shutil.copyfile(path, folder / Path(path).name)
        entry, count = read[len(copied)]
        copied.append((folder / Path(path).name, entry["format"], count))
    searches.append({"batch": batch, "date_searched": date, "exports": exports})
    config["searches"] = searches
    from io import StringIO

    buffer = StringIO()
    yaml.dump(config, buffer)
    atomic_write_text(config_path, buffer.getvalue())
    return copied


def _export_entry(
    path: Path, database: str | None, declared: str | None = None, on_error: str = "stop"
) -> tuple[dict, int]:
    """The config entry of one export and its number of records, after reading it whole as a
    run will (a malformed record stops `search add`, naming file and line, unless the review
    sets them aside)."""
    if not path.is_file():
        raise ReviewflowError("does not exist", file=str(path))
    if not BATCH.fullmatch(path.name):
        raise ReviewflowError("has a name the config cannot hold; rename it with letters, digits, '.', '_', '-'")
    data = path.read_bytes()
    try:
        format = declared or ("xlsx" if data.startswith(b"PK\x03\x04") else detect_format(decode(data)))
    except ReviewflowError as error:
        raise error.located(file=str(path)) from None
    import logging

    from .ingest import load

    quiet = logging.getLogger("reviewflow.ingest")
    level, quiet.level = quiet.level, logging.WARNING  # its per-file counts belong to a run's log, not here
    try:
        records, _ = load(path, source="", search="check", format=format, on_error=on_error)
    finally:
        quiet.setLevel(level)
    return {"file": path.name, "database": database or path.stem, "format": format}, len(records)


FORMAT_NAMES = {
    "ris": "RIS",
    "medline": "PubMed MEDLINE",
    "wos": "Web of Science",
    "bibtex": "BibTeX",
    "endnote-xml": "EndNote XML",
    "refer": "EndNote tagged",
    "csv": "CSV",
    "tsv": "TSV",
    "xlsx": "XLSX",
}


def _refuse_known_files(files: list[str], config, resources: Path) -> None:
    """A file whose bytes an earlier batch holds already would count its records twice."""
    import hashlib

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    root = resources / "searches"
    known = {}
    for search in config.get("searches") or []:
        for export in search["exports"]:
            path = root / search["batch"] / export["file"]
            if path.is_file():
                known[digest(path)] = f"{search['batch']}/{export['file']}"
    for name in files:
        earlier = known.get(digest(Path(name)))
        if earlier:
            raise ReviewflowError(
                f"holds the same bytes as {earlier}, declared already; a search exported twice would count its "
                "records twice",
                file=str(name),
            )


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
