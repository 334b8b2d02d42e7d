rule studies:
    input:
        **inputs("studies"),
    output:
        **outputs("studies"),
    log:
        LAYOUT.log("studies"),
    benchmark:
        LAYOUT.benchmark("studies")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("studies"),
    script:
        "../scripts/step.py"
