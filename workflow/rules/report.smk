rule report_context:
    input:
        **inputs("report_context"),
    output:
        **outputs("report_context"),
    log:
        LAYOUT.log("report_context"),
    benchmark:
        LAYOUT.benchmark("report_context")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        **params("report_context"),
    script:
        "../scripts/step.py"


rule report_html:
    input:
        **inputs("report_html"),
    output:
        html=report(
            outputs("report_html")["html"],
            caption="../report/report.rst",
            category="Report",
        ),
    log:
        LAYOUT.log("report_html"),
    benchmark:
        LAYOUT.benchmark("report_html")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    script:
        "../scripts/step.py"


rule report_pdf:
    input:
        **inputs("report_pdf"),
    output:
        pdf=report(
            outputs("report_pdf")["pdf"],
            caption="../report/report.rst",
            category="Report",
        ),
    log:
        LAYOUT.log("report_pdf"),
    benchmark:
        LAYOUT.benchmark("report_pdf")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/step.py"


rule report_workbook:
    input:
        **inputs("report_workbook"),
    output:
        workbook=report(
            outputs("report_workbook")["workbook"],
            caption="../report/workbook.rst",
            category="Report",
        ),
    log:
        LAYOUT.log("report_workbook"),
    benchmark:
        LAYOUT.benchmark("report_workbook")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    script:
        "../scripts/step.py"
