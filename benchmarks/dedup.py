"""Deduplication against labelled sets: pairwise precision, recall, F1 and wall time of
`reviewflow dedup` on each set in ../shared/benchmarks/dedup (or a folder given).

    .venv/bin/python benchmarks/dedup.py [SETS_DIR]

A baseline for issue #4: the comparison with bib-dedupe (installed only in a benchmark
environment) is still to be added.
"""

from __future__ import annotations

import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow"))

from reviewflow.cli import main as reviewflow  # noqa: E402

SETS = ("diabetes", "cytology_screening", "digital_work", "special_cases")


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for group in groups for p in combinations(group, 2)}


def truth(folder: Path) -> tuple[Path, list[list[str]]]:
    labels = pd.read_csv(folder / "merged_record_ids.csv", dtype=str)
    groups = [ids.split(";") for ids in labels["merged_ids"]]
    return folder / "records_pre_merged.csv", groups


def main(root: Path) -> int:
    print(f"{'set':<20} {'records':>8} {'precision':>9} {'recall':>7} {'F1':>6} {'seconds':>8}")
    for name in SETS:
        folder = root / name
        if not (folder / "records_pre_merged.csv").exists():
            continue
        records, groups = truth(folder)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "clusters.csv"
            started = time.perf_counter()
            assert reviewflow(["dedup", str(records), "-o", str(out)]) == 0
            seconds = time.perf_counter() - started
            clusters = pd.read_csv(out, dtype=str)
        found = pairs([list(g["record_id"]) for _, g in clusters.groupby("cluster_id") if len(g) > 1])
        expected = pairs(groups)
        hits = len(found & expected)
        precision = hits / len(found) if found else 1.0
        recall = hits / len(expected) if expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{name:<20} {len(clusters):>8} {precision:>9.4f} {recall:>7.4f} {f1:>6.4f} {seconds:>8.2f}")
    return 0


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "dedup"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
