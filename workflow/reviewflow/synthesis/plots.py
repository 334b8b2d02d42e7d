"""The pictures of what pooling gives further, as SVG whose bytes depend only on the
numbers (like the forest and funnel plots): a leave-one-out plot (the pooled estimate
without each study in turn), a subgroup forest plot (each level's studies under its own
diamond, the test for subgroup differences beneath) and a bubble plot of a
meta-regression (each study's effect against the covariate, sized by its weight, with
the fitted line). Estimates come on the analysis scale (log for ratios) and are labelled
on the measure's own scale."""

from __future__ import annotations

import math
from html import escape

from .effects import RATIOS
from .forest import figure_svg, number

ROW, TOP, LABEL_W, PLOT_W, TEXT_W = 16, 40, 220, 260, 150
WIDTH = LABEL_W + PLOT_W + TEXT_W + 24


def _shown(measure: str, value: float) -> float:
    return math.exp(value) if measure in RATIOS else value


def interval_plot(title: str, measure: str, rows: list[dict], footer: str = "") -> str:
    """Rows of {label, estimate, ci_low, ci_high, kind}: 'study' (a square and its CI),
    'summary' (a diamond) or 'heading' (a label alone)."""
    values = [v for r in rows if r["kind"] != "heading" for v in (r["ci_low"], r["ci_high"])] + [0.0]
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or 0.5
    low, high = low - pad, high + pad

    def x(value: float) -> float:
        return LABEL_W + (value - low) / (high - low) * PLOT_W

    parts, y = [], TOP
    bottom = TOP + ROW * len(rows)
    parts.append(f'<line x1="{x(0):.1f}" y1="{TOP - 8}" x2="{x(0):.1f}" y2="{bottom:.1f}" stroke="#1d2731"/>')
    for row in rows:
        mid = y + ROW / 2
        weight = "bold" if row["kind"] != "study" else "normal"
        parts.append(f'<text x="8" y="{mid + 4:.1f}" font-weight="{weight}">{escape(row["label"][:38])}</text>')
        if row["kind"] == "study":
            parts.append(
                f'<line x1="{x(row["ci_low"]):.1f}" y1="{mid:.1f}" x2="{x(row["ci_high"]):.1f}" y2="{mid:.1f}" '
                'stroke="#1d2731"/>'
                f'<rect x="{x(row["estimate"]) - 3:.1f}" y="{mid - 3:.1f}" width="6" height="6"/>'
            )
        elif row["kind"] == "summary":
            points = (
                f"{x(row['ci_low']):.1f},{mid:.1f} {x(row['estimate']):.1f},{mid - 5:.1f} "
                f"{x(row['ci_high']):.1f},{mid:.1f} {x(row['estimate']):.1f},{mid + 5:.1f}"
            )
            parts.append(f'<polygon points="{points}" fill="#2f6690"/>')
        if row["kind"] != "heading":
            text = (
                f"{number(_shown(measure, row['estimate']))} ({number(_shown(measure, row['ci_low']))} to "
                f"{number(_shown(measure, row['ci_high']))})"
            )
            parts.append(f'<text x="{LABEL_W + PLOT_W + 12}" y="{mid + 4:.1f}">{text}</text>')
        y += ROW
    scale = f"{measure}{' (log scale)' if measure in RATIOS else ''}"
    parts.append(f'<text x="{x(0):.1f}" y="{TOP - 14}" text-anchor="middle">no effect</text>')
    parts.append(
        f'<text x="{LABEL_W + PLOT_W / 2:.1f}" y="{bottom + 16:.1f}" text-anchor="middle">{escape(scale)}</text>'
    )
    if footer:
        parts.append(f'<text x="8" y="{bottom + 34:.1f}">{escape(footer)}</text>')
    return figure_svg(WIDTH, bottom + (44 if footer else 26), title, parts)


def bubble_plot(title: str, measure: str, covariate: str, points: list[tuple[float, float, float]], fit) -> str:
    """points: (covariate value, yi, vi); fit: (intercept, slope) on the analysis scale."""
    width, height, left, top, plot_w, plot_h = 460, 320, 62, 20, 370, 240
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_low, x_high = min(xs), max(xs)
    x_pad = (x_high - x_low) * 0.08 or 1.0
    x_low, x_high = x_low - x_pad, x_high + x_pad
    y_low, y_high = min(ys + [0.0]), max(ys + [0.0])
    y_pad = (y_high - y_low) * 0.1 or 0.5
    y_low, y_high = y_low - y_pad, y_high + y_pad

    def x(value: float) -> float:
        return left + (value - x_low) / (x_high - x_low) * plot_w

    def y(value: float) -> float:
        return top + (y_high - value) / (y_high - y_low) * plot_h

    biggest = max(1 / p[2] for p in points)
    parts = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#1d2731"/>']
    parts.append(
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{left + plot_w}" y2="{y(0):.1f}" stroke="#8a949c" '
        'stroke-dasharray="4 3"/>'
    )
    for value, effect, variance in points:
        radius = 3 + 9 * math.sqrt((1 / variance) / biggest)
        parts.append(
            f'<circle cx="{x(value):.1f}" cy="{y(effect):.1f}" r="{radius:.1f}" fill="#2f6690" fill-opacity="0.45" '
            'stroke="#1d2731"/>'
        )
    intercept, slope = fit
    parts.append(
        f'<line x1="{x(x_low):.1f}" y1="{y(intercept + slope * x_low):.1f}" x2="{x(x_high):.1f}" '
        f'y2="{y(intercept + slope * x_high):.1f}" stroke="#1d2731" stroke-width="1.5"/>'
    )
    for fraction in (0, 0.5, 1):
        value = x_low + (x_high - x_low) * fraction
        parts.append(f'<text x="{x(value):.1f}" y="{top + plot_h + 15}" text-anchor="middle">{number(value)}</text>')
        level = y_low + (y_high - y_low) * fraction
        parts.append(
            f'<text x="{left - 6}" y="{y(level) + 4:.1f}" text-anchor="end">{number(_shown(measure, level))}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 32}" text-anchor="middle">{escape(covariate)}</text>'
    )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" text-anchor="middle" transform="rotate(-90 14 {middle:.1f})">'
        f"{escape(measure)}</text>"
    )
    return figure_svg(width, height, title, parts)
