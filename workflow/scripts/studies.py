import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import studies

sheets = {name: path for name, path in snakemake.input.items() if name not in ("citations", "status")}
run_step(
    snakemake,
    lambda: studies(
        sheets,
        snakemake.input.citations,
        snakemake.input.status,
        key_questions=list(snakemake.params.key_questions),
        outputs=dict(snakemake.output.items()),
    ),
)
