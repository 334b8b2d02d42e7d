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


rule accuracy:
    input:
        **inputs("accuracy"),
    output:
        **outputs("accuracy"),
    log:
        LAYOUT.log("accuracy"),
    benchmark:
        LAYOUT.benchmark("accuracy")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        **params("accuracy"),
    script:
        "../scripts/step.py"
