"""Scale: a generated review of 100,000 records from five databases, with realistic
duplication and noise, run end to end through the workflow. Prints wall time, and
time and peak memory per rule (from Snakemake's benchmark files). Target: < 10 min.

    .venv/bin/python benchmarks/scale.py [N_RECORDS] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATABASES = [
    ("medline.nbib", "Ovid MEDLINE", "medline"),
    ("embase.ris", "Embase", "ris"),
    ("psycinfo.ris", "PsycINFO", "ris"),
    ("cinahl.ris", "CINAHL", "ris"),
    ("central.ris", "CENTRAL", "ris"),
]
WORDS = (
    "pain management program chronic back trial randomised outcome function opioid primary care cohort effect "
    "multidisciplinary rehabilitation cognitive behavioural therapy exercise fibromyalgia disability quality life"
).split()


def articles(count: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(count):
        start = rng.randint(1, 2000)
        out.append(
            {
                "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + f" {i}",
                "authors": [
                    f"{rng.choice(WORDS).capitalize()}{rng.randint(1, 999)}, "
                    f"{rng.choice('ABCDEFGH')}{rng.choice('JKLMN')}"
                    for _ in range(rng.randint(1, 8))
                ],
                "year": str(rng.randint(1990, 2024)),
                "journal": f"Journal of {rng.choice(WORDS).title()} {rng.choice(WORDS).title()}",
                "volume": str(rng.randint(1, 90)),
                "issue": str(rng.randint(1, 12)),
                "pages": (start, start + rng.randint(3, 20)),
                "doi": f"10.{rng.randint(1000, 9999)}/scale.{i}" if rng.random() < 0.8 else "",
                "pmid": str(10_000_000 + i),
                "abstract": " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 200))),
            }
        )
    return out


def ris(article: dict, rng: random.Random) -> str:
    title = article["title"] + ("." if rng.random() < 0.5 else "")
    if rng.random() < 0.2:
        title = title.upper()
    lines = [
        "TY  - JOUR",
        f"TI  - {title}",
        *[f"AU  - {a}" for a in article["authors"]],
        f"PY  - {article['year']}",
        f"T2  - {article['journal']}",
        f"VL  - {article['volume']}",
        f"IS  - {article['issue']}",
        f"SP  - {article['pages'][0]}",
        f"EP  - {article['pages'][1]}",
        f"AB  - {article['abstract']}",
    ]
    if article["doi"] and rng.random() < 0.9:
        lines.append(f"DO  - https://doi.org/{article['doi']}" if rng.random() < 0.3 else f"DO  - {article['doi']}")
    return "\n".join(lines + ["ER  - ", ""])


def medline(article: dict) -> str:
    a = article
    lines = [
        f"PMID- {a['pmid']}",
        f"DP  - {a['year']}",
        f"TI  - {a['title']}.",
        *[f"AU  - {x.replace(',', '')}" for x in a["authors"]],
        f"TA  - {a['journal']}",
        f"VI  - {a['volume']}",
        f"IP  - {a['issue']}",
        f"PG  - {a['pages'][0]}-{a['pages'][1]}",
        f"AB  - {a['abstract']}",
    ]
    if a["doi"]:
        lines.append(f"AID - {a['doi']} [doi]")
    return "\n".join(lines) + "\n"


def make_review(folder: Path, count: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    unique = articles(int(count / 1.6), rng)  # about 37% of records are duplicates, as in multi-database searches
    batch = folder / "resources" / "scale" / "searches" / "2024-01-01"
    batch.mkdir(parents=True)
    per_db = count // len(DATABASES)
    decided = unique[: min(2040, per_db // 2)]  # in MEDLINE for sure, so screening can name them by PMID
    for file, _, fmt in DATABASES:
        chosen = (
            decided + rng.sample(unique[len(decided) :], per_db - len(decided))
            if fmt == "medline"
            else rng.sample(unique, per_db)
        )
        with open(batch / file, "w", encoding="utf-8") as handle:
            for article in chosen:
                handle.write((medline(article) if fmt == "medline" else ris(article, rng)) + "\n")
    included = decided[:40]
    review = folder / "resources" / "scale"
    with open(review / "screening.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["citation", "stage", "decision", "reason"])
        for article in included:
            writer.writerow([f"pmid:{article['pmid']}", "title_abstract", "include", ""])
            writer.writerow([f"pmid:{article['pmid']}", "full_text", "include", ""])
        for article in decided[40:]:
            writer.writerow([f"pmid:{article['pmid']}", "title_abstract", "exclude", ""])
    with (
        open(review / "studies.csv", "w", newline="") as s,
        open(review / "publications.csv", "w", newline="") as p,
        open(review / "arms.csv", "w", newline="") as a,
        open(review / "rob.csv", "w", newline="") as r,
    ):
        ws, wp, wa, wr = (csv.writer(x, lineterminator="\n") for x in (s, p, a, r))
        ws.writerow(["study_id", "label", "design", "program_type"])
        wp.writerow(["study_id", "citation", "primary"])
        wa.writerow(["study_id", "arm", "name", "arm_type", "n_randomised"])
        wr.writerow(["study_id", "overall"])
        for i, article in enumerate(included):
            study = f"study-{i:03d}"
            ws.writerow([study, f"Study {i} {article['year']}", "RCT", "CPMP"])
            wp.writerow([study, f"pmid:{article['pmid']}", "yes"])
            wa.writerow([study, "A", "Program", "CPMP", str(rng.randint(10, 200))])
            wa.writerow([study, "B", "Usual care", "usual care", str(rng.randint(10, 200))])
            wr.writerow([study, rng.choice(["Good", "Fair", "Poor"])])
    (review / "outcomes.csv").write_text("study_id,arms,domain,measure,timepoint,result\n")
    (review / "soe.csv").write_text("kq,comparison,outcome,grade\nKQ1,usual care or waitlist,Pain,Low\n")
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config["review"].update(id="scale", title="Scale benchmark review (generated)")
    config["resources"] = "resources/scale"
    config["studies"].pop("kq_overrides", None)
    config.pop("dedup", None)
    config["searches"] = [
        {
            "batch": "2024-01-01",
            "date_searched": "2024-01-01",
            "exports": [{"file": f, "database": d, "format": fmt} for f, d, fmt in DATABASES],
        }
    ]
    (folder / "config").mkdir()
    (folder / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--keep", help="run in this folder and keep it")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="reviewflow-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Snakefile", folder / "Snakefile")
    shutil.copytree(ROOT / "workflow", folder / "workflow", ignore=shutil.ignore_patterns("__pycache__"))
    started = time.perf_counter()
    make_review(folder, args.records)
    generated = time.perf_counter() - started
    snakemake = str(Path(sys.executable).parent / "snakemake")
    started = time.perf_counter()
    done = subprocess.run([snakemake, "--cores", "all", "--quiet"], cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-3000:])
        return 1
    print(f"records: {args.records} in {len(DATABASES)} databases (generated in {generated:.1f} s)")
    print(f"{'rule (job)':<44} {'seconds':>8} {'peak MB':>9}")
    for tsv in sorted((folder / "logs" / "benchmarks").rglob("*.tsv")):
        with open(tsv) as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        name = tsv.relative_to(folder / "logs" / "benchmarks").with_suffix("").as_posix()
        print(f"{name:<44} {float(row['s']):>8.1f} {float(row['max_rss']):>9.0f}")
    counts = json.loads((folder / "results" / "prisma" / "prisma.json").read_text())["prisma"]
    print(f"citations screened: {counts['screened']}; duplicates removed: {counts['removed_before_screening']}")
    print(f"end to end: {wall:.0f} s (target < 600 s) -> {'met' if wall < 600 else 'NOT met'}")
    if not args.keep:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
