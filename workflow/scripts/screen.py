import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import screen

run_step(
    snakemake,
    lambda: screen(
        snakemake.input.citations,
        snakemake.input.decisions,
        reasons=list(snakemake.params.reasons),
        searches=list(snakemake.params.searches),
        outputs=dict(snakemake.output.items()),
    ),
)
