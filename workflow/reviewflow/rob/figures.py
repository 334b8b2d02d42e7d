"""Risk-of-bias figures as SVG: the traffic-light plot and the summary bar plot.

Laid out from the text they hold, so that 80 studies with long labels stay
readable: labels wrap instead of overlapping, nothing is rotated, the width
grows with the domains, and a key spells out every domain.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from ..svg import wrap_words
from . import PALETTES, SYMBOLS, Tool

# The figures of each key question, by the name their file starts with.
FIGURE_KINDS = ("traffic_light", "summary", "summary_weighted")
CHAR = 6.4  # width of one character at 11px, generous for DejaVu Sans
ROW, CELL, PAD = 24, 40, 10
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="11"'


def _svg(width: float, height: float, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title><g {FONT} '
        f'fill="#1d2731">{body}</g></svg>\n'
    )


def _legend(tool: Tool, palette: dict, x: float, y: float) -> tuple[str, float]:
    parts, cx = [], x
    for judgement in tool.judgements:
        level = judgement["level"]
        parts.append(
            f'<circle cx="{cx + 8}" cy="{y}" r="7" fill="{palette[level]}" stroke="#555"/>'
            f'<text x="{cx + 8}" y="{y + 4}" text-anchor="middle" font-weight="bold">{SYMBOLS[level]}</text>'
            f'<text x="{cx + 20}" y="{y + 4}">{escape(judgement["label"])}</text>'
        )
        cx += 34 + CHAR * len(judgement["label"])
    return "".join(parts), cx - x


def traffic_light(rows: list[dict], tool: Tool, palette_name: str = "cochrane", title: str = "Risk of bias") -> str:
    """rows: {'label', 'domains': [labels in tool order], 'overall'}; one line of circles per row
    (no overall column for a tool without an overall rule: applicability concerns)."""
    palette = PALETTES[palette_name]
    overall = tool.overall.get("column", True)
    columns = [d["id"] for d in tool.domains] + (["Overall"] if overall else [])
    label_chars = min(max([len(r["label"]) for r in rows] + [12]), 44)
    label_w = label_chars * CHAR + PAD
    wrapped = [wrap_words(r["label"], label_chars) for r in rows]
    heights = [max(ROW, 14 * len(w) + 10) for w in wrapped]
    top = 34
    parts = [f'<text x="{PAD}" y="20" font-weight="bold">Study</text>']
    for index, name in enumerate(columns):
        parts.append(
            f'<text x="{label_w + index * CELL + CELL / 2}" y="20" text-anchor="middle" '
            f'font-weight="bold">{escape(name)}</text>'
        )
    y = top
    for row, lines, height in zip(rows, wrapped, heights):
        for number, text in enumerate(lines):
            parts.append(f'<text x="{PAD}" y="{y + 16 + number * 14}">{escape(text)}</text>')
        for index, judgement in enumerate([*row["domains"], *([row["overall"]] if overall else [])]):
            cx, cy = label_w + index * CELL + CELL / 2, y + height / 2
            if not judgement:
                parts.append(f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" fill="#8b1a1a">n/a</text>')
                continue
            level = tool.level(judgement)
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="9" fill="{palette[level]}" stroke="#555"/>'
                f'<text x="{cx}" y="{cy + 4}" text-anchor="middle" font-weight="bold">{SYMBOLS[level]}</text>'
            )
        parts.append(
            f'<line x1="{PAD}" x2="{label_w + len(columns) * CELL}" y1="{y + height}" y2="{y + height}" '
            f'stroke="#e3e7ea"/>'
        )
        y += height
    legend, legend_w = _legend(tool, palette, PAD, y + 22)
    parts.append(legend)
    y += 40
    key_w = 0.0
    for domain in tool.domains:
        text = f"{domain['id']}: {domain['long']}"
        parts.append(f'<text x="{PAD}" y="{y}">{escape(text)}</text>')
        key_w = max(key_w, CHAR * len(text))
        y += 15
    width = max(label_w + len(columns) * CELL + PAD, legend_w + 2 * PAD, key_w + 2 * PAD)
    return _svg(width, y + 6, title, "".join(parts))


def summary_bars(
    rows: list[dict],
    tool: Tool,
    palette_name: str = "cochrane",
    weights: list[float] | None = None,
    title: str = "Risk of bias summary",
) -> str:
    """Per domain (and overall) the share of studies at each judgement, optionally weighted."""
    palette = PALETTES[palette_name]
    items = [(f"{d['id']} {d['short']}", i) for i, d in enumerate(tool.domains)] + [("Overall", None)]
    weights = weights or [1.0] * len(rows)
    label_w = max(CHAR * max(len(name) for name, _ in items), 60) + PAD
    bar_w, parts, y = 420, [], 12
    for name, index in items:
        values = [(r["domains"][index] if index is not None else r["overall"]) for r in rows]
        total = sum(w for v, w in zip(values, weights) if v)
        parts.append(f'<text x="{PAD}" y="{y + 14}">{escape(name)}</text>')
        x = label_w
        for judgement in tool.labels:
            share = sum(w for v, w in zip(values, weights) if v == judgement) / total if total else 0
            if share:
                w = bar_w * share
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="18" '
                    f'fill="{palette[tool.level(judgement)]}" stroke="#555" stroke-width="0.5"/>'
                )
                if w > 30:
                    ink = (
                        "#ffffff"
                        if tool.level(judgement) in ("high", "critical") and palette_name == "cochrane"
                        else "#1d2731"
                    )
                    parts.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 13}" text-anchor="middle" '
                        f'fill="{ink}">{share * 100:.0f}%</text>'
                    )
                x += w
        y += 26
    for tick in range(0, 101, 25):
        tx = label_w + bar_w * tick / 100
        parts.append(f'<text x="{tx:.1f}" y="{y + 10}" text-anchor="middle" fill="#5b6670">{tick}%</text>')
    legend, legend_w = _legend(tool, palette, PAD, y + 32)
    parts.append(legend)
    width = max(label_w + bar_w + 2 * PAD, legend_w + 2 * PAD)
    return _svg(width, y + 46, title, "".join(parts))


ROWS_PER_PAGE = 18  # traffic-light rows that fit a landscape page with the header, legend and key


def traffic_light_parts(rows: list[dict], tool: Tool, palette: str, title: str) -> list[str]:
    """The traffic light in page-sized parts, each with its own header, legend and key,
    so a key question with many studies is never cut at the page foot."""
    chunks = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    if len(chunks) == 1:
        return [traffic_light(rows, tool, palette, title)]
    return [
        traffic_light(chunk, tool, palette, f"{title}, part {n} of {len(chunks)}")
        for n, chunk in enumerate(chunks, start=1)
    ]


def traffic_light_rows(tool: Tool, kq: str, studies: pd.DataFrame, evidence: pd.DataFrame, table: pd.DataFrame):
    """(rows of the KQ's traffic light, participants per row)."""
    ids = sorted(set(evidence.loc[evidence["kq"] == kq, "study_id"]))
    first = table.drop_duplicates("study_id").set_index("study_id")
    registry = studies.set_index("study_id")
    rows = []
    for study_id in ids:
        if study_id in first.index:
            assessed = first.loc[study_id]
            domains = [assessed[d["id"]] for d in tool.domains]
            rows.append({"label": assessed["label"], "domains": domains, "overall": assessed["overall"]})
        else:
            rows.append({"label": registry.at[study_id, "label"], "domains": [""] * len(tool.domains), "overall": ""})
    return rows, [float(registry["n_randomised"].get(s) or 0) for s in ids]


def kq_figures(
    tool: Tool, palette: str, kq: str, studies: pd.DataFrame, evidence: pd.DataFrame, table: pd.DataFrame
) -> dict[str, str]:
    """The three figures of one key question: traffic light, and summary bars by
    studies and by participants (unweighted when no study gives its size)."""
    rows, weights = traffic_light_rows(tool, kq, studies, evidence, table)
    return {
        f"traffic_light_{kq}": traffic_light(rows, tool, palette, f"{kq}: risk of bias of each study ({tool.name})"),
        f"summary_{kq}": summary_bars(rows, tool, palette, None, f"{kq}: share of studies at each judgement"),
        f"summary_weighted_{kq}": summary_bars(
            rows, tool, palette, weights if any(weights) else None, f"{kq}: share of participants at each judgement"
        ),
    }
