rule dedup:
    input:
        **inputs("dedup"),
    output:
        **outputs("dedup"),
    log:
        LAYOUT.log("dedup"),
    benchmark:
        LAYOUT.benchmark("dedup")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=memory(8, 2000),
        runtime=60,
    params:
        **params("dedup"),
    script:
        "../scripts/step.py"
