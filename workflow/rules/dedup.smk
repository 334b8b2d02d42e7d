rule dedup:
    input:
        ingested_exports(),
    output:
        records="results/dedup/records.csv",
        citations="results/dedup/citations.csv",
    log:
        "logs/dedup.log",
    conda:
        "../envs/reviewflow.yaml"
    script:
        "../scripts/dedup.py"
