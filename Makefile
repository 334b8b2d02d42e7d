# Everything a fresh machine needs is installed from here: Python 3.11 and the
# system's pango libraries (for WeasyPrint) are the only things assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= all

.PHONY: install report test lint dry-run verify golden clean bench-dedup

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	$(BIN)/python -m reviewflow.system_check
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	@echo "Report: results/report.pdf, results/report.html; workbook: results/evidence_tables.xlsx"

test: $(STAMP)
	$(BIN)/python -m pytest
	$(MAKE) lint dry-run

lint: $(STAMP)
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

dry-run: $(STAMP)
	$(BIN)/snakemake --dry-run --forceall --cores 1 --quiet rules

# Two fresh runs must give the same bytes, and the embedded review must match the
# committed golden manifest (tests/golden/MANIFEST.sha256); `make golden` accepts a change.
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
