from reviewflow.scripting import run_step
from reviewflow.steps import deduplicate_records

run_step(
    snakemake,
    lambda: deduplicate_records(
        list(snakemake.input), snakemake.output.records, snakemake.output.citations
    ),
)
