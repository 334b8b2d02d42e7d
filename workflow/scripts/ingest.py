import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import ingest_export

run_step(
    snakemake,
    lambda: ingest_export(
        snakemake.input[0],
        snakemake.output[0],
        database=snakemake.params.database,
        search=snakemake.wildcards.batch,
        format=snakemake.params.format,
    ),
)
