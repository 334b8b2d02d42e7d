rule synthesis:
    input:
        **inputs("synthesis"),
    output:
        **outputs("synthesis"),
    log:
        LAYOUT.log("synthesis"),
    benchmark:
        LAYOUT.benchmark("synthesis")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        **params("synthesis"),
    script:
        "../scripts/step.py"
