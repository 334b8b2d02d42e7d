import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.verify import write_manifest

run_step(snakemake, lambda: write_manifest("results", snakemake.output[0]))
