# reviewflow: citation exports in, evidence report out.
# Run with `make report`; see README.md and config/README.md.
# Every rule's files come from workflow/reviewflow/layout.py; every rule runs the
# step function layout.STEPS names, through workflow/scripts/step.py.
import sys

from snakemake.utils import min_version

# The reviewflow package, importable whether installed or not.
sys.path.insert(0, f"{workflow.basedir}/workflow")
from reviewflow.checks import check_review
from reviewflow.errors import ReviewflowError
from reviewflow.failure import summary

min_version("9.0")


# One config per review, nothing inherited: `--configfile config/<review>.yaml` runs that
# review alone (make report CONFIG=...); without one, the embedded review runs.
if not workflow.configfiles:

    configfile: "config/ipmp.yaml"


try:
    check_review(config, ", ".join(map(str, workflow.configfiles)))
except ReviewflowError as error:
    sys.exit(f"reviewflow: {error}")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screen.smk"
include: "workflow/rules/studies.smk"
include: "workflow/rules/prisma.smk"
include: "workflow/rules/rob.smk"
include: "workflow/rules/synthesis.smk"
include: "workflow/rules/changes.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/provenance.smk"


rule all:
    input:
        LAYOUT.final_outputs(),


# A failed run ends with its reason: each failed step's `reviewflow:` line, its log, a hint.
onerror:
    for line in summary(log if isinstance(log, str) else log[0]):
        print(line, file=sys.stderr)
