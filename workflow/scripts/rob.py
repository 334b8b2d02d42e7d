import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import risk_of_bias

run_step(
    snakemake,
    lambda: risk_of_bias(
        snakemake.input.assessments,
        snakemake.input.studies,
        tool=snakemake.params.tool,
        output=snakemake.output.table,
        gaps_out=snakemake.output.gaps,
    ),
)
