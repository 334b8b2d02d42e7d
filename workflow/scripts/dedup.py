import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import deduplicate_records

run_step(
    snakemake,
    lambda: deduplicate_records(
        list(snakemake.input.records),
        snakemake.input.decisions[0] if snakemake.input.decisions else None,
        conference_abstracts=snakemake.params.conference_abstracts,
        stamp=snakemake.params.stamp,
        outputs=dict(snakemake.output.items()),
    ),
)
