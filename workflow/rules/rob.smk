rule rob:
    input:
        assessments=resource(config["rob"]["assessments"]),
        studies="results/studies/studies.csv",
    output:
        table="results/rob/rob.csv",
        gaps="results/rob/unassessed_studies.csv",
    log:
        "logs/rob.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        tool=config["rob"]["tool"],
    script:
        "../scripts/rob.py"
