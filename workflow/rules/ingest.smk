rule ingest:
    input:
        export_file,
    output:
        "results/ingest/{batch}/{export}.csv",
    params:
        database=lambda wildcards: export_settings(wildcards)["database"],
        format=lambda wildcards: export_settings(wildcards).get("format"),
    log:
        "logs/ingest/{batch}/{export}.log",
    script:
        "../scripts/ingest.py"
