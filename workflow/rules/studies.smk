rule studies:
    input:
        # the sheets the config names (accuracy: a diagnostic review's 2x2 tables)
        **optional_inputs(
            "studies",
            "registry",
            "publications",
            "arms",
            "outcomes",
            "kq_overrides",
            "accuracy",
        ),
        # reviewer_<sheet>_<initials>: each blind reviewer's own extraction
        **inputs_starting("studies", "reviewer_"),
        citations=named_input("studies", "citations"),
        status=named_input("studies", "status"),
        code=source_files("studies"),
    output:
        # with blind reviewers: their agreement and differences
        **optional_outputs("studies", "agreement", "disagreements"),
        studies=named_output("studies", "studies"),
        publications=named_output("studies", "publications"),
        arms=named_output("studies", "arms"),
        outcomes=named_output("studies", "outcomes"),
        comparisons=named_output("studies", "comparisons"),
        evidence_rows=named_output("studies", "evidence_rows"),
        kq_matrix=named_output("studies", "kq_matrix"),
        awaiting=named_output("studies", "awaiting"),
        to_link=named_output("studies", "to_link"),
        to_extract=named_output("studies", "to_extract"),
    log:
        LAYOUT.log("studies"),
    benchmark:
        LAYOUT.benchmark("studies")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("studies"),
    script:
        "../scripts/step.py"
