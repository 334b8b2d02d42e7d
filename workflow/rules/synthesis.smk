rule synthesis:
    input:
        # the strength-of-evidence sheet; a tool file of the team's own
        **optional_inputs("synthesis", "soe", "tool"),
        outcomes=named_input("synthesis", "outcomes"),
        comparisons=named_input("synthesis", "comparisons"),
        arms=named_input("synthesis", "arms"),
        studies=named_input("synthesis", "studies"),
        publications=named_input("synthesis", "publications"),
        evidence=named_input("synthesis", "evidence"),
        rob=named_input("synthesis", "rob"),
        code=source_files("synthesis"),
    output:
        analyses=named_output("synthesis", "analyses"),
        estimates=named_output("synthesis", "estimates"),
        soe=named_output("synthesis", "soe"),
        sensitivity=named_output("synthesis", "sensitivity"),
        bias=named_output("synthesis", "bias"),
        subgroups=named_output("synthesis", "subgroups"),
        metareg=named_output("synthesis", "metareg"),
        forest=named_output("synthesis", "forest"),
        funnel=named_output("synthesis", "funnel"),
        after=named_output("synthesis", "after"),
    log:
        LAYOUT.log("synthesis"),
    benchmark:
        LAYOUT.benchmark("synthesis")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        **params("synthesis"),
    script:
        "../scripts/step.py"


rule accuracy:
    input:
        # the 2x2 tables and certainty sheets; a tool file of the team's own
        **optional_inputs("accuracy", "accuracy", "certainty", "tool"),
        studies=named_input("accuracy", "studies"),
        rob=named_input("accuracy", "rob"),
        code=source_files("accuracy"),
    output:
        accuracy_analyses=named_output("accuracy", "accuracy_analyses"),
        accuracy_studies=named_output("accuracy", "accuracy_studies"),
        accuracy_comparisons=named_output("accuracy", "accuracy_comparisons"),
        accuracy_certainty=named_output("accuracy", "accuracy_certainty"),
        accuracy_figures=named_output("accuracy", "accuracy_figures"),
    log:
        LAYOUT.log("accuracy"),
    benchmark:
        LAYOUT.benchmark("accuracy")
    conda:
        "../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        **params("accuracy"),
    script:
        "../scripts/step.py"
