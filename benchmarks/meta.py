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

from reviewflow.synthesis import meta, meta_analyses  # noqa: E402
from reviewflow.synthesis.accuracy import meta_dta  # noqa: E402

SHARED = ROOT.parent / "shared" / "benchmarks" / "meta"
FIELDS = ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "k")
OWN = ROOT / "tests" / "fixtures" / "meta" / "double_zero.csv"  # double-zero studies and all-event arms
DEPTH = ROOT.parent / "shared" / "benchmarks" / "meta_depth"
METHODS = {"RR": "FE DL REML PM MH", "OR": "FE DL REML PM MH PETO", "MD": "FE DL REML PM", "SMD": "FE DL REML PM"}

R_SCRIPT = r"""
suppressMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1]); measure <- args[2]; method <- args[3]; knha <- args[4] == "true"
drop00 <- args[5] == "true"
binary <- measure %in% c("RR", "OR", "RD")
if (method == "MH") {
  fit <- rma.mh(ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2, measure = measure)
} else if (method == "PETO") {
  fit <- rma.peto(ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2)
} else {
  es <- if (binary) escalc(measure, ai = d$events_1, n1i = d$total_1, ci = d$events_2, n2i = d$total_2,
                           drop00 = drop00)
        else escalc(measure, m1i = d$mean_1, sd1i = d$sd_1, n1i = d$n_1, m2i = d$mean_2, sd2i = d$sd_2, n2i = d$n_2)
  fit <- rma(yi, vi, data = es, method = method, test = if (knha) "knha" else "z",
             control = list(threshold = 1e-12, tol = 1e-14, maxiter = 10000))
}
tau2 <- if (is.null(fit$tau2)) 0 else fit$tau2
out <- c(fit$beta[1], fit$se, fit$ci.lb, fit$ci.ub, tau2, fit$I2, fit$QE, fit$k)
cat(sprintf("%.15g", out), "\n")
"""


def metafor_live(csv: Path, measure: str, method: str, hksj: bool, drop00: bool = False) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
        script.write(R_SCRIPT)
    done = subprocess.run(
        ["Rscript", script.name, str(csv), measure, method, str(hksj).lower(), str(drop00).lower()],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return None
    return dict(zip(FIELDS, map(float, done.stdout.split())))


# Below these, a value is zero for both tools: metafor stops REML at a threshold of 1e-12, so a
# tau^2 of 2.5e-13 from it and 0 from us are the same answer (tau^2 below 1e-8 is 0 for both).
ZERO = {"tau2": 1e-8, "i2": 1e-4, "tau2_logit_sens": 1e-8, "tau2_logit_spec": 1e-8}  # i2 in percent


def relative_error(ours: dict, theirs: dict) -> float:
    errors = [
        abs(ours[f] - theirs[f]) / max(abs(theirs[f]), ZERO.get(f, 1e-12)) for f in FIELDS if theirs.get(f) is not None
    ]
    return max(errors) if errors else 0.0


def cases(args) -> list[tuple[Path, str, str, bool, dict | None, bool]]:
    if args.csv:
        methods = METHODS.get(args.measure, "FE DL REML PM").split()
        hksj = [(m, False) for m in methods] + [(m, True) for m in ("DL", "REML")]
        return [(Path(args.csv), args.measure, m, h, None, False) for m, h in hksj]
    out = []
    for measure, methods in (("RR", "FE DL REML PM MH"), ("OR", "FE DL REML PM MH PETO"), ("RD", "FE DL REML MH")):
        for method in methods.split():
            out.append((OWN, measure, method, False, None, False))
            if measure != "RD" and method in ("FE", "DL", "REML", "PM"):
                out.append((OWN, measure, method, False, None, True))  # RevMan's convention
    for name in ("bcg", "normand1999"):
        stored = json.loads((SHARED / f"{name}_expected.json").read_text())
        for key, expected in stored.items():
            measure, rest = key.split("/")
            model = rest.removesuffix("+hksj")
            out.append((SHARED / f"{name}.csv", measure, model, rest.endswith("+hksj"), expected, False))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", nargs="?", help="a CSV in one of reviewflow meta's shapes (default: the shared sets)")
    parser.add_argument("--measure", default="SMD", help="with a CSV: RR, OR, RD, MD or SMD")
    args = parser.parse_args(argv)
    worst, live = 0.0, shutil.which("Rscript") is not None
    print(f"metafor: {'run live with Rscript' if live else 'stored metafor 3.8 results (R not installed)'}")
    print(f"{'data':<14} {'model':<17} {'k':>5} {'reviewflow':>12} {'metafor':>12} {'max rel. error':>15} {'ms':>6}")
    for csv, measure, method, hksj, stored, drop00 in cases(args):
        data = pd.read_csv(csv)
        started = time.perf_counter()
        ours = meta(data, measure, method, hksj, drop_double_zero=drop00)
        ms = (time.perf_counter() - started) * 1000
        theirs = metafor_live(csv, measure, method, hksj, drop00) if live else stored
        if theirs is None:
            theirs = stored or {}
        error = relative_error(ours, theirs) if theirs else float("nan")
        worst = max(worst, error) if error == error else worst
        model = f"{measure}/{method}{'+hksj' if hksj else ''}{' drop00' if drop00 else ''}"
        reference = theirs.get("estimate", float("nan"))
        k = f"{ours['k']}/{int(theirs['k'])}" if "k" in theirs else str(ours["k"])
        print(
            f"{csv.stem:<14} {model:<17} {k:>5} {ours['estimate']:>12.6f} {reference:>12.6f} {error:>15.2e} {ms:>6.1f}"
        )
    if not args.csv:
        worst = max(worst, depth_comparison(live))
        worst = max(worst, dta_comparison(live))
    print(f"largest relative error: {worst:.2e} (target 1e-4: {'met' if worst <= 1e-4 else 'NOT met'})")
    return 0 if worst <= 1e-4 else 1


DEPTH_R = r"""
suppressMessages(library(metafor)); suppressMessages(library(jsonlite))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
ctl <- list(threshold = 1e-12, tol = 1e-14, maxiter = 10000)
es <- escalc("RR", ai = events_1, n1i = total_1, ci = events_2, n2i = total_2, data = d, slab = study)
fit <- rma(yi, vi, data = es, method = "REML", control = ctl)
eg <- regtest(fit, model = "rma", predictor = "sei"); rk <- ranktest(fit); tf <- trimfill(fit)
l1 <- leave1out(fit); cu <- cumul(fit, order = d$year)
groups <- lapply(sort(unique(d$alloc)), function(g) {
  s <- es[d$alloc == g, ]
  f <- if (nrow(s) > 1) rma(yi, vi, data = s, method = "REML", control = ctl)
       else rma(yi, vi, data = s, method = "FE")
  list(name = g, k = f$k, estimate = f$beta[1], ci_low = f$ci.lb, ci_high = f$ci.ub,
       tau2 = if (is.null(f$tau2)) 0 else f$tau2)
})
est <- sapply(groups, function(g) g$estimate)
se <- sapply(groups, function(g) (g$ci_high - g$ci_low) / (2 * qnorm(0.975)))
fe <- rma(est, sei = se, method = "FE")
me <- rma(yi, vi, mods = ~ factor(alloc), data = es, method = "REML", control = ctl)
mr <- rma(yi, vi, mods = ~ ablat, data = es, method = "REML", control = ctl)
terms <- lapply(1:2, function(i) list(name = c("intercept", "ablat")[i], estimate = mr$beta[i], se = mr$se[i],
  ci_low = mr$ci.lb[i], ci_high = mr$ci.ub[i], p = mr$pval[i]))
out <- list(k = fit$k,
  main = list(estimate = fit$beta[1], ci_low = fit$ci.lb, ci_high = fit$ci.ub, tau2 = fit$tau2, i2 = fit$I2),
  bias = list(egger = list(z = eg$zval, p = eg$pval, limit = eg$est, limit_ci_low = eg$ci.lb, limit_ci_high = eg$ci.ub),
              begg = list(tau = unname(rk$tau), p = rk$pval),
              trimfill = list(k0 = tf$k0, side = tf$side, estimate = tf$beta[1],
                              ci_low = tf$ci.lb, ci_high = tf$ci.ub)),
  leave_one_out = lapply(seq_along(l1$estimate), function(i) list(study = l1$slab[i], estimate = l1$estimate[i],
    ci_low = l1$ci.lb[i], ci_high = l1$ci.ub[i], tau2 = l1$tau2[i], i2 = l1$I2[i])),
  cumulative = lapply(seq_along(cu$estimate), function(i) list(study = cu$slab[i], estimate = cu$estimate[i],
    ci_low = cu$ci.lb[i], ci_high = cu$ci.ub[i])),
  subgroups = list(groups = groups, q_between = fe$QE, q_between_df = length(groups) - 1, q_between_p = fe$QEp,
                   qm = me$QM, qm_df = me$QMdf[1], qm_p = me$QMp),
  metareg = list(k = mr$k, terms = terms, qm = mr$QM, qm_p = mr$QMp, tau2 = mr$tau2, r2 = mr$R2))
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def depth_values(csv: Path) -> dict:
    """reviewflow meta's analyses beyond the pooled estimate on the meta_depth set."""
    data = pd.read_csv(csv)
    return meta_analyses(data, "RR", "REML", by="alloc", mods="ablat", order="year", bias=True, leave_one_out=True)


def _flatten(value, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{path}.{key}" if path else key))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            label = item.get("study") or item.get("name") if isinstance(item, dict) else None
            out.update(_flatten(item, f"{path}[{label or index}]"))
        return out
    return {path: value}


def depth_comparison(live: bool) -> float:
    """Every key of the meta_depth set, ours beside metafor's (live when R is here, else the
    stored file), the largest relative error per section."""
    csv = DEPTH / "bcg_moderators.csv"
    if not csv.exists():
        return 0.0
    started = time.perf_counter()
    ours = _flatten(depth_values(csv))
    ms = (time.perf_counter() - started) * 1000
    theirs, source = None, "stored metafor 3.8 file"
    if live:
        with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as script:
            script.write(DEPTH_R)
        done = subprocess.run(["Rscript", script.name, str(csv)], capture_output=True, text=True)
        if done.returncode == 0:
            theirs, source = _flatten(json.loads(done.stdout)), "metafor live"
    if theirs is None:
        theirs = _flatten(json.loads((DEPTH / "bcg_moderators_RR_REML_expected.json").read_text()))
    print(f"\nBeyond the pooled estimate (meta_depth, RR, REML; {source}; ours in {ms:.0f} ms)")
    print(f"{'section':<16} {'keys':>5} {'max rel. error':>15}  worst key")
    sections: dict[str, list] = {}
    for key, expected in theirs.items():
        section = key.split(".")[0].split("[")[0]
        got = ours.get(key)
        if isinstance(expected, str) or isinstance(got, str):
            error = 0.0 if got == expected else float("inf")
        elif got is None:
            error = float("inf")
        else:
            error = abs(float(got) - float(expected)) / max(abs(float(expected)), 1e-12)
        sections.setdefault(section, []).append((error, key))
    worst = 0.0
    for section, errors in sections.items():
        error, key = max(errors)
        worst = max(worst, error)
        print(f"{section:<16} {len(errors):>5} {error:>15.2e}  {key}")
    if source != "metafor live":
        print("(the stored file's cumulative analysis was made with order = order(year), which metafor warns about;")
        print(" reviewflow adds studies in ascending year as metafor's cumul(fit, order = year) does)")
    return worst


DTA_R = r"""
suppressMessages(library(metafor)); suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
if (args[2] == "kearon") {  # metadat's dat.kearon1998, the rows with a whole 2x2 table
  k <- dat.kearon1998[complete.cases(dat.kearon1998[, c("tp", "np", "tn", "nn")]), ]
  d <- data.frame(study = paste(k$study, k$year, k$patients), tp = k$tp, fp = k$nn - k$tn, fn = k$np - k$tp,
                  tn = k$tn, test = k$patients)
  write.csv(d, args[1], row.names = FALSE)
}
ctl <- list(optimizer = "optim", optmethod = "BFGS", reltol = 1e-14, maxit = 10000)  # tighter than the default
s <- escalc("PLO", xi = d$tp, mi = d$fn, add = 0.5, to = "only0")
p <- escalc("PLO", xi = d$tn, mi = d$fp, add = 0.5, to = "only0")
n <- nrow(d)
long <- data.frame(study = rep(seq_len(n), 2), outcome = factor(rep(c("sens", "spec"), each = n)),
                   yi = c(s$yi, p$yi), vi = c(s$vi, p$vi))
fit <- rma.mv(yi, vi, mods = ~ outcome - 1, random = ~ outcome | study, struct = "UN", data = long,
              method = "REML", control = ctl)
out <- list(logit_sens = fit$beta[1], logit_spec = fit$beta[2], se_sens = fit$se[1], se_spec = fit$se[2],
            tau2_logit_sens = fit$tau2[1], tau2_logit_spec = fit$tau2[2], rho = fit$rho,
            sensitivity = plogis(fit$beta[1]), sens_ci_low = plogis(fit$ci.lb[1]), sens_ci_high = plogis(fit$ci.ub[1]),
            specificity = plogis(fit$beta[2]), spec_ci_low = plogis(fit$ci.lb[2]), spec_ci_high = plogis(fit$ci.ub[2]))
if ("test" %in% names(d)) {
  long$test <- rep(as.numeric(d$test == sort(unique(d$test))[2]), 2)
  cmp <- try(rma.mv(yi, vi, mods = ~ outcome + outcome:test - 1, random = ~ outcome | study, struct = "UN",
                    data = long, method = "REML", control = ctl), silent = TRUE)
  if (!inherits(cmp, "try-error"))
    out$compare <- list(diff_sens = cmp$beta[3], diff_spec = cmp$beta[4], se_diff_sens = cmp$se[3],
                        se_diff_spec = cmp$se[4], wald = anova(cmp, btt = 3:4)$QM, tau2_logit_sens = cmp$tau2[1],
                        tau2_logit_spec = cmp$tau2[2], rho = cmp$rho)
}
cat(toJSON(out, auto_unbox = TRUE, digits = NA))
"""


def loglik_gain(csv: Path, theirs: dict, ours: float | None) -> float:
    """Our REML log-likelihood at our fit minus ours at metafor's (tau2s, rho): not below 0
    when ours is as good a maximum. Where a tau2 is near 0 the likelihood is flat, and two
    optimisers can stop at variances that differ by more than 1e-4 relative. `ours`: our
    fit's log-likelihood (meta-dta's `loglik`)."""
    import numpy as np

    from reviewflow.synthesis import accuracy

    counts = accuracy.read_counts(pd.read_csv(csv, dtype=str, keep_default_na=False), str(csv))
    y, v = accuracy._logits(counts)
    x = np.broadcast_to(np.eye(2), (len(y), 2, 2))
    theta = np.array([theirs["tau2_logit_sens"], theirs["tau2_logit_spec"], max(-1.0, min(1.0, theirs["rho"]))])
    return ours - accuracy._blocks(theta, y, v, x)[6] if ours is not None else float("nan")


def dta_values(csv: Path) -> dict:
    """reviewflow meta-dta's numbers under the names the R script gives metafor's."""
    data = pd.read_csv(csv, dtype=str, keep_default_na=False)
    has_test = "test" in data.columns
    result = meta_dta(data, file=str(csv), compare="test" if has_test else None)
    out = {
        "logit_sens": result["logit"]["sensitivity"],
        "logit_spec": result["logit"]["specificity"],
        "se_sens": result["logit"]["se_sensitivity"],
        "se_spec": result["logit"]["se_specificity"],
        "tau2_logit_sens": result["tau2_logit_sens"],
        "tau2_logit_spec": result["tau2_logit_spec"],
        "rho": result["rho"],
    }
    for name, short in (("sensitivity", "sens"), ("specificity", "spec")):
        out[name] = result[name]["estimate"]
        out[f"{short}_ci_low"], out[f"{short}_ci_high"] = result[name]["ci_low"], result[name]["ci_high"]
    compared = result.get("comparison")
    if compared and compared.get("reason") is None:
        difference = compared["difference"]
        out["compare"] = {
            "diff_sens": difference["logit_sensitivity"]["estimate"],
            "diff_spec": difference["logit_specificity"]["estimate"],
            "se_diff_sens": difference["logit_sensitivity"]["se"],
            "se_diff_spec": difference["logit_specificity"]["se"],
            "wald": compared["wald"]["statistic"],
            "tau2_logit_sens": compared["tau2_logit_sens"],
            "tau2_logit_spec": compared["tau2_logit_spec"],
            "rho": compared["rho"],
        }
    return result["model"], result["boundary"], result["loglik"], _flatten(out)


def dta_sets(folder: Path, count: int = 40, seed: int = 2005) -> list[Path]:
    """metadat's Kearon 1998 set (written by R), the tests' own DTA fixtures, and `count`
    random sets: k from 4 to 80, prevalence, sensitivity and specificity spread as in
    published reviews, small studies with zero cells among them."""
    import numpy as np

    sets = [folder / "kearon1998.csv"]
    sets += sorted((ROOT / "tests" / "fixtures" / "dta").glob("*.csv"))
    rng = np.random.default_rng(seed)
    for index in range(count):
        sparse = index % 4 == 1  # few small studies: zero cells, fits on the boundary
        k = int(rng.integers(4, 9)) if sparse else int(rng.integers(4, 81))
        sigma = np.array([[0.8, -0.3], [-0.3, 0.6]]) * rng.uniform(0.2, 2.0)
        logits = rng.multivariate_normal([rng.normal(1.5, 0.8), rng.normal(2.0, 0.8)], sigma, size=k)
        size = rng.integers(10, 40, size=k) if sparse else rng.integers(15, 400, size=k)
        diseased = np.maximum(1, rng.binomial(size, rng.uniform(0.1, 0.5)))
        healthy = np.maximum(1, size - diseased)
        tp = rng.binomial(diseased, 1 / (1 + np.exp(-logits[:, 0])))
        tn = rng.binomial(healthy, 1 / (1 + np.exp(-logits[:, 1])))
        frame = pd.DataFrame(
            {"study": [f"S{i + 1}" for i in range(k)], "tp": tp, "fp": healthy - tn, "fn": diseased - tp, "tn": tn}
        )
        if index % 3 == 0:
            frame["test"] = np.where(rng.random(k) < 0.5, "A", "B")
            frame.loc[:1, "test"] = ["A", "B"]  # both tests in every such set
        path = folder / f"random{index + 1:02d}.csv"
        frame.to_csv(path, index=False)
        sets.append(path)
    return sets


def dta_comparison(live: bool) -> float:
    """reviewflow meta-dta beside metafor's rma.mv (struct UN, REML) on each set: the largest
    relative error over the logits, their standard errors, tau2s, rho, the summary points and
    limits, and (two tests) the differences, their standard errors and the Wald statistic."""
    if not live:
        print("\nDiagnostic accuracy: R is not installed, nothing to compare (make bench-meta installs it)")
        return 0.0
    worst = 0.0
    print("\nDiagnostic accuracy, bivariate REML (metafor rma.mv, struct UN, live)")
    print(
        f"{'data':<24} {'k':>4} {'model':<11} {'sensitivity':>11} {'metafor':>9} {'max rel. error':>15} "
        f"{'d loglik':>10}  worst key"
    )
    with tempfile.TemporaryDirectory() as folder, tempfile.NamedTemporaryFile("w", suffix=".R") as script:
        script.write(DTA_R)
        script.flush()
        for csv in dta_sets(Path(folder)):
            tag = "kearon" if csv.name == "kearon1998.csv" else "file"
            if tag == "kearon":
                csv.write_text("study,tp,fp,fn,tn\n")
            done = subprocess.run(["Rscript", script.name, str(csv), tag], capture_output=True, text=True)
            if done.returncode != 0:
                print(f"{csv.stem:<24} metafor failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            theirs = _flatten(json.loads(done.stdout))
            model, boundary, loglik, ours = dta_values(csv)
            k = len(pd.read_csv(csv))
            if model != "bivariate":
                print(f"{csv.stem:<24} {k:>4} {model:<11} (ours pooled apart: the bivariate fit is at its boundary)")
                continue
            errors = [  # rho is undefined where a tau2 is 0: ours None, metafor's wherever it stopped
                (abs(ours[key] - value) / max(abs(value), ZERO.get(key.split(".")[-1], 1e-12)), key)
                for key, value in theirs.items()
                if key in ours and ours[key] is not None
            ]
            declined = any(key.startswith("compare.") for key in theirs) and "compare.wald" not in ours
            if declined:  # ours compares two tests from 2 studies of each and 6 in all; metafor fits fewer
                theirs = {key: value for key, value in theirs.items() if not key.startswith("compare.")}
            missing = sorted(set(theirs) - set(ours))
            if missing:
                errors.append((float("inf"), missing[0]))
            error, key = max(errors)
            gain = loglik_gain(csv, theirs, loglik)
            flat = error > 1e-4 and gain >= -1e-9 and not key.startswith("compare.")
            if not flat:  # a flat likelihood: ours is a maximum at least as high as metafor's
                worst = max(worst, error)
            print(
                f"{csv.stem:<24} {k:>4} {model:<11} {ours['sensitivity']:>11.6f} {theirs['sensitivity']:>9.6f} "
                f"{error:>15.2e} {gain:>10.1e}  {key}{f'  (at {boundary})' if boundary else ''}"
                f"{'  (too few studies to compare tests: ours declines)' if declined else ''}"
                f"{'  (flat likelihood: ours is as high, not counted)' if flat else ''}"
            )
    return worst


if __name__ == "__main__":
    sys.exit(main())
