import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import report_pdf

run_step(snakemake, lambda: report_pdf(snakemake.input[0], snakemake.output[0]))
