"""`make test-slurm`: the embedded review run through the SLURM profile on the one-node
cluster tests/slurm/up.sh brings up, and run locally, each in a fresh copy of the project;
the two results must be the same bytes (every file the manifest lists, the PDF included).
Prints both wall times. Exit 0 when equal."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).parent / "snakemake")
CONFIG = "config/ipmp.yaml"
MANIFEST = Path("results/ipmp/MANIFEST.sha256")


def fresh_copy(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("Snakefile", "workflow", "config", "resources"):
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, target / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if source.is_dir() else {}))
    return target


def run(project: Path, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([SNAKEMAKE, "--configfile", CONFIG, *args], cwd=project, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"test-slurm: snakemake {' '.join(args)} failed in {project}:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reviewflow-slurm-", dir="/tmp") as tmp:
        local = fresh_copy(Path(tmp) / "local")
        cluster = fresh_copy(Path(tmp) / "slurm")
        local_seconds = run(local, "--cores", "2")
        since = time.strftime("%Y-%m-%dT%H:%M:%S")
        slurm_seconds = run(cluster, "--profile", "workflow/profiles/slurm", "--seconds-between-status-checks", "5")
        jobs = subprocess.run(
            ["sacct", "-X", "-n", "-A", "reviewflow", "--format=JobID,JobName%40,State", "-S", since],
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        same = (local / MANIFEST).read_bytes() == (cluster / MANIFEST).read_bytes()
        files = len((local / MANIFEST).read_text().splitlines())
        print(f"{'':<8} {'wall time':>10}")
        print(f"{'local':<8} {local_seconds:>9.1f}s  (--cores 2)")
        print(f"{'SLURM':<8} {slurm_seconds:>9.1f}s  (--profile workflow/profiles/slurm; {len(jobs)} jobs in sacct)")
        print(f"results: {files} files, {'the same bytes' if same else 'DIFFERENT'} (results/ipmp/MANIFEST.sha256)")
        if not same:
            print(subprocess.run(["diff", local / MANIFEST, cluster / MANIFEST], capture_output=True, text=True).stdout)
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
