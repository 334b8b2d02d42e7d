rule provenance:
    input:
        **inputs("provenance"),
    output:
        **outputs("provenance"),
    log:
        LAYOUT.log("provenance"),
    benchmark:
        LAYOUT.benchmark("provenance")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("provenance"),
    script:
        "../scripts/step.py"


rule manifest:
    input:
        **inputs("manifest"),
    output:
        **outputs("manifest"),
    log:
        LAYOUT.log("manifest"),
    benchmark:
        LAYOUT.benchmark("manifest")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/step.py"
