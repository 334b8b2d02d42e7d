"""The prisma stage's files: records, citations, screening status and studies in;
the flow's counts (JSON) and its diagram (SVG) out."""

from __future__ import annotations

from pathlib import Path

from .. import tables as t
from . import prisma_counts, prisma_svg


def prisma(inputs: dict[str, str], *, searches: list[dict], counts_out: str, svg_out: str) -> None:
    counts = prisma_counts(
        t.read_csv(inputs["records"], t.DEDUPED_RECORD_COLUMNS),
        t.read_csv(inputs["rejected"], t.REJECTED_COLUMNS),
        t.read_csv(inputs["citations"], t.CITATION_COLUMNS),
        t.read_csv(inputs["status"], t.STATUS_COLUMNS),
        t.read_csv(inputs["studies"]),
        t.read_csv(inputs["publications"], t.PUBLICATION_COLUMNS),
        searches,
    )
    t.write_json(counts, counts_out)
    Path(svg_out).write_text(prisma_svg(counts), encoding="utf-8")


def run(inputs: dict, outputs: dict, params: dict) -> None:
    prisma(inputs, searches=list(params["searches"]), counts_out=outputs["counts"], svg_out=outputs["svg"])
