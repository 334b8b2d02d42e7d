# Reads RevMan Web's data package that `reviewflow handoff revman-web` writes with R's meta
# package (read.cdir, metacr), pools every analysis again from the package's data rows
# with the review's estimator, and prints the largest relative difference from the pooled
# estimate the package's overall-estimates file gives. meta is neither on Debian nor on
# PyPI, so no make target installs it; run by hand where meta (>= 7.0) is installed:
#   Rscript benchmarks/revman_web_readback.R PACKAGE.zip R_LIBRARY REML
args <- commandArgs(trailingOnly = TRUE)
# meta's read.cdir writes if_else(x == "#N/A", NA, x), which dplyr before 1.1 refuses (NA is
# logical there); Debian 12 ships dplyr 1.0.10, so a plain NA is given the other side's type.
if (packageVersion("dplyr") < "1.1.0") {
  original <- dplyr::if_else
  typed <- function(condition, true, false, missing = NULL) {
    if (length(true) == 1 && is.logical(true) && is.na(true)) true <- methods::as(true, class(false))
    if (length(false) == 1 && is.logical(false) && is.na(false)) false <- methods::as(false, class(true))
    original(condition, true, false, missing)
  }
  utils::assignInNamespace("if_else", typed, "dplyr")
}
suppressMessages(library(meta, lib.loc = args[2]))
exdir <- tempfile("package")
x <- read.cdir(args[1], exdir = exdir, keep.orig = TRUE)
settings <- x$orig$settings
keys <- unique(x$data[, c("comp.no", "outcome.no")])
worst <- 0; n <- 0
for (i in seq_len(nrow(keys))) {
  s <- x$data[x$data$comp.no == keys$comp.no[i] & x$data$outcome.no == keys$outcome.no[i], ]
  if (nrow(s) < 2) next
  m <- suppressWarnings(metacr(x, keys$comp.no[i], keys$outcome.no[i], method.tau = args[3]))
  te <- if (s$sm[1] %in% c("RR", "OR", "HR")) exp(m$TE.random) else m$TE.random
  row <- settings[settings[["Analysis group"]] == keys$comp.no[i] & settings[["Analysis number"]] == keys$outcome.no[i], ]
  ours <- as.numeric(row[["Mean"]])
  worst <- max(worst, abs(te - ours) / max(abs(ours), 1e-8))
  n <- n + 1
}
cat(sprintf("%s: %d data rows, %d studies, %d pooled analyses read by meta %s; largest rel. difference of the pooled estimate: %.2e\n",
            basename(args[1]), nrow(x$data), length(unique(x$data$studlab)), n,
            packageVersion("meta", lib.loc = args[2]), worst))
