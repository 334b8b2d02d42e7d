"""Where every file of a review lives, and which step makes it.

One table of jobs, built from the config: each job is a rule of the workflow
with its named inputs, outputs and parameters, and the step function that runs
it. The Snakemake rules take their files from here, the in-process runner
(``reviewflow.pipeline``) runs the same jobs in the same order, and the
manifest, provenance and report digest list files from here, so no list of
paths is kept by hand anywhere else.

Inputs people provide live under the config's ``resources`` folder; everything
a run writes lives under ``results/<review id>/`` and its logs under
``logs/<review id>/``, so two reviews in one checkout never share a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from .places import in_project, resources_folder
from .reviewers import FOLDER as REVIEWERS_FOLDER
from .reviewers import reviewer_sheets
from .rob.figures import FIGURE_KINDS
from .schemas import setting
from .screening import STAGES  # noqa: F401 (re-exported)
from .sheets import SHEETS, default_sheet  # noqa: F401 (re-exported: the commands name sheets through the layout)

# The step function of every rule: "module:function" in the reviewflow package.
STEPS = {
    "ingest": "ingest.step:run",
    "rejected_records": "ingest.step:run_gather_rejected",
    "dedup": "dedup.step:run",
    "screen": "screening.step:run",
    "studies": "studies.step:run",
    "prisma": "prisma.step:run",
    "rob": "rob.step:run",
    "synthesis": "synthesis.step:run",
    "accuracy": "synthesis.accuracy_step:run",
    "changes": "versions:run",
    "provenance": "provenance:run_provenance",
    "report_context": "report.step:run_context",
    "report_html": "report.step:run_html",
    "report_pdf": "report.step:run_pdf",
    "report_workbook": "report.step:run_workbook",
    "manifest": "provenance:run_manifest",
}

# What the synthesis writes beside analyses.csv about each pooled analysis (synthesis/beyond.py).
AFTER_POOLING = ("sensitivity", "bias", "subgroups", "metareg")
# Outputs that are folders: their files depend on the data (one forest plot per analysis).
FOLDER_OUTPUTS = ("forest", "funnel", "after", "accuracy_figures")
# What the accuracy job of a diagnostic review writes (synthesis/accuracy_step.py).
ACCURACY_TABLES = ("accuracy_analyses", "accuracy_studies", "accuracy_comparisons", "accuracy_certainty")


@dataclass(frozen=True)
class Job:
    """One run of one rule: its named files and parameters."""

    rule: str
    inputs: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def run(self) -> None:
        step(self.rule)(self.inputs, self.outputs, self.params)


def step(rule: str):
    """The step function of a rule, imported only when needed (an ingest job loads ingest only)."""
    module, function = STEPS[rule].split(":")
    return getattr(import_module(f"reviewflow.{module}"), function)


class Layout:
    """The files of one review, from its config."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.review_id = config["review"]["id"]
        self.resources = resources_folder(config)  # in the config's project (places.py)
        self.results = in_project(config, f"results/{self.review_id}")
        self.logs = in_project(config, f"logs/{self.review_id}")

    # -- inputs people provide ----------------------------------------------

    def resource(self, name: str) -> str:
        return f"{self.resources}/{name}"

    def sheet(self, section: str, key: str) -> str | None:
        """The path of a sheet: the name the config gives it, else its default name
        (`<schema>.csv`) when that file exists; None when the review has none yet, which
        means nothing decided so far."""
        named = self.config.get(section, {}).get(key)
        path = self.resource(named or default_sheet(section, key))
        return path if named or Path(path).is_file() else None

    def sheet_file(self, section: str, key: str) -> str:
        """Where a sheet is, or will be once a command adds its first row: the name the
        config gives it, else its default name."""
        return self.sheet(section, key) or self.resource(default_sheet(section, key))

    def exports(self) -> list[tuple[dict, dict]]:
        """(search, export) of every export file, in config order: the order fixes citation ids."""
        return [(search, export) for search in self.config["searches"] for export in search["exports"]]

    def export_file(self, batch: str, export: str) -> str:
        return self.resource(f"searches/{batch}/{export}")

    def rob_tool_file(self) -> str | None:
        """A team's own tool file (a path in the config), which is an input like any sheet."""
        from .rob import SHIPPED

        tool = self.config["rob"]["tool"]
        return None if tool in SHIPPED else in_project(self.config, tool)

    def rob_tool(self) -> str:
        """The tool as load_tool takes it: a shipped tool's name, or the team's file in the project."""
        return self.rob_tool_file() or self.config["rob"]["tool"]

    def raw_inputs(self) -> list[str]:
        """Every file people provide: exports, strategies, sheets and a tool file of their own."""
        files = []
        for search, export in self.exports():
            files.append(self.export_file(search["batch"], export["file"]))
            if export.get("strategy"):
                files.append(self.export_file(search["batch"], export["strategy"]))
        files += [path for section, key in SHEETS if (path := self.sheet(section, key))]
        frozen = self.changes().inputs
        files += [*frozen.get("baseline_files", []), *([frozen["baseline"]] if "baseline" in frozen else [])]
        return [*files, *filter(None, [self.rob_tool_file()]), *self.authored_files()]

    def authored_files(self) -> list[str]:
        """The report sections the team has written so far (Markdown in <resources>/report/)."""
        from .report.authored import section_files

        kq_ids = [kq["id"] for kq in self.config["key_questions"]]
        return [str(path) for path in section_files(self.resource("report"), kq_ids).values() if path.is_file()]

    # -- outputs -------------------------------------------------------------

    def result(self, name: str) -> str:
        return f"{self.results}/{name}"

    def ingested(self, batch: str, export: str, suffix: str = "csv") -> str:
        return self.result(f"ingest/{batch}/{export}.{suffix}")

    def all_ingested(self, suffix: str = "csv") -> list[str]:
        return [self.ingested(s["batch"], e["file"], suffix) for s, e in self.exports()]

    def log(self, rule: str, **wildcards: str) -> str:
        where = "/".join([rule, *wildcards.values()])
        return f"{self.logs}/{where}.log"

    def benchmark(self, rule: str, **wildcards: str) -> str:
        where = "/".join([rule, *wildcards.values()])
        return f"{self.logs}/benchmarks/{where}.tsv"

    def figures(self) -> dict[str, str]:
        """Three risk-of-bias figures per key question, by name."""
        return {
            f"{kind}_{kq['id']}": self.result(f"rob/{kind}_{kq['id']}.svg")
            for kq in self.config["key_questions"]
            for kind in FIGURE_KINDS
        }

    # -- the jobs --------------------------------------------------------------

    def stamp(self) -> str:
        """The date every workbook and PDF carries: the latest search's, never the clock's."""
        return self.config["searches"][-1]["date_searched"]

    def ingest(self, batch: str = "{batch}", export: str = "{export}") -> Job:
        """One export file read; with the default arguments, the rule's wildcard patterns."""
        settings = self._export_settings(batch, export)
        return Job(
            "ingest",
            {"export": self.export_file(batch, export)},
            {"records": self.ingested(batch, export), "rejected": self.ingested(batch, export, "rejected.csv")},
            {
                "database": settings.get("database", ""),
                "format": settings.get("format"),
                "search": batch,
                "on_error": setting(self.config, "ingest.on_error"),
            },
        )

    def _export_settings(self, batch: str, export: str) -> dict:
        for search, settings in self.exports():
            if search["batch"] == batch and settings["file"] == export:
                return settings
        return {}

    def rejected_records(self) -> Job:
        return Job(
            "rejected_records",
            {"rejected": self.all_ingested("rejected.csv")},
            {"rejected": self.result("ingest/rejected.csv")},
        )

    def dedup(self) -> Job:
        inputs = {"records": self.all_ingested(), "decisions": self.sheet("dedup", "decisions")}
        outputs = {name: self.result(f"dedup/{name}.csv") for name in ("records", "citations")}
        outputs.update(clusters=self.result("dedup/clusters.xlsx"), queue=self.result("dedup/review_queue.xlsx"))
        params = {
            "conference_abstracts": setting(self.config, "dedup.conference_abstracts"),
            "stamp": self.stamp(),
        }
        return Job("dedup", _present(inputs), outputs, params)

    def screen(self) -> Job:
        outputs = {
            "status": self.result("screening/status.csv"),
            "agreement": self.result("screening/agreement.json"),
            "disagreements": self.result("screening/disagreements.xlsx"),
            "prioritisation": self.result("screening/prioritisation.json"),
        }
        outputs.update({f"to_screen_{s}": self.result(f"screening/to_screen_{s}.xlsx") for s in STAGES})
        return Job(
            "screen",
            _present(
                {
                    "citations": self.result("dedup/citations.csv"),
                    "decisions": self.sheet("screening", "decisions"),
                    **{
                        f"reviewer_{initials}": self.reviewer_sheet(initials, "screening.csv")
                        for initials in self.reviewers("screening.csv")
                    },
                }
            ),
            outputs,
            {
                "reasons": self.config["screening"]["exclusion_reasons"],
                "stamp": self.stamp(),
                "prioritisation": self.config["screening"].get("prioritisation", {}),
                "reviewers": self.config["screening"].get("reviewers") or self.reviewers("screening.csv"),
                "search_dates": {s["batch"]: s["date_searched"] for s in self.config["searches"]},
            },
        )

    def studies(self) -> Job:
        sheets = {  # a diagnostic review's accuracy sheet says which studies are extracted
            key: self.sheet("studies", key)
            for section, key in SHEETS
            if section == "studies" and (key != "accuracy" or self.diagnostic())
        }
        names = ("studies", "publications", "arms", "outcomes", "comparisons", "evidence_rows", "kq_matrix", "awaiting")
        outputs = {name: self.result(f"studies/{name}.csv") for name in names}
        outputs.update({name: self.result(f"studies/{name}.xlsx") for name in ("to_link", "to_extract")})
        own = {  # blind reviewers' own extraction sheets: reviewer_<sheet>_<initials>
            f"reviewer_{name}_{initials}": self.reviewer_sheet(initials, f"{name}.csv")
            for initials in self.extractors()
            for name in self.extraction_sheets()
        }
        if own:  # their differences and agreement
            outputs.update(self.extraction_agreement())
        return Job(
            "studies",
            _present(
                {
                    **sheets,
                    "citations": self.result("dedup/citations.csv"),
                    "status": self.result("screening/status.csv"),
                    **own,
                }
            ),
            outputs,
            {
                "key_questions": self.config["key_questions"],
                "vocabulary": self.config["vocabulary"],
                "stamp": self.stamp(),
                "tolerance": setting(self.config, "studies.extraction_tolerance"),
                "diagnostic": self.diagnostic(),
            },
        )

    def extraction_sheets(self) -> tuple[str, ...]:
        """The sheets this kind of review extracts into (arms and outcomes, or accuracy)."""
        from .studies.dual import EXTRACTION

        return EXTRACTION[setting(self.config, "review.type")]

    def extractors(self) -> list[str]:
        """The reviewers who extract blind, each into extraction sheets of their own."""
        return sorted({r for name in self.extraction_sheets() for r in self.reviewers(f"{name}.csv")})

    def extraction_agreement(self) -> dict[str, str]:
        return {
            "disagreements": self.result("studies/disagreements.xlsx"),
            "agreement": self.result("studies/agreement.csv"),
        }

    def prisma(self) -> Job:
        inputs = {
            "records": self.result("dedup/records.csv"),
            "rejected": self.result("ingest/rejected.csv"),
            "citations": self.result("dedup/citations.csv"),
            "status": self.result("screening/status.csv"),
            "studies": self.result("studies/studies.csv"),
            "publications": self.result("studies/publications.csv"),
        }
        outputs = {"counts": self.result("prisma/prisma.json"), "svg": self.result("prisma/prisma.svg")}
        return Job("prisma", inputs, outputs, {"searches": self.config["searches"]})

    def reviewers(self, sheet: str = "rob.csv") -> list[str]:
        """The initials of the reviewers who keep this sheet of their own, blind to each
        other's (<resources>/reviewers/<initials>/<sheet>)."""
        return sorted(reviewer_sheets(self.resources, sheet))

    def reviewer_sheet(self, initials: str, sheet: str = "rob.csv") -> str:
        return self.resource(f"{REVIEWERS_FOLDER}/{initials}/{sheet}")

    def rob(self) -> Job:
        reviewers = self.reviewers()
        inputs = {
            "assessments": self.sheet("rob", "assessments"),
            "tool": self.rob_tool_file(),
            "studies": self.result("studies/studies.csv"),
            "evidence": self.result("studies/evidence_rows.csv"),
            **{f"reviewer_{initials}": self.reviewer_sheet(initials) for initials in reviewers},
        }
        outputs = {
            **self.figures(),
            "table": self.result("rob/rob.csv"),
            "gaps": self.result("rob/unassessed_studies.csv"),
            "template": self.result("rob/assessment_template.xlsx"),
        }
        if reviewers:  # a review assessed by two reviewers, blind: their differences and agreement
            outputs.update(
                disagreements=self.result("rob/disagreements.xlsx"), agreement=self.result("rob/agreement.csv")
            )
        params = {**self._tool_params(), "stamp": self.stamp(), "reviewers": reviewers}
        return Job("rob", _present(inputs), outputs, params)

    def _tool_params(self) -> dict:
        """What the rob and synthesis steps both need: the tool, its colours, the KQ ids."""
        return {
            "tool": self.rob_tool(),
            "palette": setting(self.config, "rob.palette"),
            "kq_ids": [kq["id"] for kq in self.config["key_questions"]],
        }

    def synthesis(self) -> Job:
        inputs = {
            "soe": self.sheet("rob", "soe"),
            "tool": self.rob_tool_file(),
            **{
                name: self.result(f"studies/{name}.csv")
                for name in ("outcomes", "comparisons", "arms", "studies", "publications")
            },
            "evidence": self.result("studies/evidence_rows.csv"),
            "rob": self.result("rob/rob.csv"),
        }
        names = ("analyses", "estimates", "soe", *AFTER_POOLING)
        outputs = {name: self.result(f"synthesis/{name}.csv") for name in names}
        outputs["forest"] = self.result("synthesis/forest")
        outputs["funnel"] = self.result("synthesis/funnel")
        outputs["after"] = self.result("synthesis/after")
        params = {
            **self._tool_params(),
            "vocabulary": self.config["vocabulary"],
            "settings": self.config.get("synthesis", {}),
            "subgroups": {  # the subgroups each KQ analyses by a characteristic
                kq["id"]: [s for s in kq.get("subgroups", []) if isinstance(s, dict)]
                for kq in self.config["key_questions"]
            },
        }
        return Job("synthesis", _present(inputs), outputs, params)

    def diagnostic(self) -> bool:
        """A review of diagnostic test accuracy (review.type diagnostic)."""
        return setting(self.config, "review.type") == "diagnostic"

    def accuracy(self) -> Job:
        """A diagnostic review's accuracy analyses from its 2x2 tables: per index test and
        target condition, with subgroups by threshold and test comparisons."""
        inputs = {
            "accuracy": self.sheet("studies", "accuracy"),
            "certainty": self.sheet("rob", "accuracy_certainty"),
            "studies": self.result("studies/studies.csv"),
            "rob": self.result("rob/rob.csv"),
            "tool": self.rob_tool_file(),
        }
        outputs = {name: self.result(f"synthesis/{name}.csv") for name in ACCURACY_TABLES}
        outputs["accuracy_figures"] = self.result("synthesis/accuracy")
        settings = self.config.get("synthesis", {})
        params = {
            "vocabulary": self.config["vocabulary"],
            "prevalence": settings.get("prevalence", []),
            "order": setting(self.config, "synthesis.accuracy_order"),
            "certainty": settings.get("certainty"),
            "tool": self.rob_tool(),
        }
        return Job("accuracy", _present(inputs), outputs, params)

    def snapshot_sources(self) -> dict[str, str]:
        """The result file each snapshot file of a frozen version copies (catalogue.SNAPSHOT)."""
        from .catalogue import SNAPSHOT

        jobs = {job for (job, _), _ in SNAPSHOT.values()}
        outputs = {job: getattr(self, job)().outputs for job in sorted(jobs)}
        return {name: outputs[job][output] for name, ((job, output), _) in SNAPSHOT.items()}

    def changes(self) -> Job:
        """This run against the latest frozen version (see reviewflow.versions)."""
        from .catalogue import SNAPSHOT, baseline_version, version_rows

        inputs = {name.removesuffix(".csv"): path for name, path in self.snapshot_sources().items()}
        baseline = baseline_version(self.config)
        if baseline:
            folder = self.resource(f"versions/{baseline}")
            inputs["baseline"] = f"{folder}/version.json"
            inputs["baseline_files"] = [f"{folder}/{name}" for name in SNAPSHOT]
        sheets = {
            "screening": self.sheet("screening", "decisions"),
            "registry": self.sheet("studies", "registry"),
            "arms": self.sheet("studies", "arms"),
            "outcomes": self.sheet("studies", "outcomes"),
            "rob": self.sheet("rob", "assessments"),
            "soe": self.sheet("rob", "soe"),
        }
        inputs.update({f"sheet_{name}": path for name, path in sheets.items() if path})
        params = {
            "baseline": baseline,
            "versions": version_rows(self.config),
            "current": {
                "version": str(self.config["review"].get("version", "")),
                "batches": [s["batch"] for s in self.config["searches"]],
            },
        }
        outputs = {"changes": self.result("changes.csv"), "summary": self.result("changes.json")}
        return Job("changes", inputs, outputs, params)

    def provenance(self) -> Job:
        return Job(
            "provenance",
            {"raw": self.raw_inputs()},
            {"provenance": self.result("provenance.json")},
            {"config": self.config},
        )

    def report_context(self) -> Job:
        inputs = {
            "prisma": self.result("prisma/prisma.json"),
            "prisma_svg": self.result("prisma/prisma.svg"),
            "agreement": self.result("screening/agreement.json"),
            "prioritisation": self.result("screening/prioritisation.json"),
            "status": self.result("screening/status.csv"),
            **{name: self.result(f"studies/{name}.csv") for name in ("studies", "publications", "arms")},
            "evidence": self.result("studies/evidence_rows.csv"),
            "matrix": self.result("studies/kq_matrix.csv"),
            "awaiting": self.result("studies/awaiting.csv"),
            "rob": self.result("rob/rob.csv"),
            "rob_gaps": self.result("rob/unassessed_studies.csv"),
            **{name: self.result(f"synthesis/{name}.csv") for name in ("analyses", "estimates", "soe")},
            **{f"after_{name}": self.result(f"synthesis/{name}.csv") for name in AFTER_POOLING},
            "forest": self.result("synthesis/forest"),
            "funnel": self.result("synthesis/funnel"),
            "after": self.result("synthesis/after"),
            "changes": self.result("changes.csv"),
            "changes_summary": self.result("changes.json"),
            "figures": list(self.figures().values()),
            "provenance": self.result("provenance.json"),
            "dedup_records": self.result("dedup/records.csv"),
            "authored": self.authored_files(),
        }
        if self.diagnostic():
            inputs.update(self.accuracy().outputs)
        if self.reviewers():  # two reviewers' agreement and their differences still open
            inputs.update(
                rob_agreement=self.result("rob/agreement.csv"), rob_disagreements=self.result("rob/disagreements.xlsx")
            )
        if self.extractors():
            inputs.update({f"extraction_{name}": path for name, path in self.extraction_agreement().items()})
        return Job("report_context", inputs, {"context": self.result("report/context.json")}, {"config": self.config})

    def report_html(self) -> Job:
        return Job("report_html", {"context": self.result("report/context.json")}, {"html": self.result("report.html")})

    def report_pdf(self) -> Job:
        return Job("report_pdf", {"html": self.result("report.html")}, {"pdf": self.result("report.pdf")})

    def report_workbook(self) -> Job:
        return Job(
            "report_workbook",
            {"context": self.result("report/context.json")},
            {"workbook": self.result("evidence_tables.xlsx")},
        )

    def jobs(self) -> list[Job]:
        """Every job of a run but the manifest, in an order that respects their inputs."""
        ingest = [self.ingest(search["batch"], export["file"]) for search, export in self.exports()]
        later = (
            self.rejected_records,
            self.dedup,
            self.screen,
            self.studies,
            self.prisma,
            self.rob,
            self.synthesis,
            *((self.accuracy,) if self.diagnostic() else ()),
            self.changes,
            self.provenance,
            self.report_context,
            self.report_html,
            self.report_pdf,
            self.report_workbook,
        )
        return [*ingest, *(make() for make in later)]

    def result_files(self) -> list[str]:
        """Every file a run writes (but the manifest itself and provenance, which names the
        machine): what the manifest covers, so stale files left in results/ never count."""
        return [path for job in self.jobs() if job.rule != "provenance" for path in job.outputs.values()]

    def manifest(self) -> Job:
        return Job(
            "manifest",
            {"results": self.result_files()},
            {"manifest": self.result("MANIFEST.sha256")},
        )

    def final_outputs(self) -> list[str]:
        """What `rule all` asks for."""
        return [
            self.result("report.html"),
            self.result("report.pdf"),
            self.result("evidence_tables.xlsx"),
            self.result("provenance.json"),
            self.result("MANIFEST.sha256"),
        ]


def _present(files: dict) -> dict:
    """Named files without the optional ones the config does not name."""
    return {name: path for name, path in files.items() if path is not None}
