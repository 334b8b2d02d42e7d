"""`reviewflow meta` against R's metafor, side by side, in one run.

For each data set (the shared metafor sets by default, or any CSV given with --measure)
and each measure and method, runs our pooling and metafor's (live, through Rscript, when
R and metafor are installed: `make bench-meta` installs Debian's r-cran-metafor; else the
shared files' stored metafor 3.8 results), and prints both estimates and the largest
relative error over estimate, se, CI, tau2, I2 and Q.

    python benchmarks/meta.py                       # the shared sets
    python benchmarks/meta.py my.csv --measure SMD  # any CSV in one of the three shapes
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workflow"))

from reviewflow.synthesis import meta  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks" / "meta"
FIELDS = ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q")
METHODS = {"RR": "FE DL REML PM MH", "OR": "FE DL REML PM MH PETO", "MD": "FE DL REML PM", "SMD": "FE DL REML PM"}

R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); measure <- args[2]; method <- args[3]; knha <- args[4] == "true"
binary <- measure %in% c("RR", "OR", "RD")
if (method == "MH") {
  fit <- rma.mh(ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2, measure = measure)
} else if (method == "PETO") {
  fit <- rma.peto(ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2)
} else {
  es <- if (binary) escalc(measure, ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2)
        else escalc(measure, m1i = d$mean_1, sd1i = d$sd_1, n1i = d$n_1, m2i = d$mean_2, sd2i = d$sd_2, n2i = d$n_2)
  fit <- rma(yi, vi, data = es, method = method, test = if (knha) "knha" else "z",
             control = list(threshold = 1e-12, tol = 1e-14, maxiter = 10000))
}
tau2 <- if (is.null(fit$tau2)) 0 else fit$tau2
out <- c(fit$beta[1], fit$se, fit$ci.lb, fit$ci.ub, tau2, fit$I2, fit$QE)
cat(sprintf("%.15g", out), "\n")
"""


def metafor_live(csv: Path, measure: str, method: str, hksj: bool) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
        script.write(R_SCRIPT)
    done = subprocess.run(
        ["Rscript", script.name, str(csv), measure, method, str(hksj).lower()], capture_output=True, text=True
    )
    if done.returncode != 0:
        return None
    return dict(zip(FIELDS, map(float, done.stdout.split())))


def relative_error(ours: dict, theirs: dict) -> float:
    errors = [abs(ours[f] - theirs[f]) / max(abs(theirs[f]), 1e-12) for f in FIELDS if theirs.get(f) is not None]
    return max(errors) if errors else 0.0


def cases(args) -> list[tuple[Path, str, str, bool, dict | None]]:
    if args.csv:
        methods = METHODS.get(args.measure, "FE DL REML PM").split()
        hksj = [(m, False) for m in methods] + [(m, True) for m in ("DL", "REML")]
        return [(Path(args.csv), args.measure, m, h, None) for m, h in hksj]
    out = []
    for name in ("bcg", "normand1999"):
        stored = json.loads((SHARED / f"{name}_expected.json").read_text())
        for key, expected in stored.items():
            measure, rest = key.split("/")
            out.append((SHARED / f"{name}.csv", measure, rest.removesuffix("+hksj"), rest.endswith("+hksj"), expected))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", help="a CSV in one of reviewflow meta's shapes (default: the shared sets)")
    parser.add_argument("--measure", default="SMD", help="with a CSV: RR, OR, RD, MD or SMD")
    args = parser.parse_args(argv)
    worst, live = 0.0, shutil.which("Rscript") is not None
    print(f"metafor: {'run live with Rscript' if live else 'stored metafor 3.8 results (R not installed)'}")
    print(f"{'data':<14} {'model':<12} {'reviewflow':>12} {'metafor':>12} {'max rel. error':>15} {'ms':>6}")
    for csv, measure, method, hksj, stored in cases(args):
        data = pd.read_csv(csv)
        started = time.perf_counter()
        ours = meta(data, measure, method, hksj)
        ms = (time.perf_counter() - started) * 1000
        theirs = metafor_live(csv, measure, method, hksj) if live else stored
        if theirs is None:
            theirs = stored or {}
        error = relative_error(ours, theirs) if theirs else float("nan")
        worst = max(worst, error) if error == error else worst
        model = f"{measure}/{method}{'+hksj' if hksj else ''}"
        reference = theirs.get("estimate", float("nan"))
        print(f"{csv.stem:<14} {model:<12} {ours['estimate']:>12.6f} {reference:>12.6f} {error:>15.2e} {ms:>6.1f}")
    print(f"largest relative error: {worst:.2e} (target 1e-4: {'met' if worst <= 1e-4 else 'NOT met'})")
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
