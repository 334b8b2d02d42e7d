rule ingest:
    input:
        export_file,
    output:
        "results/ingest/{batch}/{export}.csv",
    log:
        "logs/ingest/{batch}/{export}.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        database=lambda wildcards: export_settings(wildcards)["database"],
        format=lambda wildcards: export_settings(wildcards).get("format"),
    script:
        "../scripts/ingest.py"
