import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import risk_of_bias

run_step(
    snakemake,
    lambda: risk_of_bias(
        snakemake.input.assessments,
        snakemake.input.studies,
        snakemake.input.evidence,
        snakemake.input.soe,
        tool_name=snakemake.params.tool,
        palette=snakemake.params.palette,
        kq_ids=list(snakemake.params.kq_ids),
        stamp=snakemake.params.stamp,
        outputs=dict(snakemake.output.items()),
    ),
)
