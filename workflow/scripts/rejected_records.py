import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import gather_rejected

run_step(snakemake, lambda: gather_rejected(list(snakemake.input), snakemake.output[0]))
