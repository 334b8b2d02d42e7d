import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import studies

run_step(
    snakemake,
    lambda: studies(
        snakemake.input.registry,
        snakemake.input.publications,
        snakemake.input.comparisons,
        snakemake.input.citations,
        snakemake.input.status,
        key_questions=list(snakemake.params.key_questions),
        outputs=dict(snakemake.output.items()),
    ),
)
