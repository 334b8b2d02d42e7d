# Reads a reviewflow RevMan 5 file (reviewflow handoff revman) with R's meta package
# (read.rm5, metacr), pools every outcome again from the file's study rows with the
# review's estimator, and prints the largest relative difference from the pooled
# estimate the file carries. meta is neither on Debian nor on PyPI, so no make target
# installs it; run by hand where it is installed:
#   Rscript benchmarks/revman_readback.R FILE.rm5 R_LIBRARY REML
args <- commandArgs(trailingOnly = TRUE)
suppressMessages(library(meta, lib.loc = args[2]))
x <- read.rm5(args[1])
keys <- unique(x[, c("comp.no", "outcome.no")])
worst <- 0; n <- 0
for (i in seq_len(nrow(keys))) {
  s <- x[x$comp.no == keys$comp.no[i] & x$outcome.no == keys$outcome.no[i], ]
  if (nrow(s) < 2) next
  m <- suppressWarnings(metacr(x, keys$comp.no[i], keys$outcome.no[i], method.tau = args[3]))
  te <- if (s$sm[1] %in% c("RR", "OR", "HR")) exp(m$TE.random) else m$TE.random
  ours <- s$TE.pooled[1]
  worst <- max(worst, abs(te - ours) / max(abs(ours), 1e-8))
  n <- n + 1
}
cat(sprintf("%s: %d study rows, %d pooled outcomes read by meta %s; largest rel. difference of the pooled estimate: %.2e\n",
            basename(args[1]), nrow(x), n, packageVersion("meta", lib.loc = args[2]), worst))
