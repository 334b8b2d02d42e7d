rule prisma:
    input:
        records=named_input("prisma", "records"),
        rejected=named_input("prisma", "rejected"),
        citations=named_input("prisma", "citations"),
        status=named_input("prisma", "status"),
        studies=named_input("prisma", "studies"),
        publications=named_input("prisma", "publications"),
        code=source_files("prisma"),
    output:
        counts=named_output("prisma", "counts"),
        svg=report(
            named_output("prisma", "svg"),
            caption="../report/prisma.rst",
            category="Flow",
        ),
    log:
        LAYOUT.log("prisma"),
    benchmark:
        LAYOUT.benchmark("prisma")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        **params("prisma"),
    script:
        "../scripts/step.py"
