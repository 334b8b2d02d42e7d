rule rob:
    input:
        # the assessments sheet; a tool file of the team's own
        **optional_inputs("rob", "assessments", "tool"),
        # reviewer_<initials>: each blind reviewer's own assessments
        **inputs_starting("rob", "reviewer_"),
        studies=named_input("rob", "studies"),
        evidence=named_input("rob", "evidence"),
        code=source_files("rob"),
    output:
        # with blind reviewers: their agreement and differences
        **optional_outputs("rob", "agreement", "disagreements"),
        # summary_<KQ>, summary_weighted_<KQ>, traffic_light_<KQ>: per key question
        **outputs_starting("rob", "summary_", "traffic_light_"),
        table=named_output("rob", "table"),
        gaps=named_output("rob", "gaps"),
        template=named_output("rob", "template"),
    log:
        LAYOUT.log("rob"),
    benchmark:
        LAYOUT.benchmark("rob")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("rob"),
    script:
        "../scripts/step.py"
