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

log = logging.getLogger(__name__)


def load_config(path: str | Path) -> dict:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise ReviewflowError(f"cannot be read ({error.strerror})", file=str(path)) from None


def run_job(job: Job) -> None:
    """One job; on bad input its outputs are removed, as Snakemake removes a failed job's."""
    try:
        job.run()
    except ReviewflowError:
        for path in job.outputs.values():
            Path(path).unlink(missing_ok=True)
        raise


def run_review(config_file: str | Path, *, until: str | None = None) -> Layout:
    """Check the review and run its jobs in order (up to and including the rule `until`)."""
    config = check_review(load_config(config_file), str(config_file))
    layout = Layout(config)
    for job in [*layout.jobs(), layout.manifest()]:
        log.info("running %s", job.rule)
        run_job(job)
        if job.rule == until:
            break
    return layout
