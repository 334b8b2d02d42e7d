rule rob:
    input:
        assessments=resource(config["rob"]["assessments"]),
        studies="results/studies/studies.csv",
    output:
        table="results/rob/rob.csv",
        gaps="results/rob/unassessed_studies.csv",
    params:
        tool=config["rob"]["tool"],
    log:
        "logs/rob.log",
    script:
        "../scripts/rob.py"
