rule ingest:
    input:
        export_file,
    output:
        records="results/ingest/{batch}/{export}.csv",
        rejected="results/ingest/{batch}/{export}.rejected.csv",
    log:
        "logs/ingest/{batch}/{export}.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        database=lambda wildcards: export_settings(wildcards)["database"],
        format=lambda wildcards: export_settings(wildcards).get("format"),
        on_error=config.get("ingest", {}).get("on_error", "stop"),
    script:
        "../scripts/ingest.py"


rule rejected_records:
    input:
        ingested_exports("rejected.csv"),
    output:
        "results/ingest/rejected.csv",
    log:
        "logs/ingest/rejected.log",
    conda:
        "../envs/reviewflow.yaml"
    script:
        "../scripts/rejected_records.py"
