"""The `reviewflow` command line: the same functions the workflow's scripts call."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .errors import ReviewflowError
from .ingest import FORMATS
from .names import COVIDENCE_LISTS, HANDOFFS, IMPORTERS, MEASURES, METHODS
from .reviewers import STAGES as BLIND_STAGES
from .schemas import choices, default, sheet_choices


def _ingest(args) -> None:
    from .ingest.step import ingest_exports

    databases = [args.source or Path(path).stem for path in args.files]
    read, aside = ingest_exports(
        args.files,
        args.output,
        args.rejected,
        databases=databases,
        search=args.search,
        format=args.format,
        on_error=args.on_error,
    )
    logging.info("%s: %d records%s", args.output, read, f", {aside} set aside" if aside else "")


def _export(args) -> None:
    from .export import to_csv_frame, to_ris
    from .tables import RECORD_COLUMNS, read_csv, write_csv

    if not args.output.lower().endswith((".ris", ".csv")):
        raise ReviewflowError("is neither .ris nor .csv; name the file to write with one of them", file=args.output)

    try:
        library = read_csv(args.citations)
    except UnicodeDecodeError as error:
        raise ReviewflowError(
            f"is not UTF-8 text ({error.reason} at byte {error.start})", file=args.citations
        ) from None
    for column in RECORD_COLUMNS:
        if column not in library.columns:
            library[column] = ""
    if args.output.lower().endswith(".ris"):
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(to_ris(library), encoding="utf-8")
    else:
        columns = [c for c in ("citation_id", *RECORD_COLUMNS) if c in library.columns]
        write_csv(to_csv_frame(library, columns), args.output, columns)


def _dedup(args) -> None:
    from .dedup.step import deduplicate_table

    deduplicate_table(
        args.records,
        args.output,
        decisions=args.decisions,
        queue=args.queue,
        explain=args.explain,
        conference_abstracts=args.conference_abstracts,
    )


def _dedup_add(args) -> None:
    from .dedup.decisions import add_queue_decisions

    added = add_queue_decisions(args.queue, args.to)
    print(f"{args.to}: {added} decisions added")


def _screening_add(args) -> None:
    from .screening.worksheets import add_filled_rows

    added = add_filled_rows(args.worksheets, args.to)
    print(f"{args.to}: {added} decisions added")


def _screening_resolve(args) -> None:
    from .screening.worksheets import resolve_disagreements

    resolved = resolve_disagreements(args.worksheet, args.to)
    print(f"{args.to}: {resolved} disagreements resolved")


def _screening_simulate(args) -> None:
    from .screening.simulation import simulate_file

    stop = simulate_file(args.data, args.prior_ids, args.output)
    print(f"{args.output}: {stop.total} records in the order reviewflow would present them; {stop.sentence()}")


def _version_freeze(args) -> None:
    from .checks import check_review
    from .pipeline import load_config
    from .versions import freeze

    target = freeze(check_review(load_config(args.config), args.config), args.config)
    print(f"{target}: version frozen; commit it with the review's inputs")


def _rob_add(args) -> None:
    from .rob import load_tool
    from .rob.assessments import add_assessments

    added = add_assessments(args.template, args.to, load_tool(args.tool))
    print(f"{args.to}: {added} assessments added")


def _worksheet(args) -> None:
    from .pipeline import load_config
    from .reviewer_commands import reviewer_worksheet

    listed = reviewer_worksheet(load_config(args.config), args.reviewer, args.stage, args.output)
    print(f"{args.output}: {listed} studies for {args.reviewer} to assess, blind to the other reviewers")


def _consensus(args) -> None:
    from .pipeline import load_config
    from .reviewer_commands import take_consensus

    written, still = take_consensus(load_config(args.config), args.workbook, args.to)
    print(f"{args.workbook}: {written} consensus rows added; {still} items still open")


def _init(args) -> None:
    from .scaffold import init_review

    written = init_review(args.review_id, args.title, args.tool, root=args.project, review_type=args.type)
    print(f"wrote {written[0]} and {len(written) - 1} sheets in {Path(args.project) / 'resources' / args.review_id}/")
    print(f"next: reviewflow search add {written[0]} --batch NAME --date YYYY-MM-DD FILE...")


def _studies_add(args) -> None:
    from .pipeline import load_config
    from .study_commands import add_links

    publications, studies = add_links(load_config(args.config), args.worksheet)
    print(f"{args.config}: {publications} publications linked, {studies} new studies in the registry")


def _studies_new(args) -> None:
    from .pipeline import load_config
    from .study_commands import NEW_STUDY, link_citations

    request = {"citation": args.citation, "link_to": NEW_STUDY, "new_study_id": args.study_id, "design": args.design}
    link_citations(load_config(args.config), [{**request, "primary": "yes", "note": ""}], "the command line")
    print(f"{args.config}: study {args.study_id} added with its publication {args.citation}")


def _extraction_add(args) -> None:
    from .pipeline import load_config
    from .study_commands import add_extraction

    config = load_config(args.config)
    arms, outcomes = add_extraction(config, args.workbook, args.to)
    if config["review"].get("type") == "diagnostic":  # the first count is of 2x2 tables
        print(f"{args.config}: {arms} 2x2 tables added")
    else:
        print(f"{args.config}: {arms} arms and {outcomes} results added")


def _import(args) -> None:
    from .layout import Layout
    from .pipeline import load_config
    from .screening.imports import import_decisions

    config = load_config(args.config)
    imported = import_decisions(
        args.tool, args.file, args.to, config, args.stage, args.reasons, args.list, Layout(config).results
    )
    for line in imported.unmatched:
        print(f"reviewflow: {line}", file=sys.stderr)
    also = f"; {len(imported.unmatched)} rows matched no citation (listed above)" if imported.unmatched else ""
    stages = " and ".join(dict.fromkeys(r["stage"] for r in imported.rows)) or args.stage
    print(f"{args.to}: {len(imported.rows)} {stages} decisions imported from {args.tool}{also}")


def _handoff(args) -> None:
    from .handoff import write_handoff
    from .pipeline import load_config

    print(write_handoff(args.kind, load_config(args.config), args.output))


def _status(args) -> None:
    from .pipeline import load_config
    from .status import review_status

    print(review_status(load_config(args.config), args.config))


def _search_add(args) -> None:
    from .scaffold import FORMAT_NAMES, add_search

    copied = add_search(args.config, args.batch, args.date, args.files, args.database, args.format)
    for path, format, records in copied:
        print(f"{path.name}: {FORMAT_NAMES.get(format, format)}, {records} record{'s' if records != 1 else ''}")
    plural = "s" if len(copied) != 1 else ""
    print(f"{args.config}: batch {args.batch} declared with {len(copied)} export file{plural}")


def _search_rename(args) -> None:
    from .rename import rename_export

    cells, files = rename_export(args.config, args.batch, args.old, args.new)
    print(f"{args.config}: {args.old} renamed {args.new}; {cells} ids carried in {len(files)} sheets")


def _meta(args) -> None:
    import pandas as pd

    from .synthesis import meta_analyses
    from .tables import write_json

    data = pd.read_csv(args.data, dtype=str, keep_default_na=False) if Path(args.data).is_file() else None
    if data is None:
        raise ReviewflowError("does not exist", file=args.data)
    result = meta_analyses(
        data,
        args.measure,
        args.method,
        hksj=args.hksj,
        file=args.data,
        drop_double_zero=args.drop_double_zero,
        by=args.by,
        mods=args.mods,
        order=args.order,
        bias=args.bias,
        leave_one_out=args.leave_one_out,
    )
    write_json(result, args.output)
    low, high = result["ci_low"], result["ci_high"]
    print(f"{args.output}: k = {result['k']}, estimate {result['estimate']:.4f} ({low:.4f} to {high:.4f})")


def _meta_dta(args) -> None:
    import pandas as pd

    from .synthesis.accuracy import meta_dta
    from .synthesis.accuracy_plots import paired_forest, sroc_plot
    from .tables import write_json

    if not Path(args.data).is_file():
        raise ReviewflowError("does not exist", file=args.data)
    data = pd.read_csv(args.data, dtype=str, keep_default_na=False)
    result = meta_dta(data, file=args.data, by=args.by, compare=args.compare)
    pictures = {  # drawn before anything is written, so a bad option leaves no partial output
        path: draw()
        for path, draw in (
            (args.sroc, lambda: sroc_plot(result)),
            (args.forest, lambda: paired_forest(result, args.sort)),
        )
        if path
    }
    write_json(result, args.output)
    for path, text in pictures.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    sens, spec = result["sensitivity"], result["specificity"]
    print(
        f"{args.output}: k = {result['k']} ({result['model']}), sensitivity {sens['estimate']:.3f} "
        f"({sens['ci_low']:.3f} to {sens['ci_high']:.3f}), specificity {spec['estimate']:.3f} "
        f"({spec['ci_low']:.3f} to {spec['ci_high']:.3f})"
    )


def _rob_check(args) -> None:
    from .rob import load_tool
    from .rob.check import CHECK_COLUMNS, check_table, summary_figure
    from .tables import write_csv

    tool = load_tool(args.tool)
    result = check_table(args.file, tool)
    write_csv(result, args.output, CHECK_COLUMNS)
    if args.figure:
        Path(args.figure).write_text(summary_figure(result, tool), encoding="utf-8")
    differing = result[result["agrees"] == "false"]
    print(
        f"{args.file}: {len(result)} studies, {len(differing)} stated overall judgements differ "
        f"from the {args.tool} rule"
    )


class Reported(Exception):
    """A failure whose lines are printed already: the command exits 1 and says no more."""


def _check_config(args) -> None:
    from .pipeline import load_config
    from .problems import review_problems

    problems = review_problems(load_config(args.config), args.config)
    for problem in problems:
        print(f"reviewflow: {problem}", file=sys.stderr)
    if problems:
        print("what to do: fix each file and place named above, then run this again", file=sys.stderr)
        raise Reported
    print(f"{args.config}: valid, and its sheets too")


def _sheet_command(commands, name: str, help: str, source: tuple[str, str], sheet: str, run, many: bool = False):
    """A command that takes a filled workbook and writes it into one of the review's sheets."""
    command = commands.add_parser(name, help=help)
    if many:
        command.add_argument(source[0], nargs="+", metavar=source[0][:-1].upper(), help=source[1])
    else:
        command.add_argument(source[0], help=source[1])
    command.add_argument("--to", required=True, help=f"the sheet, e.g. resources/<review>/{sheet}")
    command.set_defaults(run=run)
    return command


def _workbook_command(commands, name: str, help: str, source: tuple[str, str], run):
    """A command that takes a review's config and a filled workbook of its last run, and
    writes what the workbook holds into the review's own sheets."""
    command = commands.add_parser(name, help=help)
    command.add_argument("config", help="config/<review>.yaml")
    command.add_argument(source[0], help=source[1])
    command.set_defaults(run=run)
    return command


def _citation_commands(commands) -> None:
    """The commands for read exports, write citations, deduplicate."""
    ingest = commands.add_parser("ingest", help="read citation exports into one records table")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("-o", "--output", required=True, help="records CSV to write")
    ingest.add_argument("--format", choices=FORMATS, help="skip detection from the content")
    ingest.add_argument("--source", help="database name (default: the file's name)")
    ingest.add_argument("--search", default="cli", help="search batch name (default: cli)")
    ingest.add_argument(
        "--on-error",
        choices=choices("ingest.on_error"),
        default=default("ingest.on_error"),
        help="stop at a malformed record, or set it aside",
    )
    ingest.add_argument("--rejected", help="CSV for records set aside with --on-error skip")
    ingest.set_defaults(run=_ingest)

    export = commands.add_parser("export", help="write citations (or records) as RIS or CSV for reference managers")
    export.add_argument("citations", help="results/dedup/citations.csv, or any records CSV")
    export.add_argument("-o", "--output", required=True, help="file to write: .ris or .csv")
    export.set_defaults(run=_export)

    dedup = commands.add_parser("dedup", help="assign each record to a citation")
    dedup.add_argument("records", help="records CSV (ingest output, or any CSV with an id column)")
    dedup.add_argument("-o", "--output", required=True, help="CSV of record_id, cluster_id")
    dedup.add_argument(
        "--decisions", help="reviewers' decisions CSV (record_a, record_b, same/different); they always win"
    )
    dedup.add_argument("--queue", help="write the uncertain pairs, side by side with a decision dropdown, to this XLSX")
    dedup.add_argument("--explain", help="write every merge with its rule and scores to this XLSX")
    dedup.add_argument(
        "--conference-abstracts",
        choices=choices("dedup.conference_abstracts"),
        default=default("dedup.conference_abstracts"),
        help="keep a conference abstract and its full report apart (default) or merge them",
    )
    dedup.set_defaults(run=_dedup)

    _sheet_command(
        commands,
        "dedup-add",
        "append the decided rows of a filled review queue to the decisions sheet",
        ("queue", "results/<review>/dedup/review_queue.xlsx, filled in"),
        "dedup_decisions.csv",
        _dedup_add,
    )


def _screening_commands(commands) -> None:
    """The commands for screening worksheets, simulation."""
    screening = commands.add_parser("screening", help="work with screening worksheets")
    screening_commands = screening.add_subparsers(dest="screening_command", required=True)
    _sheet_command(
        screening_commands,
        "add",
        "append the decided rows of filled worksheets to the decisions sheet",
        ("worksheets", "results/<review>/screening/to_screen_<stage>.xlsx, filled in (one or more)"),
        "screening.csv",
        _screening_add,
        many=True,
    )
    _sheet_command(
        screening_commands,
        "resolve",
        "write the decisions of a filled disagreements workbook into the decisions sheet",
        ("worksheet", "results/<review>/screening/disagreements.xlsx, filled in"),
        "screening.csv",
        _screening_resolve,
    )

    simulate = screening_commands.add_parser(
        "simulate", help="replay title/abstract screening of a labelled set in the order reviewflow ranks it"
    )
    simulate.add_argument("data", metavar="DATA.csv", help="columns record_id, title, abstract, label_included (0/1)")
    simulate.add_argument(
        "--prior-ids", required=True, metavar="ID_INCLUDED,ID_EXCLUDED", help="the two records screened first"
    )
    simulate.add_argument(
        "--seed", type=int, default=0, help="accepted for comparison with other tools; the method has no randomness"
    )
    simulate.add_argument("-o", "--output", required=True, metavar="RANKING.csv", help="rank, record_id, label")
    simulate.set_defaults(run=_screening_simulate)


def _review_commands(commands) -> None:
    """The commands for versions, a new review, its search batches."""
    version = commands.add_parser("version", help="living-review versions")
    version_commands = version.add_subparsers(dest="version_command", required=True)
    freeze = version_commands.add_parser(
        "freeze", help="snapshot the last run as the config's review.version in <resources>/versions/<version>/"
    )
    freeze.add_argument("config", help="config/<review>.yaml")
    freeze.set_defaults(run=_version_freeze)

    init = commands.add_parser("init", help="start a review: config/<id>.yaml and resources/<id>/ with empty sheets")
    init.add_argument("review_id", help="lower-case letters, digits, '-' or '_'")
    init.add_argument("--title", required=True)
    init.add_argument("--tool", help="the risk-of-bias tool (default rob2; quadas-2 in a diagnostic review)")
    init.add_argument(
        "--type", default="intervention", help="intervention (default) or diagnostic: a review of test accuracy"
    )
    init.add_argument("--project", default=".", help="the project folder to start it in (default: this one)")
    init.set_defaults(run=_init)

    search = commands.add_parser("search", help="search batches of a review")
    search_commands = search.add_subparsers(dest="search_command", required=True)
    search_add = search_commands.add_parser("add", help="copy export files into a new batch and declare it")
    search_add.add_argument("config", help="config/<review>.yaml")
    search_add.add_argument("files", nargs="+", metavar="FILE")
    search_add.add_argument("--batch", required=True, help="the batch's folder name, e.g. 2024-03-01")
    search_add.add_argument("--date", required=True, help="the date searched, YYYY-MM-DD")
    search_add.add_argument("--database", action="append", help="database of each file, in order (default: its name)")
    search_add.add_argument("--format", choices=FORMATS, help="declare the format instead of detecting it")
    search_add.set_defaults(run=_search_add)
    search_rename = search_commands.add_parser(
        "rename", help="rename an export file and carry the decisions on its records to their new ids"
    )
    search_rename.add_argument("config", help="config/<review>.yaml")
    search_rename.add_argument("--batch", required=True, help="the batch the export belongs to")
    search_rename.add_argument("old", help="the export's file name now")
    search_rename.add_argument("new", help="its new file name")
    search_rename.set_defaults(run=_search_rename)


def _study_commands(commands) -> None:
    """The commands for studies and their extraction."""
    studies = commands.add_parser("studies", help="link included citations to studies")
    studies_commands = studies.add_subparsers(dest="studies_command", required=True)
    _workbook_command(
        studies_commands,
        "add",
        "link the citations of a filled studies/to_link.xlsx (and add the new studies it names)",
        ("worksheet", "results/<review>/studies/to_link.xlsx, filled in"),
        _studies_add,
    )
    studies_new = studies_commands.add_parser("new", help="add one study with its primary publication")
    studies_new.add_argument("config", help="config/<review>.yaml")
    studies_new.add_argument("study_id", help="the new study's id: lower-case letters, digits and '-', e.g. smith-2021")
    studies_new.add_argument(
        "--citation", required=True, help="its primary publication: C..., R..., doi:... or pmid:..."
    )
    studies_new.add_argument("--design", required=True, help="a design of the config's vocabulary.designs")
    studies_new.set_defaults(run=_studies_new)

    extraction = commands.add_parser("extraction", help="extraction of studies")
    extraction_commands = extraction.add_subparsers(dest="extraction_command", required=True)
    extraction_add = _workbook_command(
        extraction_commands,
        "add",
        "append the filled arms and outcomes of studies/to_extract.xlsx to arms.csv and outcomes.csv",
        ("workbook", "results/<review>/studies/to_extract.xlsx, or a reviewer's blind workbook, filled in"),
        _extraction_add,
    )
    extraction_add.add_argument(
        "--to",
        metavar="FOLDER",
        help="a reviewer's own folder, resources/<review>/reviewers/<initials> (default: where the workbook belongs)",
    )


def _exchange_commands(commands) -> None:
    """The commands for decisions from other tools, files for the next tool."""
    importer = commands.add_parser("import", help="bring screening decisions made in Rayyan, Covidence or ASReview LAB")
    importer.add_argument("tool", choices=IMPORTERS)
    importer.add_argument("file", help="Rayyan's CSV export, a Covidence list's CSV export, or ASReview LAB's CSV")
    importer.add_argument("--config", required=True, help="config/<review>.yaml (its last run's citations are matched)")
    importer.add_argument("--to", required=True, help="the screening sheet, e.g. resources/<review>/screening.csv")
    stages = sheet_choices("screening", "stage")
    importer.add_argument("--stage", choices=stages, default=stages[0])
    importer.add_argument(
        "--reasons", metavar="MAP.csv", help="columns rayyan_reason (or covidence_reason), reason (the config's)"
    )
    importer.add_argument("--list", choices=COVIDENCE_LISTS, help="Covidence: the list exported (else its name)")
    importer.set_defaults(run=_import)

    handoff = commands.add_parser(
        "handoff", help="the last run's results for the next tool (PRISMA2020, EndNote/Zotero, RevMan, GRADEpro)"
    )
    handoff.add_argument(
        "kind",
        choices=HANDOFFS,
        help="prisma2020: the R package's CSV; ris: labelled; revman: a RevMan 5 file (.rm5); revman-web: "
        "RevMan Web's data package (.zip of CSV); gradepro: a folder of RevMan 5 files, one per key question",
    )
    handoff.add_argument("--config", required=True, help="config/<review>.yaml")
    handoff.add_argument("-o", "--output", required=True)
    handoff.set_defaults(run=_handoff)


def _reviewer_commands(commands) -> None:
    """The commands for blind reviewers' worksheets, consensus, status."""
    worksheet = commands.add_parser("worksheet", help="one reviewer's blind worksheet")
    worksheet.add_argument("config", help="config/<review>.yaml")
    worksheet.add_argument("--reviewer", required=True, metavar="INITIALS", help="whose worksheet")
    worksheet.add_argument("--stage", default="rob", choices=BLIND_STAGES, help="the stage (default rob)")
    worksheet.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    worksheet.set_defaults(run=_worksheet)

    consensus = commands.add_parser("consensus", help="write the agreed judgements of two reviewers' differences")
    consensus.add_argument("config", help="config/<review>.yaml")
    consensus.add_argument(
        "workbook", metavar="FILE", help="results/<review>/rob/ or studies/disagreements.xlsx, filled in"
    )
    consensus.add_argument(
        "--to", help="the consensus sheet (default: the review's rob.csv), or folder (default: the review's sheets)"
    )
    consensus.set_defaults(run=_consensus)

    status = commands.add_parser("status", help="where the review stands and the next command to run")
    status.add_argument("config", help="config/<review>.yaml")
    status.set_defaults(run=_status)


def _analysis_commands(commands) -> None:
    """The commands for pooling a table of studies, of diagnostic accuracy."""
    meta = commands.add_parser("meta", help="pool a table of studies as metafor's rma() does")
    meta.add_argument("data", metavar="DATA.csv", help="binary, continuous or generic (study, yi, vi) columns")
    meta.add_argument("--measure", required=True, choices=MEASURES)
    meta.add_argument("--method", required=True, choices=METHODS)
    meta.add_argument("--hksj", action="store_true", help="Hartung-Knapp-Sidik-Jonkman adjustment (random effects)")
    meta.add_argument(
        "--drop-double-zero",
        action="store_true",
        help="RevMan's convention: leave studies with no events in either group out of RR and OR "
        "(default: kept with 1/2 added to each cell, as metafor's escalc does)",
    )
    meta.add_argument("--by", metavar="COLUMN", help="subgroup analysis by this column, with tests for differences")
    meta.add_argument("--mods", metavar="COLUMN", help="meta-regression on this numeric column")
    meta.add_argument("--order", metavar="COLUMN", help="cumulative analysis, adding studies in this column's order")
    meta.add_argument("--bias", action="store_true", help="small-study effects: Egger, Begg, trim and fill")
    meta.add_argument("--leave-one-out", action="store_true", help="each study left out in turn")
    meta.add_argument("-o", "--output", required=True, help="JSON to write")
    meta.set_defaults(run=_meta)

    dta = commands.add_parser("meta-dta", help="bivariate meta-analysis of diagnostic accuracy, as metafor's rma.mv")
    dta.add_argument("data", metavar="DATA.csv", help="columns study, tp, fp, fn, tn (one 2x2 table a row)")
    dta.add_argument("--by", metavar="COLUMN", help="one analysis per value of this column (test, threshold, setting)")
    dta.add_argument(
        "--compare",
        metavar="COLUMN",
        help="a column of two values (two index tests) as a covariate, with the test for a difference",
    )
    dta.add_argument("--sroc", metavar="FILE.svg", help="draw the SROC plot here")
    dta.add_argument("--forest", metavar="FILE.svg", help="draw the paired forest plot here")
    dta.add_argument(
        "--sort", default="as given", help="the forest plot's order: as given, sensitivity, specificity or study"
    )
    dta.add_argument("-o", "--output", required=True, help="JSON to write")
    dta.set_defaults(run=_meta_dta)


def _rob_commands(commands) -> None:
    """The commands for risk-of-bias tools and the config check."""
    rob = commands.add_parser("rob", help="risk-of-bias tools")
    rob_commands = rob.add_subparsers(dest="rob_command", required=True)
    rob_check = rob_commands.add_parser("check", help="check the overall judgements of a robvis-style table")
    rob_check.add_argument("file", help="CSV or XLSX: Study, one column per domain, Overall (Weight optional)")
    rob_check.add_argument(
        "--tool",
        required=True,
        help="rob2, rob2-cluster, robins-i, robins-i-v2, robins-e, rob1, quadas-2, quips, or a tool file",
    )
    rob_check.add_argument("-o", "--output", required=True, help="CSV of study, stated, computed, agrees")
    rob_check.add_argument("--figure", help="SVG of the summary plot, weighted by the Weight column if given")
    rob_check.set_defaults(run=_rob_check)
    rob_add = _sheet_command(
        rob_commands,
        "add",
        "append the filled rows of an assessment workbook to the assessment sheet",
        ("template", "results/<review>/rob/assessment_template.xlsx, filled in"),
        "rob.csv",
        _rob_add,
    )
    rob_add.add_argument("--tool", required=True, help="the review's risk-of-bias tool (rob.tool in its config)")

    check = commands.add_parser("check-config", help="validate a config file against the schema")
    check.add_argument("config", help="a review config, e.g. config/<review id>.yaml")
    check.set_defaults(run=_check_config)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="reviewflow", description=__doc__)
    main.add_argument("--version", action="version", version=f"reviewflow {__version__}")
    commands = main.add_subparsers(dest="command", required=True)
    _citation_commands(commands)
    _screening_commands(commands)
    _review_commands(commands)
    _study_commands(commands)
    _exchange_commands(commands)
    _reviewer_commands(commands)
    _analysis_commands(commands)
    _rob_commands(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    output = getattr(args, "output", None)
    try:
        try:
            args.run(args)
        except (OSError, UnicodeDecodeError) as error:
            raise _as_input_error(error) from None
    except Reported:
        return 1
    except ReviewflowError as error:
        if output and Path(output).exists():
            Path(output).unlink()  # never leave partial output behind
        print(f"reviewflow: {error}", file=sys.stderr)
        return 1
    return 0


def _as_input_error(error: OSError | UnicodeDecodeError) -> ReviewflowError:
    """A file the command could not read or write, said in one line."""
    if isinstance(error, UnicodeDecodeError):
        return ReviewflowError(f"a file is not UTF-8 text ({error.reason} at byte {error.start})")
    return ReviewflowError(error.strerror or str(error), file=getattr(error, "filename", None))


if __name__ == "__main__":
    sys.exit(main())
