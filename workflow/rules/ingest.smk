rule ingest:
    input:
        export=export_file,
        code=source_files("ingest"),
    output:
        **LAYOUT.ingest().outputs,
    log:
        LAYOUT.log("ingest", batch="{batch}", export="{export}"),
    benchmark:
        LAYOUT.benchmark("ingest", batch="{batch}", export="{export}")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=memory(12, 1000),
        runtime=30,
    params:
        database=export_param("database"),
        format=export_param("format"),
        search=export_param("search"),
        on_error=export_param("on_error"),
    script:
        "../scripts/step.py"


rule rejected_records:
    input:
        **inputs("rejected_records"),
    output:
        **outputs("rejected_records"),
    log:
        LAYOUT.log("rejected_records"),
    benchmark:
        LAYOUT.benchmark("rejected_records")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/step.py"
