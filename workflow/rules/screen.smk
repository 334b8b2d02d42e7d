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
    benchmark:
        "logs/benchmarks/screen.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=lambda wildcards, input, attempt: attempt
        * max(2000, int(10 * input.size_mb)),
        runtime=30,
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
        svg=report(
            "results/prisma/prisma.svg",
            caption="../report/prisma.rst",
            category="Flow",
        ),
    log:
        "logs/prisma.log",
    benchmark:
        "logs/benchmarks/prisma.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        searches=config["searches"],
    script:
        "../scripts/prisma.py"
