"""Reproducibility checks: every review of the checkout (config/*.yaml) run in two fresh
copies of the project and compared byte for byte, and each compared with its committed
golden manifest (tests/golden/<review id>.sha256).

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
GOLDEN_DIR = ROOT / "tests" / "golden"  # one manifest per review: <review id>.sha256
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


def reviews() -> dict[str, str]:
    """Every review of the checkout: its id and its config file (config/<id>.yaml)."""
    found = {}
    for path in sorted((ROOT / "config").glob("*.yaml")):
        found[yaml.safe_load(path.read_text(encoding="utf-8"))["review"]["id"]] = path.relative_to(ROOT).as_posix()
    return found


def golden_file(review_id: str) -> Path:
    return GOLDEN_DIR / f"{review_id}.sha256"


def copy_project(target: Path) -> Path:
    """The parts of the checkout a run needs (Snakefile, workflow, config, resources), copied."""
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)
    return target


def run_copy(target: Path, cores: str) -> dict[str, str]:
    """Every review run in a fresh copy of the project; their manifests, keyed '<review>/<file>'."""
    copy_project(target)
    from .progress import bar

    snakemake = str(Path(sys.executable).parent / "snakemake")
    manifest = {}
    with bar(len(reviews()), f"verify: the reviews in {target}") as shown:
        for review_id, config in reviews().items():
            command = [snakemake, "--cores", cores, "--quiet", "--configfile", config]
            done = subprocess.run(command, cwd=target, capture_output=True, text=True)
            if done.returncode != 0:
                from .failure import newest_log, summary

                log = newest_log(target)
                why = "\n".join(summary(log, target)) if log else done.stderr[-3000:]
                raise SystemExit(f"verify: the workflow of {config} failed in {target}:\n{why}")
            lines = parse((target / "results" / review_id / "MANIFEST.sha256").read_text(encoding="utf-8"))
            manifest.update({f"{review_id}/{name}": digest for name, digest in lines.items()})
            shown.update()
    return manifest


def of_review(manifest: dict[str, str], review_id: str) -> dict[str, str]:
    prefix = f"{review_id}/"
    return {name[len(prefix) :]: d for name, d in manifest.items() if name.startswith(prefix)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accept", action="store_true", help="write the golden manifests from one fresh run")
    parser.add_argument("--cores", default="all")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        one = run_copy(Path(first), args.cores)
        if args.accept:
            GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
            for review_id in reviews():
                entries = for_golden(of_review(one, review_id))
                golden_file(review_id).write_text("".join(f"{d}  {n}\n" for n, d in sorted(entries.items())))
                print(f"verify: wrote {golden_file(review_id).relative_to(ROOT)} ({len(entries)} entries)")
            return 0
        two = run_copy(Path(second), args.cores)
    problems = [f"rerun {d}" for d in differences(one, two)]
    for review_id in reviews():
        golden = golden_file(review_id)
        if not golden.exists():
            problems.append(f"golden manifest {golden.relative_to(ROOT)} is missing; run make golden")
            continue
        expected = parse(golden.read_text(encoding="utf-8"))
        problems += [f"golden {review_id}: {d}" for d in differences(expected, for_golden(of_review(one, review_id)))]
    for problem in problems:
        print(f"verify: {problem}")
    golden_problems = [p for p in problems if p.startswith("golden")]
    print(
        f"verify: {len(reviews())} reviews, {len(one)} manifest entries; "
        f"two fresh runs {'identical' if one == two else 'DIFFER'}; "
        f"golden {'DIFFERS (make golden accepts an intended change)' if golden_problems else 'matches'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
