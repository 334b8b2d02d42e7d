import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import ingest_export

run_step(
    snakemake,
    lambda: ingest_export(
        snakemake.input[0],
        snakemake.output.records,
        snakemake.output.rejected,
        database=snakemake.params.database,
        search=snakemake.wildcards.batch,
        format=snakemake.params.format,
        on_error=snakemake.params.on_error,
    ),
)
