# Reads the CSV of `reviewflow handoff prisma2020` with the PRISMA2020 R package's own
# reader, PRISMA_data(), and prints what it found; a name it looks up and does not find
# is a warning (the package then draws its default). PRISMA2020 is on CRAN only, not on
# Debian or PyPI, so no make target installs it; run by hand:
#   Rscript benchmarks/prisma2020_readback.R PRISMA.csv [FOLDER_OF_THE_PACKAGE'S_R_SOURCES]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) > 1) {
  for (f in c("PRISMA_data.R", "PRISMA_format.R", "PRISMA_default_or_csv.R")) source(file.path(args[2], f))
} else {
  suppressMessages(library(PRISMA2020))
}
warnings_seen <- 0
d <- withCallingHandlers(PRISMA_data(read.csv(args[1])), warning = function(w) {
  warnings_seen <<- warnings_seen + 1
  message("warning: ", conditionMessage(w))
  invokeRestart("muffleWarning")
})
for (name in c("database_results", "duplicates", "records_screened", "records_excluded", "dbr_assessed",
               "new_studies", "total_studies", "total_studies_ma", "total_reports_ma")) {
  cat(sprintf("%-18s %s\n", name, d[[name]]))
}
cat(sprintf("reasons: %s\n", paste(d$dbr_excluded$reason, d$dbr_excluded$n, sep = " = ", collapse = "; ")))
cat(sprintf("warnings: %d\n", warnings_seen))
