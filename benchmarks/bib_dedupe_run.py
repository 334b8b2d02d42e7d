"""Run bib-dedupe on one records CSV and write record_id,cluster_id (the format of
`reviewflow dedup`). Runs in the benchmark-only environment that holds bib-dedupe
(see `make bench-dedup`); never imported by the project.

    python benchmarks/bib_dedupe_run.py RECORDS.csv OUT.csv
"""

import sys
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def main(source: str, target: str) -> int:
    records = pd.read_csv(source, dtype=str).fillna("")
    started = time.perf_counter()
    matched = match(block(prep(records, verbosity_level=0), verbosity_level=0), verbosity_level=0)
    duplicates = matched[matched["duplicate_label"] == "duplicate"] if "duplicate_label" in matched else matched
    groups = cluster(duplicates, verbosity_level=0)
    seconds = time.perf_counter() - started
    cluster_of = {}
    for number, group in enumerate(groups):
        for record_id in group:
            cluster_of[record_id] = f"g{number}"
    pd.DataFrame({"record_id": records["ID"], "cluster_id": [cluster_of.get(i, i) for i in records["ID"]]}).to_csv(
        target, index=False
    )
    print(f"{seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
