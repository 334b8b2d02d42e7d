rule dedup:
    input:
        ingested_exports(),
    output:
        records="results/dedup/records.csv",
        citations="results/dedup/citations.csv",
    log:
        "logs/dedup.log",
    benchmark:
        "logs/benchmarks/dedup.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt
        * max(2000, int(8 * input.size_mb)),
        runtime=60,
    script:
        "../scripts/dedup.py"
