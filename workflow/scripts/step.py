# The one adapter every rule runs: the rule's step function (reviewflow.layout.STEPS)
# called with the job's files and parameters; logging and one-line errors around it.
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_rule

run_rule(snakemake)
