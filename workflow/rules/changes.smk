rule changes:
    input:
        # the version this run is compared with, once one is frozen
        **optional_inputs("changes", "baseline", "baseline_files"),
        # sheet_<name>: the sheets whose edits the changes list
        **inputs_starting("changes", "sheet_"),
        records=named_input("changes", "records"),
        citations=named_input("changes", "citations"),
        status=named_input("changes", "status"),
        studies=named_input("changes", "studies"),
        publications=named_input("changes", "publications"),
        arms=named_input("changes", "arms"),
        outcomes=named_input("changes", "outcomes"),
        rob=named_input("changes", "rob"),
        analyses=named_input("changes", "analyses"),
        soe=named_input("changes", "soe"),
        code=source_files("changes"),
    output:
        changes=named_output("changes", "changes"),
        summary=named_output("changes", "summary"),
    log:
        LAYOUT.log("changes"),
    benchmark:
        LAYOUT.benchmark("changes")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        **params("changes"),
    script:
        "../scripts/step.py"
