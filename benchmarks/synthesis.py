"""Synthesis at scale: N studies x M outcomes turned into study results, pooled and
plotted, with the time of each step and the peak memory, against the target (30 s) and,
side by side in the same run, R's metafor doing the same pooling (rma, REML) and forest
plots (forest() to a PDF device) when Rscript and metafor are installed (`make
bench-synthesis` installs Debian's r-cran-metafor and runs 500 x 10 with it, then
5,000 x 50 without it: metafor's rma builds k x k matrices and does not finish one
REML fit of 5,000 studies in minutes).

    python benchmarks/synthesis.py [--studies 500] [--outcomes 10] [--no-r]

Where the time went (5,000 x 50, before -> after the column rewrite of December 2026):
study results 31.9 s per 5,000 x 5 (a groupby and a to_dict per evidence row, about
1 ms a contrast) -> about 2.5 s for 5,000 x 50 (four merges and masks over columns);
pooling: an analysis's rows were boxed by to_dict and each study's effect computed by
its own numpy call -> rows read as plain lists and effect sizes computed once per kind
(REML itself was already O(k) per Fisher step: milliseconds at k = 5,000); plots: each
analysis filtered the whole estimates table and built a dict per row, and each label
was wrapped anew -> one groupby, columns read as lists, wrapped labels remembered.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "workflow"))

from reviewflow.synthesis.analyses import Settings, run_analyses  # noqa: E402
from reviewflow.synthesis.pooling import METHODS, inverse_variance  # noqa: E402
from reviewflow.synthesis.results import structured_results  # noqa: E402
from reviewflow.synthesis.step import write_forest_plots  # noqa: E402

TARGET_SECONDS = 30.0
CATEGORIES = [{"name": "end of treatment", "from_months": 0, "to_months": 1, "definition": ""}]


def synthetic(studies: int, outcomes: int, seed: int = 20261126) -> dict[str, pd.DataFrame]:
    """A review of `studies` two-arm trials, each reporting `outcomes` continuous outcomes."""
    rng = np.random.default_rng(seed)
    ids = [f"s{i:04d}" for i in range(studies)]
    evidence = pd.DataFrame(
        {
            "kq": "KQ1",
            "kq_group": "control",
            "study_id": ids,
            "label": [f"Trial {i} of a long-named multicentre programme ({2000 + i % 25})" for i in range(studies)],
            "comparison_id": "A vs B",
        }
    )
    comparisons = pd.DataFrame(
        {"study_id": ids, "comparison_id": "A vs B", "intervention_arm": "A", "comparator_arm": "B"}
    )
    arms = pd.DataFrame(
        [
            {"study_id": s, "arm": a, "arm_type": t, "n_analysed": "", "n_randomised": "60", "illustrative": ""}
            for s in ids
            for a, t in (("A", "program"), ("B", "control"))
        ]
    )
    rows = []
    for outcome in range(outcomes):
        true_effect = rng.normal(-0.4, 0.2)
        for s in ids:
            n = int(rng.integers(20, 200))
            for arm, shift in (("A", true_effect), ("B", 0.0)):
                rows.append(
                    {
                        "study_id": s,
                        "arms": arm,
                        "domain": f"outcome {outcome}",
                        "measure": f"scale {outcome}",
                        "timepoint": "postintervention",
                        "months": "",
                        "mean": f"{rng.normal(5 + shift, 0.3):.3f}",
                        "sd": f"{abs(rng.normal(2, 0.3)):.3f}",
                        "n": str(n),
                        "illustrative": "",
                        "source": "",
                    }
                )
    return {"outcomes": pd.DataFrame(rows), "evidence": evidence, "comparisons": comparisons, "arms": arms}


def ours(data: dict[str, pd.DataFrame], folder: Path) -> tuple[dict[str, float], pd.DataFrame, pd.DataFrame]:
    """Seconds of each step (study results, pooling, plots), the analyses and estimates."""
    steps = {}
    start = time.perf_counter()
    results = structured_results(data["outcomes"], data["evidence"], data["comparisons"], data["arms"], CATEGORIES)
    steps["study results"] = time.perf_counter() - start
    start = time.perf_counter()
    analyses, estimates = run_analyses(results, Settings(method="REML"))
    steps["pooling"] = time.perf_counter() - start
    start = time.perf_counter()
    write_forest_plots(analyses, estimates, {}, "cochrane", str(folder / "forest"))
    steps["plots"] = time.perf_counter() - start
    return steps, analyses, estimates


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


R_SCRIPT = """
suppressMessages(library(metafor))
d <- read.csv(commandArgs(TRUE)[1])
start <- Sys.time()
pdf(commandArgs(TRUE)[2], width = 8, height = 80)
est <- c()
for (o in unique(d$analysis_id)) {
  x <- d[d$analysis_id == o, ]
  fit <- rma(yi, vi, data = x, method = "REML")
  forest(fit, slab = x$study_id)
  est <- c(est, fit$b[1])
}
invisible(dev.off())
cat(as.numeric(difftime(Sys.time(), start, units = "secs")), paste(format(est, digits = 10), collapse = ","), "\\n")
"""


def metafor(estimates: pd.DataFrame, folder: Path) -> tuple[float, list[float]] | None:
    if not shutil.which("Rscript"):
        return None
    data = estimates[estimates["pooled"] == "yes"][["analysis_id", "study_id", "yi", "vi"]]
    data.to_csv(folder / "effects.csv", index=False)
    (folder / "bench.R").write_text(R_SCRIPT)
    start = time.perf_counter()
    done = subprocess.run(
        ["Rscript", str(folder / "bench.R"), str(folder / "effects.csv"), str(folder / "forest.pdf")],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"metafor failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    inner, values = done.stdout.split()
    return wall, [float(v) for v in values.split(",")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--studies", type=int, default=500)
    parser.add_argument("--outcomes", type=int, default=10)
    parser.add_argument("--no-r", action="store_true", help="do not run metafor beside it")
    args = parser.parse_args()
    data = synthetic(args.studies, args.outcomes)
    before = peak_memory_mb()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        steps, analyses, estimates = ours(data, folder)
        seconds = sum(steps.values())
        plots = len(list((folder / "forest").glob("*.svg")))
        print(
            f"{args.studies} studies x {args.outcomes} outcomes: {len(estimates)} study results, {plots} forest plots"
        )
        for step, taken in steps.items():
            print(f"  step: {step:<28}{taken:>10.2f}")
        first = estimates[
            (estimates["analysis_id"] == analyses["analysis_id"].iloc[0]) & (estimates["pooled"] == "yes")
        ]
        yi, vi = first["yi"].astype(float).to_numpy(), first["vi"].astype(float).to_numpy()
        for method in (m for m in METHODS if m not in ("MH", "PETO")):
            start = time.perf_counter()
            inverse_variance(yi, vi, method)
            print(f"  one {method} analysis of k = {len(yi)}: {1000 * (time.perf_counter() - start):.2f} ms")
        print(f"  peak memory (process, MB): {peak_memory_mb():.0f} (of which the generated data {before:.0f})")
        print(f"{'tool':<34}{'seconds':>10}")
        print(f"{'reviewflow (pool + SVG plots)':<34}{seconds:>10.2f}")
        theirs = None if args.no_r else metafor(estimates, folder)
        if theirs is None:
            print(f"{'metafor (rma + forest)':<34}{'not run' if args.no_r else 'not installed':>14}")
        else:
            wall, values = theirs
            print(f"{'metafor (rma + forest, with R start)':<34}{wall:>10.2f}")
            print(f"reviewflow's time as a share of metafor's: {seconds / wall:.2f} (target: at most 0.33)")
            ours_values = [float(v) for v in analyses.sort_values("analysis_id")["estimate"]]
            worst = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(ours_values, values))
            print(f"largest relative difference of pooled estimates from metafor: {worst:.1e}")
        print(f"{'target':<34}{TARGET_SECONDS:>10.2f}  ({'met' if seconds < TARGET_SECONDS else 'MISSED'})")


if __name__ == "__main__":
    main()
