rule changes:
    input:
        **inputs("changes"),
    output:
        **outputs("changes"),
    log:
        LAYOUT.log("changes"),
    benchmark:
        LAYOUT.benchmark("changes")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("changes"),
    script:
        "../scripts/step.py"
