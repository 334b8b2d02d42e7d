import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import report_html

run_step(snakemake, lambda: report_html(snakemake.input.context, snakemake.output[0]))
