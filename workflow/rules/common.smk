# Helper functions for the rules: each asks reviewflow.layout (which the in-process
# runner and the manifest use too) for one named file of a rule, so a rule file shows
# the names of its inputs and outputs and Layout alone holds their paths.
import functools

from reviewflow.layout import FOLDER_OUTPUTS, Layout
from reviewflow.scripting import source_files

LAYOUT = Layout(config)


wildcard_constraints:
    batch=r"[A-Za-z0-9_.-]+",
    export=r"[A-Za-z0-9_.-]+",


@functools.cache
def job(rule):
    """The rule's one job as Layout builds it for this review (its files and parameters)."""
    return getattr(LAYOUT, rule)()


def named_input(rule, name):
    """One input file of the rule, by the name its step reads it by."""
    return job(rule).inputs[name]


def named_output(rule, name):
    """One output of the rule by name; a folder (one file per analysis) as directory()."""
    path = job(rule).outputs[name]
    return directory(path) if name in FOLDER_OUTPUTS else path


def optional_inputs(rule, *names):
    """Those of the named inputs this review has: a sheet the config may leave out, a
    blind reviewer's sheet, a diagnostic review's tables. An absent one is not passed,
    so the step sees it is absent."""
    files = job(rule).inputs
    return {name: files[name] for name in names if name in files}


def optional_outputs(rule, *names):
    files = job(rule).outputs
    return {name: named_output(rule, name) for name in names if name in files}


def inputs_starting(rule, prefix):
    """The inputs one per reviewer or per key question, whose names start with prefix."""
    return {
        name: path for name, path in job(rule).inputs.items() if name.startswith(prefix)
    }


def outputs_starting(rule, *prefixes):
    files = job(rule).outputs
    return {
        name: named_output(rule, name) for name in files if name.startswith(prefixes)
    }


def params(rule):
    return job(rule).params


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
