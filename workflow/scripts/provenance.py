import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import write_provenance

run_step(
    snakemake,
    lambda: write_provenance(
        list(snakemake.input),
        dict(snakemake.params.config),
        f"{snakemake.scriptdir}/../..",
        snakemake.output[0],
    ),
)
