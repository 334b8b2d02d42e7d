"""What every Snakemake script needs around its one call: logging to the rule's
log file, and turning an input problem into one clear line and a clean failure."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Callable

from .errors import ReviewflowError


def run_step(snakemake, step: Callable[[], None]) -> None:
    """Run a step with logging to snakemake.log[0]; on bad input, say so in one line and exit 1."""
    log_path = Path(snakemake.log[0])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    try:
        step()
    except ReviewflowError as error:
        logging.error("%s", error)
        for output in snakemake.output:
            Path(output).unlink(missing_ok=True)
        print(f"reviewflow: {error}", file=sys.stderr)
        sys.exit(1)
    except Exception:  # a bug, not bad input: keep the traceback in the log too
        logging.exception("unexpected failure")
        raise
