# reviewflow: citation exports in, evidence report out.
# Run with `make report`; see README.md and config/README.md.
import sys

from snakemake.utils import min_version

# The reviewflow package, importable whether installed or not.
sys.path.insert(0, f"{workflow.basedir}/workflow")
from reviewflow.errors import ReviewflowError
from reviewflow.schemas import validate_config
from reviewflow.searches import check_searches, check_sheets

min_version("9.0")


configfile: "config/config.yaml"


try:
    config_files = ", ".join(map(str, workflow.configfiles))
    validate_config(config, file=config_files)
    check_searches(config, config_file=config_files)
    check_sheets(config, config_file=config_files)
except ReviewflowError as error:
    sys.exit(f"reviewflow: {error}")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screen.smk"
include: "workflow/rules/studies.smk"
include: "workflow/rules/rob.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/provenance.smk"


rule all:
    input:
        "results/report.html",
        "results/report.pdf",
        "results/evidence_tables.xlsx",
        "results/provenance.json",
        "results/MANIFEST.sha256",
