# Everything a fresh machine needs is installed from here: Python 3.11 and the
# system's pango libraries (for WeasyPrint) are the only things assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all
# The review to run: config/<review id>.yaml (default: the embedded review).
CONFIG ?= config/ipmp.yaml

.PHONY: install report recover test test-slurm test-e2e lint format envs dry-run verify golden clean bench-dedup bench-meta bench-synthesis bench-screening bench-linking bench-rerun bench-ingest bench-dedup-scale

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m reviewflow.system_check
	touch $(STAMP)

install: $(STAMP)

# The config is checked by reviewflow first: Snakemake's own YAML loader would expand
# aliases (a 'billion laughs' file) before any of our code could refuse them.
report: $(STAMP)
	$(BIN)/reviewflow check-config $(CONFIG)
	$(BIN)/snakemake --cores $(CORES) --configfile $(CONFIG) || { $(BIN)/python -m reviewflow.failure; exit 1; }
	@$(BIN)/python -c "import yaml; r = 'results/' + yaml.safe_load(open('$(CONFIG)'))['review']['id']; \
	print(f'Report: {r}/report.pdf, {r}/report.html; workbook: {r}/evidence_tables.xlsx')"

# After an interrupted run (a killed job, a power cut): release Snakemake's lock, then
# finish the run, redoing any output a killed job left half-written.
recover: $(STAMP)
	$(BIN)/reviewflow check-config $(CONFIG)
	$(BIN)/snakemake --unlock --configfile $(CONFIG)
	$(BIN)/snakemake --cores $(CORES) --configfile $(CONFIG) --rerun-incomplete || { $(BIN)/python -m reviewflow.failure; exit 1; }

# The fast suite: unit tests and every bad input in-process, then lint and a dry run.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e"
	$(MAKE) lint dry-run

# End-to-end tests: real Snakemake runs of the embedded review (CI runs them after `make test`).
# The HTML report is also opened in Debian's Chromium (installed here when missing and the
# machine allows it; without it those two tests say they were skipped).
test-e2e: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| echo "Chromium could not be installed: the browser tests will be skipped"
	$(BIN)/python -m pytest -m e2e

# SLURM for real: a one-node cluster on this machine (munge, MariaDB, slurmdbd, slurmctld,
# slurmd from Debian's packages; needs root), the embedded review run through the SLURM
# profile and locally, and the two results compared byte for byte.
SLURM_PACKAGES := slurm-wlm slurmdbd munge mariadb-server
test-slurm: $(STAMP)
	command -v slurmdbd >/dev/null && command -v mariadbd >/dev/null || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SLURM_PACKAGES))
	sh tests/slurm/up.sh
	$(BIN)/python tests/slurm/compare.py

PYTHON_SOURCES := workflow tests benchmarks

lint: $(STAMP)
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/ruff check $(PYTHON_SOURCES)
	$(BIN)/ruff format --check $(PYTHON_SOURCES)

format: $(STAMP)
	$(BIN)/snakefmt Snakefile workflow/rules
	$(BIN)/ruff check --fix $(PYTHON_SOURCES)
	$(BIN)/ruff format $(PYTHON_SOURCES)

# The conda environments pin requirements.lock's versions (tests/unit/test_packaging.py checks).
envs: $(STAMP)
	$(BIN)/python -m reviewflow.conda_envs --write

dry-run: $(STAMP)
	$(BIN)/snakemake --dry-run --forceall --cores 1 --quiet rules

# Every review (config/*.yaml) in two fresh copies must give the same bytes and match its
# committed golden manifest (tests/golden/<review id>.sha256); `make golden` accepts a change.
verify: $(STAMP)
	$(BIN)/python -m reviewflow.verify

golden: $(STAMP)
	$(BIN)/python -m reviewflow.verify --accept

clean:
	rm -rf results .snakemake

# bib-dedupe lives only in the benchmark's own environment, never in the project's.
BIB_DEDUPE := benchmarks/.venv-bibdedupe
$(BIB_DEDUPE)/bin/python:
	$(PYTHON) -m venv $(BIB_DEDUPE)
	$(BIB_DEDUPE)/bin/python -m pip install --quiet bib-dedupe==0.11.0

bench-dedup: $(STAMP) $(BIB_DEDUPE)/bin/python
	$(BIN)/python benchmarks/dedup.py --bib-dedupe $(BIB_DEDUPE)/bin/python

# metafor side by side: Debian's r-cran-metafor when it can be installed (root and apt),
# otherwise the stored metafor 3.8 results of the shared sets.
bench-meta: $(STAMP)
	command -v Rscript >/dev/null || (apt-get update -qq && apt-get install -y -qq r-cran-metafor) || true
	$(BIN)/python benchmarks/meta.py

# ASReview lives only in the benchmark's own environment, never in the project's.
ASREVIEW := benchmarks/.venv-asreview
$(ASREVIEW)/bin/asreview:
	$(PYTHON) -m venv $(ASREVIEW)
	$(ASREVIEW)/bin/python -m pip install --quiet asreview==3.0.8

bench-screening: $(STAMP) $(ASREVIEW)/bin/asreview
	$(BIN)/python benchmarks/screening.py --asreview $(ASREVIEW)/bin/asreview

# Ingest beside rispy's bare parse of the same 100,000 RIS records (target: ratio <= 1.0);
# deduplication of 1,000,000 generated records (targets: under 120 s and 3 GB).
bench-ingest: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

bench-dedup-scale: $(STAMP)
	$(BIN)/python benchmarks/dedup_scale.py

bench-synthesis: $(STAMP)
	command -v Rscript >/dev/null || (apt-get update -qq && apt-get install -y -qq r-cran-metafor) || true
	$(BIN)/python benchmarks/synthesis.py --studies 500 --outcomes 10
	$(BIN)/python benchmarks/synthesis.py --studies 5000 --outcomes 50 --no-r

# The linking worksheet's suggestions, leave one out on the embedded review's grouping.
bench-linking: $(STAMP)
	$(BIN)/python benchmarks/linking.py

# The embedded review rerun after one new export, step by step (the targets: 30 s in all, 2 s manifest).
bench-rerun: $(STAMP)
	$(BIN)/python benchmarks/rerun.py
