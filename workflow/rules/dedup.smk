rule dedup:
    input:
        # the dedup decisions sheet, where the config names one
        **optional_inputs("dedup", "decisions"),
        records=named_input("dedup", "records"),
        code=source_files("dedup"),
    output:
        records=named_output("dedup", "records"),
        citations=named_output("dedup", "citations"),
        clusters=named_output("dedup", "clusters"),
        queue=named_output("dedup", "queue"),
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
