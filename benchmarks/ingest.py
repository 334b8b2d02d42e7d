"""Speed of ingestion: ours (split, parse, normalise, ids, frame) against rispy's
bare parse of the same RIS file, in the same run. Target: ours <= 1.5 x rispy.

    .venv/bin/python benchmarks/ingest.py [N_RECORDS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import rispy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow"))

from reviewflow.ingest import load  # noqa: E402

WORDS = (
    "pain management program chronic back trial randomised outcome function opioid primary care cohort effect".split()
)


def make_ris(count: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))  # noqa: E731
    out = []
    for i in range(count):
        start = rng.randint(1, 2000)
        lines = ["TY  - JOUR", f"TI  - {words(12).capitalize()} {i}"]
        lines += [
            f"AU  - {rng.choice(WORDS).capitalize()}, {rng.choice('ABCDEFG')}. {rng.choice('HIJKLM')}."
            for _ in range(rng.randint(1, 8))
        ]
        lines += [
            f"PY  - {rng.randint(1980, 2024)}",
            f"JO  - Journal of {words(2).title()}",
            f"VL  - {rng.randint(1, 90)}",
            f"IS  - {rng.randint(1, 12)}",
            f"SP  - {start}",
            f"EP  - {start + rng.randint(3, 20)}",
            f"DO  - 10.{rng.randint(1000, 9999)}/example.{i}",
            f"AB  - {words(150)}",
        ]
        lines += [f"KW  - {words(2)}" for _ in range(rng.randint(0, 6))]
        lines += ["ER  - ", ""]
        out.append("\n".join(lines))
    return "\n".join(out)


def best_of(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.ris"
        path.write_text(make_ris(count), encoding="utf-8")
        size = path.stat().st_size / 1e6
        bare = best_of(3, lambda: rispy.load(path, encoding="utf-8"))
        ours = best_of(3, lambda: load(path, source="bench", search="b1"))
        records, _ = load(path, source="bench", search="b1")
    assert len(records) == count, (len(records), count)
    print(f"records: {count} ({size:.1f} MB)")
    print(f"rispy bare parse: {bare:.2f} s")
    print(f"reviewflow ingest with normalisation: {ours:.2f} s")
    print(f"ratio: {ours / bare:.2f} (target <= 1.50) -> {'met' if ours <= 1.5 * bare else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
