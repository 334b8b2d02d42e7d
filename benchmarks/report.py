"""Report rendering at scale: 500 studies and 1,500 evidence-table rows rendered to
HTML and PDF. Target: under 60 s here. Prints the figures.

Takes the embedded review's report context (run `make report` first) and repeats its
studies, evidence rows and references until the sizes are reached.

    .venv/bin/python benchmarks/report.py [CONTEXT_JSON]
"""

from __future__ import annotations

import copy
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workflow"))

from reviewflow.report.render import render_html, render_pdf  # noqa: E402

STUDIES, ROWS = 500, 1500


def enlarge(context: dict) -> dict:
    big = copy.deepcopy(context)
    studies = context["studies"]
    big["studies"] = [
        {
            **studies[i % len(studies)],
            "study_id": f"study-{i:03d}",
            "label": f"Study {i:03d} ({studies[i % len(studies)]['label']})",
        }
        for i in range(STUDIES)
    ]
    big["matrix"] = [
        {**context["matrix"][i % len(context["matrix"])], "study_id": f"study-{i:03d}"} for i in range(STUDIES)
    ]
    refs = context["references"]
    big["references"] = [{**refs[i % len(refs)], "number": i + 1, "study_id": f"study-{i:03d}"} for i in range(STUDIES)]
    big["publications_by_study"] = [
        {"study_id": s["study_id"], "label": s["label"], "references": [big["references"][i]]}
        for i, s in enumerate(big["studies"])
    ]
    per_kq = ROWS // len(big["key_questions"])
    for kq in big["key_questions"]:
        rows = [row for group in kq["groups"] for row in group["rows"]]
        grown = [
            {
                **rows[i % len(rows)],
                "study_id": f"study-{i % STUDIES:03d}",
                "label": big["studies"][i % STUDIES]["label"],
            }
            for i in range(per_kq)
        ]
        kq["groups"] = [{**kq["groups"][0], "rows": grown}]
        kq["n_comparisons"] = len(grown)
    return big


def main(path: str) -> int:
    context = enlarge(json.loads(Path(path).read_text(encoding="utf-8")))
    rows = sum(len(g["rows"]) for kq in context["key_questions"] for g in kq["groups"])
    started = time.perf_counter()
    html = render_html(context)
    html_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_pdf(html)
    pdf_s = time.perf_counter() - started
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"studies: {len(context['studies'])}; evidence-table rows: {rows}")
    print(
        f"HTML: {html_s:.1f} s ({len(html) / 1e6:.1f} MB); PDF: {pdf_s:.1f} s ({len(pdf) / 1e6:.1f} MB, {pages} pages)"
    )
    total = html_s + pdf_s
    print(f"total: {total:.1f} s (target < 60 s) -> {'met' if total < 60 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/report/context.json"))
