"""Contour-enhanced funnel plots as SVG: each study's effect (analysis scale: log for
ratios) against its standard error, the axis inverted so large studies sit at the top;
shaded regions where a study's result would be significant at p < 0.10, 0.05 and 0.01
around no effect (Peters et al. 2008), the pooled estimate's line, and the studies
trim and fill imputes drawn open. Written by hand like the forest plots, so that the
bytes depend on nothing but the numbers."""

from __future__ import annotations

import math
from html import escape

from scipy import stats

from .effects import RATIOS
from .forest import figure_svg, group_label, tick_text

WIDTH, HEIGHT = 460, 330
LEFT, TOP, PLOT_W, PLOT_H = 62, 34, 370, 240
SIGNIFICANT = "#b5b5b5"  # p < 0.01
# The triangle inside which p exceeds each level, widest first, and the shade of its band.
BANDS = ((0.01, "#cfcfcf"), (0.05, "#e4e4e4"), (0.10, "#ffffff"))


def funnel_plot(analysis: dict, yi: list[float], sei: list[float], filled: list[tuple[float, float]]) -> str:
    """analysis: a row of analyses.csv (its estimate on the natural scale); yi, sei: the
    pooled studies on the analysis scale; filled: (yi, sei) of the studies trim and fill
    adds."""
    ratio = analysis["measure"] in RATIOS
    centre = math.log(float(analysis["estimate"])) if ratio else float(analysis["estimate"])
    top_se = max([*sei, *(s for _, s in filled)]) * 1.08
    z_outer = float(stats.norm.ppf(1 - BANDS[0][0] / 2))
    reach = max([abs(y) for y in (*yi, *(f for f, _ in filled), centre)] + [z_outer * top_se]) * 1.05

    def x(value: float) -> float:
        return LEFT + (value + reach) / (2 * reach) * PLOT_W

    def y(se: float) -> float:
        return TOP + se / top_se * PLOT_H

    parts = []
    bottom = y(top_se)
    # p < 0.01 everywhere outside the widest triangle; each narrower one paints the next band
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="{SIGNIFICANT}"/>')
    for level, colour in BANDS:
        z = float(stats.norm.ppf(1 - level / 2))
        points = f"{x(0):.1f},{TOP:.1f} {x(z * top_se):.1f},{bottom:.1f} {x(-z * top_se):.1f},{bottom:.1f}"
        parts.append(f'<polygon points="{points}" fill="{colour}"/>')
    parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="none" stroke="#1d2731"/>')
    parts.append(
        f'<line x1="{x(centre):.1f}" y1="{TOP}" x2="{x(centre):.1f}" y2="{bottom:.1f}" stroke="#1d2731" '
        'stroke-dasharray="4 3"/>'
    )
    for value, se in zip(yi, sei):
        parts.append(f'<circle cx="{x(value):.1f}" cy="{y(se):.1f}" r="3.5" fill="#1d2731"/>')
    for value, se in filled:
        parts.append(f'<circle cx="{x(value):.1f}" cy="{y(se):.1f}" r="3.5" fill="#ffffff" stroke="#1d2731"/>')
    for fraction in (0, 0.25, 0.5, 0.75, 1):
        se = top_se * fraction
        parts.append(f'<text x="{LEFT - 6}" y="{y(se) + 4:.1f}" text-anchor="end">{tick_text(round(se, 2))}</text>')
    for fraction in (-1, -0.5, 0, 0.5, 1):
        value = reach * fraction
        shown = math.exp(value) if ratio else value
        parts.append(
            f'<text x="{x(value):.1f}" y="{bottom + 15:.1f}" text-anchor="middle">{tick_text(round(shown, 2))}</text>'
        )
    axis = f"{analysis['measure']}{' (log scale)' if ratio else ''}"
    parts.append(f'<text x="{LEFT + PLOT_W / 2:.1f}" y="{bottom + 32:.1f}" text-anchor="middle">{escape(axis)}</text>')
    parts.append(
        f'<text x="14" y="{TOP + PLOT_H / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + PLOT_H / 2:.1f})">Standard error</text>'
    )
    legend = "Shading: p < 0.10, 0.05, 0.01; open: filled in by trim and fill"
    parts.append(f'<text x="{LEFT}" y="20">{escape(legend)}</text>')
    title = (
        f"Funnel plot: {analysis['kq']}, {group_label(analysis)}, {analysis['outcome']}, {analysis['timepoint']}: "
        f"{len(yi)} studies, {len(filled)} filled in"
    )
    return figure_svg(WIDTH, HEIGHT, title, parts)
