"""Synthesis at scale: 500 studies x 10 outcomes pooled and plotted, against the target
(30 s) and, side by side in the same run, R's metafor doing the same pooling (rma, REML)
and forest plots (forest() to a PDF device) when Rscript and metafor are installed
(`make bench-synthesis` installs Debian's r-cran-metafor).

    python benchmarks/synthesis.py [--studies 500] [--outcomes 10]
"""

from __future__ import annotations

import argparse
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


def ours(data: dict[str, pd.DataFrame], folder: Path) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    start = time.perf_counter()
    results = structured_results(data["outcomes"], data["evidence"], data["comparisons"], data["arms"], CATEGORIES)
    analyses, estimates = run_analyses(results, Settings(method="REML"))
    write_forest_plots(analyses, estimates, {}, "cochrane", str(folder / "forest"))
    return time.perf_counter() - start, analyses, estimates


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
    args = parser.parse_args()
    data = synthetic(args.studies, args.outcomes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, analyses, estimates = ours(data, folder)
        plots = len(list((folder / "forest").glob("*.svg")))
        print(
            f"{args.studies} studies x {args.outcomes} outcomes: {len(estimates)} study results, {plots} forest plots"
        )
        print(f"{'tool':<34}{'seconds':>10}")
        print(f"{'reviewflow (pool + SVG plots)':<34}{seconds:>10.2f}")
        theirs = metafor(estimates, folder)
        if theirs is None:
            print(f"{'metafor (rma + forest)':<34}{'not installed':>14}")
        else:
            wall, values = theirs
            print(f"{'metafor (rma + forest, with R start)':<34}{wall:>10.2f}")
            ours_values = [float(v) for v in analyses.sort_values("analysis_id")["estimate"]]
            worst = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(ours_values, values))
            print(f"largest relative difference of pooled estimates from metafor: {worst:.1e}")
        print(f"{'target':<34}{TARGET_SECONDS:>10.2f}  ({'met' if seconds < TARGET_SECONDS else 'MISSED'})")


if __name__ == "__main__":
    main()
