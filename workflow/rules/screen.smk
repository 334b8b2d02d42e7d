rule screen:
    input:
        records="results/dedup/records.csv",
        citations="results/dedup/citations.csv",
        decisions=resource(config["screening"]["decisions"]),
        rejected="results/ingest/rejected.csv",
    output:
        status="results/screening/status.csv",
        flow="results/screening/flow.json",
    log:
        "logs/screen.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        reasons=config["screening"]["exclusion_reasons"],
        searches=config["searches"],
    script:
        "../scripts/screen.py"
