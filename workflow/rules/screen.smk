rule screen:
    input:
        records="results/dedup/records.csv",
        citations="results/dedup/citations.csv",
        decisions=resource(config["screening"]["decisions"]),
    output:
        status="results/screening/status.csv",
        flow="results/screening/flow.json",
    params:
        reasons=config["screening"]["exclusion_reasons"],
        searches=config["searches"],
    log:
        "logs/screen.log",
    script:
        "../scripts/screen.py"
