rule studies:
    input:
        registry=resource(config["studies"]["registry"]),
        publications=resource(config["studies"]["publications"]),
        comparisons=resource(config["studies"]["comparisons"]),
        citations="results/dedup/citations.csv",
        status="results/screening/status.csv",
    output:
        studies="results/studies/studies.csv",
        publications="results/studies/publications.csv",
        evidence_rows="results/studies/evidence_rows.csv",
        kq_matrix="results/studies/kq_matrix.csv",
    params:
        key_questions=config["key_questions"],
    log:
        "logs/studies.log",
    script:
        "../scripts/studies.py"
