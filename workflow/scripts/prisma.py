import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import prisma

run_step(
    snakemake,
    lambda: prisma(
        snakemake.input.records,
        snakemake.input.rejected,
        snakemake.input.citations,
        snakemake.input.status,
        snakemake.input.studies,
        snakemake.input.publications,
        searches=list(snakemake.params.searches),
        counts_out=snakemake.output.counts,
        svg_out=snakemake.output.svg,
    ),
)
