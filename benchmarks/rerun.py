"""A rerun after a new search, step by step: the embedded review in a fresh copy, its first
run done, one new export added with `reviewflow search add`, and the second run timed,
with each rule's seconds from Snakemake's benchmark files beside the target (the whole
rerun under 30 s, the manifest under 2 s).

    make bench-rerun
    .venv/bin/python benchmarks/rerun.py [--cores 2]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "workflow"))

from reviewflow.verify import copy_project  # noqa: E402

TARGET_TOTAL, TARGET_MANIFEST = 30.0, 2.0
NEW_EXPORT = """TY  - JOUR
TI  - A pragmatic trial of an interdisciplinary pain programme in primary care
AU  - Newcomer, A
PY  - 2022
AB  - A randomised trial of a primary-care based pain management program against usual care.
ER  -

TY  - JOUR
TI  - Yoga for chronic low back pain: a randomised trial
AU  - Bending, B
PY  - 2022
ER  -
"""


def _run(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def _step_seconds(project: Path, before: dict[Path, float]) -> dict[str, float]:
    """The wall seconds of each rule that ran since `before` (benchmark files' times), from
    Snakemake's benchmark files."""
    root = project / "logs" / "ipmp" / "benchmarks"
    seconds: dict[str, float] = {}
    for path in sorted(root.rglob("*.tsv")):
        if path.stat().st_mtime <= before.get(path, 0.0):
            continue  # did not run again
        rule = path.relative_to(root).parts[0].removesuffix(".tsv")
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        if rows:
            seconds[rule] = seconds.get(rule, 0.0) + float(rows[-1]["s"])
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", default="2")
    args = parser.parse_args()
    snakemake = [str(BIN / "snakemake"), "--cores", args.cores, "--quiet", "all"]
    with tempfile.TemporaryDirectory(prefix="reviewflow-rerun-") as folder:
        project = copy_project(Path(folder))
        first = _run(snakemake, project)
        before = {p: p.stat().st_mtime for p in (project / "logs" / "ipmp" / "benchmarks").rglob("*.tsv")}
        export = project / "medline_2022.ris"
        export.write_text(NEW_EXPORT, encoding="utf-8")
        add = [str(BIN / "reviewflow"), "search", "add", "config/ipmp.yaml", "--batch", "2022-06-01"]
        _run([*add, "--date", "2022-06-01", str(export), "--database", "Ovid MEDLINE"], project)
        second = _run(snakemake, project)
        rerun = _step_seconds(project, before)
    print(f"first run (everything): {first:.1f} s")
    print(
        f"rerun after one new export: {second:.1f} s (target {TARGET_TOTAL:.0f} s: "
        f"{'met' if second <= TARGET_TOTAL else 'NOT met'})"
    )
    print(f"{'rule':<22}{'seconds':>9}")
    for rule, seconds in sorted(rerun.items(), key=lambda item: -item[1]):
        flag = ""
        if rule == "manifest":
            flag = f"  (target {TARGET_MANIFEST:.0f} s: {'met' if seconds <= TARGET_MANIFEST else 'NOT met'})"
        print(f"{rule:<22}{seconds:>9.2f}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
