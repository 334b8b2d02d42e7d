rule report_context:
    input:
        prisma="results/prisma/prisma.json",
        prisma_svg="results/prisma/prisma.svg",
        agreement="results/screening/agreement.json",
        status="results/screening/status.csv",
        studies="results/studies/studies.csv",
        publications="results/studies/publications.csv",
        evidence="results/studies/evidence_rows.csv",
        arms="results/studies/arms.csv",
        matrix="results/studies/kq_matrix.csv",
        rob="results/rob/rob.csv",
        rob_gaps="results/rob/unassessed_studies.csv",
        soe="results/rob/soe.csv",
        figures=list(rob_figures().values()),
        raw=raw_inputs(),
    output:
        "results/report/context.json",
    log:
        "logs/report/context.log",
    benchmark:
        "logs/benchmarks/report/context.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        config=config,
    script:
        "../scripts/report_context.py"


rule report_html:
    input:
        context="results/report/context.json",
        templates=report_templates(),
    output:
        report("results/report.html", caption="../report/report.rst", category="Report"),
    log:
        "logs/report/html.log",
    benchmark:
        "logs/benchmarks/report/html.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    script:
        "../scripts/report_html.py"


rule report_pdf:
    input:
        "results/report.html",
    output:
        report("results/report.pdf", caption="../report/report.rst", category="Report"),
    log:
        "logs/report/pdf.log",
    benchmark:
        "logs/benchmarks/report/pdf.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/report_pdf.py"


rule report_workbook:
    input:
        "results/report/context.json",
    output:
        report(
            "results/evidence_tables.xlsx",
            caption="../report/workbook.rst",
            category="Report",
        ),
    log:
        "logs/report/workbook.log",
    benchmark:
        "logs/benchmarks/report/workbook.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    script:
        "../scripts/report_workbook.py"
