rule provenance:
    input:
        raw_inputs(),
    output:
        "results/provenance.json",
    log:
        "logs/provenance.log",
    conda:
        "../envs/reviewflow.yaml"
    params:
        config=config,
    script:
        "../scripts/provenance.py"


rule manifest:
    input:
        result_files(),
    output:
        "results/MANIFEST.sha256",
    log:
        "logs/manifest.log",
    conda:
        "../envs/reviewflow.yaml"
    script:
        "../scripts/manifest.py"
