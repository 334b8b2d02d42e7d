rule ingest:
    input:
        export_file,
    output:
        records="results/ingest/{batch}/{export}.csv",
        rejected="results/ingest/{batch}/{export}.rejected.csv",
    log:
        "logs/ingest/{batch}/{export}.log",
    benchmark:
        "logs/benchmarks/ingest/{batch}/{export}.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt
        * max(1000, int(12 * input.size_mb)),
        runtime=30,
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
    benchmark:
        "logs/benchmarks/ingest/rejected.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    script:
        "../scripts/rejected_records.py"
