rule provenance:
    input:
        raw=named_input("provenance", "raw"),
        code=source_files("provenance"),
    output:
        provenance=named_output("provenance", "provenance"),
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
        results=named_input("manifest", "results"),
        code=source_files("manifest"),
    output:
        manifest=named_output("manifest", "manifest"),
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
