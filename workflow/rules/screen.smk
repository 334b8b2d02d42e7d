rule screen:
    input:
        citations="results/dedup/citations.csv",
        decisions=resource(config["screening"]["decisions"]),
    output:
        status="results/screening/status.csv",
        agreement="results/screening/agreement.json",
        disagreements="results/screening/disagreements.xlsx",
        to_screen_title_abstract="results/screening/to_screen_title_abstract.xlsx",
        to_screen_full_text="results/screening/to_screen_full_text.xlsx",
    log:
        "logs/screen.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        reasons=config["screening"]["exclusion_reasons"],
        searches=config["searches"],
    script:
        "../scripts/screen.py"


rule prisma:
    input:
        records="results/dedup/records.csv",
        rejected="results/ingest/rejected.csv",
        citations="results/dedup/citations.csv",
        status="results/screening/status.csv",
        studies="results/studies/studies.csv",
        publications="results/studies/publications.csv",
    output:
        counts="results/prisma/prisma.json",
        svg="results/prisma/prisma.svg",
    log:
        "logs/prisma.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        searches=config["searches"],
    script:
        "../scripts/prisma.py"
