# Helper functions for the rules. Every path and parameter comes from
# reviewflow.layout, which the in-process runner and the manifest use too.
from reviewflow.layout import FOLDER_OUTPUTS, Layout
from reviewflow.scripting import source_files

LAYOUT = Layout(config)


wildcard_constraints:
    batch=r"[A-Za-z0-9_.-]+",
    export=r"[A-Za-z0-9_.-]+",


def inputs(rule):
    """The rule's input files, and the package code its step runs (a change reruns it)."""
    return {**getattr(LAYOUT, rule)().inputs, "code": source_files(rule)}


def outputs(rule):
    """The rule's output files; a folder output (one file per analysis) as directory()."""
    files = getattr(LAYOUT, rule)().outputs
    return {
        name: directory(path) if name in FOLDER_OUTPUTS else path
        for name, path in files.items()
    }


def params(rule):
    return getattr(LAYOUT, rule)().params


def export_file(wildcards):
    return LAYOUT.export_file(wildcards.batch, wildcards.export)


def export_param(name):
    """A parameter of one export's ingest job, by its wildcards."""
    return lambda wildcards: LAYOUT.ingest(wildcards.batch, wildcards.export).params[
        name
    ]


def memory(per_mb, least):
    """Memory that grows with the size of the inputs, and with each retry."""
    return lambda wildcards, input, attempt: attempt * max(
        least, int(per_mb * input.size_mb)
    )
