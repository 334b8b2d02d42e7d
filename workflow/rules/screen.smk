rule screen:
    input:
        # the screening sheet, where the config names one
        **optional_inputs("screen", "decisions"),
        # reviewer_<initials>: each blind reviewer's own sheet
        **inputs_starting("screen", "reviewer_"),
        citations=named_input("screen", "citations"),
        code=source_files("screen"),
    output:
        status=named_output("screen", "status"),
        agreement=named_output("screen", "agreement"),
        disagreements=named_output("screen", "disagreements"),
        prioritisation=named_output("screen", "prioritisation"),
        to_screen_title_abstract=named_output("screen", "to_screen_title_abstract"),
        to_screen_full_text=named_output("screen", "to_screen_full_text"),
    log:
        LAYOUT.log("screen"),
    benchmark:
        LAYOUT.benchmark("screen")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=memory(10, 2000),
        runtime=30,
    params:
        **params("screen"),
    script:
        "../scripts/step.py"
