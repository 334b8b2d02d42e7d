rule report_context:
    input:
        # a diagnostic review's accuracy results; blind reviewers' agreement
        **optional_inputs(
            "report_context",
            "accuracy_analyses",
            "accuracy_studies",
            "accuracy_comparisons",
            "accuracy_certainty",
            "accuracy_figures",
            "rob_agreement",
            "rob_disagreements",
            "extraction_agreement",
            "extraction_disagreements",
        ),
        prisma=named_input("report_context", "prisma"),
        prisma_svg=named_input("report_context", "prisma_svg"),
        agreement=named_input("report_context", "agreement"),
        prioritisation=named_input("report_context", "prioritisation"),
        status=named_input("report_context", "status"),
        studies=named_input("report_context", "studies"),
        publications=named_input("report_context", "publications"),
        arms=named_input("report_context", "arms"),
        evidence=named_input("report_context", "evidence"),
        matrix=named_input("report_context", "matrix"),
        awaiting=named_input("report_context", "awaiting"),
        rob=named_input("report_context", "rob"),
        rob_gaps=named_input("report_context", "rob_gaps"),
        analyses=named_input("report_context", "analyses"),
        estimates=named_input("report_context", "estimates"),
        soe=named_input("report_context", "soe"),
        after_sensitivity=named_input("report_context", "after_sensitivity"),
        after_bias=named_input("report_context", "after_bias"),
        after_subgroups=named_input("report_context", "after_subgroups"),
        after_metareg=named_input("report_context", "after_metareg"),
        forest=named_input("report_context", "forest"),
        funnel=named_input("report_context", "funnel"),
        after=named_input("report_context", "after"),
        changes=named_input("report_context", "changes"),
        changes_summary=named_input("report_context", "changes_summary"),
        figures=named_input("report_context", "figures"),
        provenance=named_input("report_context", "provenance"),
        dedup_records=named_input("report_context", "dedup_records"),
        authored=named_input("report_context", "authored"),
        code=source_files("report_context"),
    output:
        context=named_output("report_context", "context"),
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
        context=named_input("report_html", "context"),
        code=source_files("report_html"),
    output:
        html=report(
            named_output("report_html", "html"),
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
        html=named_input("report_pdf", "html"),
        code=source_files("report_pdf"),
    output:
        pdf=report(
            named_output("report_pdf", "pdf"),
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
        context=named_input("report_workbook", "context"),
        code=source_files("report_workbook"),
    output:
        workbook=report(
            named_output("report_workbook", "workbook"),
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
