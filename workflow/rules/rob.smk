rule rob:
    input:
        **inputs("rob"),
    output:
        **outputs("rob"),
    log:
        LAYOUT.log("rob"),
    benchmark:
        LAYOUT.benchmark("rob")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("rob"),
    script:
        "../scripts/step.py"
