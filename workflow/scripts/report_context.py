import sys

sys.path.insert(0, f"{snakemake.scriptdir}/..")  # the reviewflow package, installed or not

from reviewflow.scripting import run_step
from reviewflow.steps import report_context

run_step(
    snakemake,
    lambda: report_context(
        config=dict(snakemake.params.config),
        prisma=snakemake.input.prisma,
        prisma_svg_file=snakemake.input.prisma_svg,
        agreement=snakemake.input.agreement,
        status=snakemake.input.status,
        studies_csv=snakemake.input.studies,
        publications=snakemake.input.publications,
        evidence=snakemake.input.evidence,
        arms=snakemake.input.arms,
        matrix=snakemake.input.matrix,
        rob=snakemake.input.rob,
        rob_gaps=snakemake.input.rob_gaps,
        soe=snakemake.input.soe,
        figures=list(snakemake.input.figures),
        raw_inputs=list(snakemake.input.raw),
        output=snakemake.output[0],
    ),
)
