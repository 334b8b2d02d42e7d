"""Pictures of a diagnostic accuracy analysis (accuracy.meta_dta's result) as SVG, drawn
by hand like the forest plots so that the bytes depend on nothing but the numbers:

- the paired forest plot: each study's 2x2 table, sensitivity and specificity with exact
  limits side by side, the summary estimates at the foot;
- the SROC plot in ROC space (false positive rate across, sensitivity up): studies as
  circles sized by participants, the summary point, its confidence region (solid) and
  prediction region (dashed), and the HSROC curve drawn over the false positive rates the
  studies span, as RevMan and mada draw it.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from ..errors import ReviewflowError
from ..svg import wrap_words
from .accuracy import COUNTS, sroc_curve
from .forest import LINE, figure_svg, number

SORTS = ("as given", "sensitivity", "specificity", "study")
LABEL_CHARS = 28
X_LABEL, X_COUNTS, X_SENS_TEXT, X_SENS, X_SPEC_TEXT, X_SPEC, PANEL = 8, 190, 330, 440, 590, 700, 140
FOREST_WIDTH = X_SPEC + PANEL + 16


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    if sort not in SORTS:
        raise ReviewflowError(f"unknown order '{sort}' of studies; allowed: {', '.join(SORTS)}")
    if sort == "as given":
        return rows
    if sort == "study":
        return sorted(rows, key=lambda row: row["study"])
    return sorted(rows, key=lambda row: (row[sort], row["study"]))


def paired_forest(result: dict, sort: str = "as given", title: str = "") -> str:
    """Sensitivity and specificity of each study beside each other, on axes from 0 to 1."""
    parts = [
        f'<text x="{X_LABEL}" y="16" font-weight="bold">Study</text>',
        *(
            f'<text x="{X_COUNTS + 32 * (i + 1)}" y="16" font-weight="bold" text-anchor="end">{name.upper()}</text>'
            for i, name in enumerate(COUNTS)
        ),
        f'<text x="{X_SENS_TEXT}" y="16" font-weight="bold">Sensitivity (95% CI)</text>',
        f'<text x="{X_SPEC_TEXT}" y="16" font-weight="bold">Specificity (95% CI)</text>',
    ]
    y = 28
    for row in _sorted(result["per_study"], sort):
        lines = wrap_words(row["study"], LABEL_CHARS)
        height = max(LINE + 6, LINE * len(lines) + 6)
        mid = y + height / 2
        for i, line in enumerate(lines):
            parts.append(f'<text x="{X_LABEL}" y="{y + 12 + i * LINE:.0f}">{escape(line)}</text>')
        for i, name in enumerate(COUNTS):
            parts.append(f'<text x="{X_COUNTS + 32 * (i + 1)}" y="{mid + 4:.1f}" text-anchor="end">{row[name]}</text>')
        for name, short, x_text, x_panel in (
            ("sensitivity", "sens", X_SENS_TEXT, X_SENS),
            ("specificity", "spec", X_SPEC_TEXT, X_SPEC),
        ):
            low, estimate, high = row[f"{short}_ci_low"], row[name], row[f"{short}_ci_high"]
            parts.append(
                f'<text x="{x_text}" y="{mid + 4:.1f}">{number(estimate)} ({number(low)} to {number(high)})</text>'
                f'<line x1="{x_panel + low * PANEL:.1f}" y1="{mid:.1f}" x2="{x_panel + high * PANEL:.1f}" '
                f'y2="{mid:.1f}" stroke="#1d2731"/>'
                f'<rect x="{x_panel + estimate * PANEL - 3:.1f}" y="{mid - 3:.1f}" width="6" height="6" '
                'fill="#33506b"/>'
            )
        y += height
    y += 6
    mid = y + 10
    label = "Summary" + (" (bivariate)" if result["model"] == "bivariate" else " (pooled apart)")
    parts.append(f'<text x="{X_LABEL}" y="{mid + 4:.1f}" font-weight="bold">{label}</text>')
    for name, x_text, x_panel in (("sensitivity", X_SENS_TEXT, X_SENS), ("specificity", X_SPEC_TEXT, X_SPEC)):
        low, estimate, high = (result[name][k] for k in ("ci_low", "estimate", "ci_high"))
        parts.append(
            f'<text x="{x_text}" y="{mid + 4:.1f}" font-weight="bold">{number(estimate)} ({number(low)} to '
            f"{number(high)})</text>"
            f'<polygon points="{x_panel + low * PANEL:.1f},{mid:.1f} {x_panel + estimate * PANEL:.1f},{mid - 6:.1f} '
            f'{x_panel + high * PANEL:.1f},{mid:.1f} {x_panel + estimate * PANEL:.1f},{mid + 6:.1f}" fill="#1d2731"/>'
        )
    bottom = mid + 14
    for x_panel in (X_SENS, X_SPEC):
        parts.append(
            f'<line x1="{x_panel}" y1="{bottom}" x2="{x_panel + PANEL}" y2="{bottom}" stroke="#1d2731"/>'
            f'<line x1="{x_panel}" y1="22" x2="{x_panel}" y2="{bottom}" stroke="#bbb"/>'
        )
        for tick in (0, 0.2, 0.4, 0.6, 0.8, 1):
            xt = x_panel + tick * PANEL
            parts.append(
                f'<line x1="{xt:.1f}" y1="{bottom}" x2="{xt:.1f}" y2="{bottom + 4}" stroke="#1d2731"/>'
                f'<text x="{xt:.1f}" y="{bottom + 15}" text-anchor="middle">{tick:g}</text>'
            )
    name = title or f"Paired forest plot: sensitivity and specificity of {result['k']} studies"
    return figure_svg(FOREST_WIDTH, bottom + 26, name, parts)


SIZE, LEFT, TOP = 300, 58, 34
SROC_WIDTH, SROC_HEIGHT = LEFT + SIZE + 200, TOP + SIZE + 46


def _x(fpr: float) -> float:
    return LEFT + fpr * SIZE


def _y(sensitivity: float) -> float:
    return TOP + (1 - sensitivity) * SIZE


def _path(points: list[list[float]]) -> str:
    return "M" + " L".join(f"{_x(fpr):.1f},{_y(sens):.1f}" for fpr, sens in points) + " Z"


def sroc_plot(result: dict, title: str = "") -> str:
    """The SROC plot of an analysis: studies, summary point, regions and HSROC curve."""
    parts = [f'<rect x="{LEFT}" y="{TOP}" width="{SIZE}" height="{SIZE}" fill="none" stroke="#1d2731"/>']
    for tick in (0, 0.2, 0.4, 0.6, 0.8, 1):
        parts.append(
            f'<line x1="{_x(tick):.1f}" y1="{TOP + SIZE}" x2="{_x(tick):.1f}" y2="{TOP + SIZE + 4}" stroke="#1d2731"/>'
            f'<text x="{_x(tick):.1f}" y="{TOP + SIZE + 16}" text-anchor="middle">{tick:g}</text>'
            f'<line x1="{LEFT - 4}" y1="{_y(tick):.1f}" x2="{LEFT}" y2="{_y(tick):.1f}" stroke="#1d2731"/>'
            f'<text x="{LEFT - 7}" y="{_y(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    parts.append(
        f'<text x="{LEFT + SIZE / 2:.0f}" y="{TOP + SIZE + 34}" text-anchor="middle">1 \u2212 specificity '
        "(false positive rate)</text>"
        f'<text x="16" y="{TOP + SIZE / 2:.0f}" text-anchor="middle" transform="rotate(-90 16 {TOP + SIZE / 2:.0f})">'
        "Sensitivity</text>"
    )
    studies = result["per_study"]
    largest = max(row["tp"] + row["fp"] + row["fn"] + row["tn"] for row in studies)
    for row in sorted(studies, key=lambda r: -(r["tp"] + r["fp"] + r["fn"] + r["tn"])):  # small ones on top
        n = row["tp"] + row["fp"] + row["fn"] + row["tn"]
        radius = 2.5 + 7.5 * math.sqrt(n / largest)
        parts.append(
            f'<circle cx="{_x(1 - row["specificity"]):.1f}" cy="{_y(row["sensitivity"]):.1f}" r="{radius:.1f}" '
            f'fill="#9db4c8" fill-opacity="0.6" stroke="#33506b">'
            f"<title>{escape(row['study'])}: n = {n}</title></circle>"
        )
    legend = []
    if result.get("prediction_region"):
        parts.append(
            f'<path d="{_path(result["prediction_region"])}" fill="none" stroke="#1d2731" stroke-dasharray="5 3"/>'
        )
        legend.append(("dash", "95% prediction region"))
    parts.append(f'<path d="{_path(result["confidence_region"])}" fill="none" stroke="#1d2731"/>')
    legend.append(("line", "95% confidence region"))
    if result.get("hsroc"):
        # over the studies' false positive rates as analysed: 1/2 added where a cell is 0
        fprs = [_corrected_fpr(row) for row in studies]
        grid = 1 / (1 + np.exp(-np.linspace(_logit(min(fprs)), _logit(max(fprs)), 60)))
        sens = sroc_curve(result["hsroc"], grid)
        curve = " L".join(f"{_x(f):.1f},{_y(s):.1f}" for f, s in zip(grid, sens))
        parts.append(f'<path d="M{curve}" fill="none" stroke="#8a3b12" stroke-width="2"/>')
        legend.append(("curve", "HSROC curve"))
    summary_x, summary_y = _x(1 - result["specificity"]["estimate"]), _y(result["sensitivity"]["estimate"])
    parts.append(f'<rect x="{summary_x - 4.5:.1f}" y="{summary_y - 4.5:.1f}" width="9" height="9" fill="#1d2731"/>')
    legend = [("point", "Summary point"), ("circle", "Study (size: participants)"), *legend]
    for i, (kind, text) in enumerate(legend):
        y = TOP + 10 + i * 18
        x = LEFT + SIZE + 14
        mark = {
            "point": f'<rect x="{x}" y="{y - 4.5}" width="9" height="9" fill="#1d2731"/>',
            "circle": f'<circle cx="{x + 4.5}" cy="{y}" r="4.5" fill="#9db4c8" stroke="#33506b"/>',
            "line": f'<line x1="{x - 2}" y1="{y}" x2="{x + 12}" y2="{y}" stroke="#1d2731"/>',
            "dash": f'<line x1="{x - 2}" y1="{y}" x2="{x + 12}" y2="{y}" stroke="#1d2731" stroke-dasharray="5 3"/>',
            "curve": f'<line x1="{x - 2}" y1="{y}" x2="{x + 12}" y2="{y}" stroke="#8a3b12" stroke-width="2"/>',
        }[kind]
        parts.append(mark + f'<text x="{x + 18}" y="{y + 4}">{escape(text)}</text>')
    note = "" if result["model"] == "bivariate" else "; pooled apart: " + (result.get("reason") or "")
    name = title or f"SROC plot of {result['k']} studies{note}"
    parts.append(f'<text x="{LEFT}" y="20">{escape(_short(name))}</text>')
    return figure_svg(SROC_WIDTH, SROC_HEIGHT, name, parts)


def _corrected_fpr(row: dict) -> float:
    fp, tn = row["fp"], row["tn"]
    return (fp + 0.5) / (fp + tn + 1) if fp == 0 or tn == 0 else fp / (fp + tn)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
