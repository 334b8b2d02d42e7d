"""Reproducibility checks: a sha256 manifest of results/, two fresh runs compared
byte for byte, and the embedded review compared with its committed golden manifest.

Against the golden manifest, tables, SVG, HTML and XLSX must match byte for
byte; the PDF is compared by its extracted text, because font files (and so
the PDF's bytes) may differ between machines while the words may not.

    python -m reviewflow.verify            # two runs + golden check (make verify)
    python -m reviewflow.verify --accept   # write the golden manifest (make golden)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "MANIFEST.sha256"
PROJECT_FILES = ("Snakefile", "workflow", "config", "resources")


def parse(text: str) -> dict[str, str]:
    return {name: digest for digest, name in (line.split("  ", 1) for line in text.splitlines() if line.strip())}


def for_golden(manifest: dict[str, str]) -> dict[str, str]:
    """What must match across machines: every file by bytes, except PDFs by their text."""
    return {name: digest for name, digest in manifest.items() if not name.endswith(".pdf")}


def differences(expected: dict[str, str], actual: dict[str, str]) -> list[str]:
    out = [f"missing: {n}" for n in sorted(expected.keys() - actual.keys())]
    out += [f"unexpected: {n}" for n in sorted(actual.keys() - expected.keys())]
    out += [f"changed: {n}" for n in sorted(expected.keys() & actual.keys()) if expected[n] != actual[n]]
    return out


def run_copy(target: Path, cores: str) -> dict[str, str]:
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    snakemake = str(Path(sys.executable).parent / "snakemake")
    done = subprocess.run([snakemake, "--cores", cores, "--quiet"], cwd=target, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"verify: the workflow failed in {target}:\n{done.stderr[-3000:]}")
    review_id = yaml.safe_load((target / "config" / "config.yaml").read_text(encoding="utf-8"))["review"]["id"]
    return parse((target / "results" / review_id / "MANIFEST.sha256").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accept", action="store_true", help="write the golden manifest from one fresh run")
    parser.add_argument("--cores", default="all")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        one = run_copy(Path(first), args.cores)
        if args.accept:
            GOLDEN.parent.mkdir(parents=True, exist_ok=True)
            GOLDEN.write_text("".join(f"{d}  {n}\n" for n, d in sorted(for_golden(one).items())), encoding="utf-8")
            print(f"verify: wrote {GOLDEN.relative_to(ROOT)} ({len(for_golden(one))} entries)")
            return 0
        two = run_copy(Path(second), args.cores)
    problems = [f"rerun {d}" for d in differences(one, two)]
    if GOLDEN.exists():
        problems += [f"golden {d}" for d in differences(parse(GOLDEN.read_text(encoding="utf-8")), for_golden(one))]
    else:
        problems.append(f"golden manifest {GOLDEN.relative_to(ROOT)} is missing; run make golden")
    for problem in problems:
        print(f"verify: {problem}")
    golden_problems = [p for p in problems if p.startswith("golden")]
    print(
        f"verify: {len(one)} manifest entries; two fresh runs {'identical' if one == two else 'DIFFER'}; "
        f"golden {'DIFFERS (make golden accepts an intended change)' if golden_problems else 'matches'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
