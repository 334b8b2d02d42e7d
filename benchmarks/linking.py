"""How often the linking worksheet's suggestions put a publication in its own study.

Leave one out on a review's real grouping (default: the embedded review, 79 publications
of 57 trials): each publication in turn is taken out of its study, and the study index
built from all the others suggests where it belongs, as `studies/to_link.xlsx` would for
a new include. A publication of a study with other publications lands when the first
suggestion is its study (and is counted by the sign that put it there); the only
publication of a study is right when nothing is suggested (it is a new study).

    .venv/bin/python benchmarks/linking.py [config/<review>.yaml]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "workflow"))

from reviewflow.pipeline import run_review  # noqa: E402
from reviewflow.studies.linking import StudyIndex  # noqa: E402
from reviewflow.tables import CITATION_COLUMNS, read_csv  # noqa: E402


def measure(config: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("config", "resources"):
            shutil.copytree(ROOT / name, Path(folder) / name)
        here = os.getcwd()
        os.chdir(folder)
        try:
            layout = run_review(config, until="studies")
            citations = read_csv(layout.result("dedup/citations.csv"), CITATION_COLUMNS)
            links = read_csv(layout.result("studies/publications.csv"))[["study_id", "citation_id"]]
        finally:
            os.chdir(here)
    by_id = citations.set_index("citation_id", drop=False).to_dict("index")
    sizes = links["study_id"].value_counts()
    started = time.perf_counter()
    tally: Counter = Counter()
    for position, (study_id, citation_id) in enumerate(zip(links["study_id"], links["citation_id"])):
        index = StudyIndex(links.drop(links.index[position]), citations)
        offered = index.suggest(by_id[citation_id])
        if sizes[study_id] > 1:
            tally["of studies with others"] += 1
            if offered and offered[0].study_id == study_id:
                tally["first suggestion right"] += 1
                tally["sign: " + _sign(offered[0].why)] += 1
            elif any(s.study_id == study_id for s in offered):
                tally["among the three"] += 1
            elif offered:
                tally["wrong study suggested"] += 1
            else:
                tally["no suggestion"] += 1
        else:
            tally["only publication of its study"] += 1
            tally["new study: nothing suggested" if not offered else "new study: a study suggested"] += 1
    tally = Counter({k: v for k, v in tally.items() if v})
    return {
        "publications": len(links),
        "studies": int(sizes.size),
        "tally": tally,
        "seconds": time.perf_counter() - started,
    }


def _sign(why: str) -> str:
    for sign in ("registration", "first author", "title"):
        if sign in why:
            return sign
    return why


def main() -> None:
    config = sys.argv[1] if len(sys.argv) > 1 else "config/ipmp.yaml"
    result = measure(config)
    tally = result["tally"]
    print(f"{config}: {result['publications']} publications of {result['studies']} studies, leave one out")
    print(f"{'':44}{'count':>8}")
    for key in (
        "of studies with others",
        "first suggestion right",
        "sign: registration",
        "sign: first author",
        "sign: title",
        "among the three",
        "wrong study suggested",
        "no suggestion",
        "only publication of its study",
        "new study: nothing suggested",
        "new study: a study suggested",
    ):
        print(f"  {key:42}{tally.get(key, 0):>8}")
    landed = tally.get("first suggestion right", 0) + tally.get("new study: nothing suggested", 0)
    print(
        f"Landed in their trial's study from the suggestions alone: {landed} of {result['publications']} "
        f"({tally.get('first suggestion right', 0)} by the first suggestion, "
        f"{tally.get('new study: nothing suggested', 0)} new studies with none); {result['seconds']:.2f} s"
    )


if __name__ == "__main__":
    main()
