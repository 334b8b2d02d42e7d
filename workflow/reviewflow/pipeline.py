"""Every job of a review run in this one process, in the order the workflow runs
them: the same checks, the same step functions and the same files as Snakemake.

For tests and debugging: Snakemake stays the way to run a review (it reruns
only what changed, runs jobs side by side and on a cluster); this runs all of
it, one job after another, which is what a test of one bad input needs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from .checks import check_review
from .errors import ReviewflowError
from .layout import Job, Layout
from .places import Config, project_of
from .scripting import remove_outputs

log = logging.getLogger(__name__)


class StrictLoader(yaml.SafeLoader):
    """YAML without anchors and aliases (a "billion laughs" file could otherwise take all
    memory) and without duplicate keys (the second would silently win)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise ReviewflowError(
                f"uses a YAML alias at line {mark.line + 1}; write the value out instead (aliases are refused)"
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ReviewflowError(f"line {key_node.start_mark.line + 1}: key '{key}' appears twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path) -> dict:
    """A review's config, read strictly; every problem is one line naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ReviewflowError(f"cannot be read ({error.strerror})", file=str(path)) from None
    except UnicodeDecodeError:
        raise ReviewflowError("is not UTF-8 text", file=str(path)) from None
    try:
        config = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except ReviewflowError as error:
        raise error.located(file=str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ReviewflowError(
            f"is not valid YAML ({where}{getattr(error, 'problem', error)})", file=str(path)
        ) from None
    if not isinstance(config, dict):
        raise ReviewflowError("is not a YAML mapping of config keys", file=str(path))
    return Config(config).placed(project_of(path))


def run_job(job: Job) -> None:
    """One job; on bad input its outputs are removed, as Snakemake removes a failed job's."""
    try:
        job.run()
    except ReviewflowError:
        remove_outputs(job.outputs.values())
        raise


def run_review(config_file: str | Path, *, until: str | None = None, since: str | None = None) -> Layout:
    """Check the review and run its jobs in order (up to and including the rule `until`;
    from the rule `since` on, the jobs before it taken as done: their outputs on disk, as
    Snakemake leaves a job whose inputs did not change)."""
    config = check_review(load_config(config_file), str(config_file))
    layout = Layout(config)
    jobs = [*layout.jobs(), layout.manifest()]
    if since is not None:
        rules = [job.rule for job in jobs]
        if since not in rules:
            raise ReviewflowError(f"no rule '{since}' to start from; the rules: {', '.join(dict.fromkeys(rules))}")
        jobs = jobs[rules.index(since) :]
    for job in jobs:
        log.info("running %s", job.rule)
        run_job(job)
        if job.rule == until:
            break
    return layout
