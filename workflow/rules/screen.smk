rule screen:
    input:
        **inputs("screen"),
    output:
        **outputs("screen"),
    log:
        LAYOUT.log("screen"),
    benchmark:
        LAYOUT.benchmark("screen")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=memory(10, 2000),
        runtime=30,
    params:
        **params("screen"),
    script:
        "../scripts/step.py"
