rule dedup:
    input:
        records=ingested_exports(),
        decisions=dedup_decisions(),
    output:
        records="results/dedup/records.csv",
        citations="results/dedup/citations.csv",
        clusters="results/dedup/clusters.xlsx",
        queue="results/dedup/review_queue.xlsx",
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
    params:
        conference_abstracts=config.get("dedup", {}).get(
            "conference_abstracts", "separate"
        ),
        stamp=config["searches"][-1]["date_searched"],
    script:
        "../scripts/dedup.py"
