rule rob:
    input:
        assessments=resource(config["rob"]["assessments"]),
        soe=resource(config["rob"]["soe"]),
        studies="results/studies/studies.csv",
        evidence="results/studies/evidence_rows.csv",
    output:
        **rob_figures(),
        table="results/rob/rob.csv",
        gaps="results/rob/unassessed_studies.csv",
        template="results/rob/assessment_template.xlsx",
        soe="results/rob/soe.csv",
    log:
        "logs/rob.log",
    benchmark:
        "logs/benchmarks/rob.tsv"
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        tool=config["rob"]["tool"],
        palette=config["rob"].get("palette", "cochrane"),
        kq_ids=[kq["id"] for kq in config["key_questions"]],
        stamp=config["searches"][-1]["date_searched"],
    script:
        "../scripts/rob.py"
