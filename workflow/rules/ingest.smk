rule ingest:
    input:
        export=export_file,
        code=source_files("ingest"),
    output:
        records=named_output("ingest", "records"),
        rejected=named_output("ingest", "rejected"),
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
        rejected=named_input("rejected_records", "rejected"),
        code=source_files("rejected_records"),
    output:
        rejected=named_output("rejected_records", "rejected"),
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
