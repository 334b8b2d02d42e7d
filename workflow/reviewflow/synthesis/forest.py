"""Forest plots as SVG, laid out from what they hold: one row per study (label wrapped,
its risk-of-bias judgement, participants, estimate with CI and weight), the pooled
diamond with its prediction interval, and a heterogeneity line. Ratios on a log axis.
Written by hand, like the risk-of-bias figures, so that the bytes depend on nothing but
the numbers (no font metrics or renderer versions) and 40 studies with long labels
stay readable at print size."""

from __future__ import annotations

import math
from html import escape

import pandas as pd

from ..rob import PALETTES, SYMBOLS
from ..svg import wrap_words
from .effects import RATIOS

CHAR = 6.4
LINE = 14
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="11"'
LABEL_CHARS = 34
X_LABEL, X_ROB, X_N, X_PLOT, PLOT_W = 8, 240, 262, 318, 250
X_TEXT = X_PLOT + PLOT_W + 12
X_WEIGHT = X_TEXT + 150
WIDTH = X_WEIGHT + 56


def number(value, places: int = 2) -> str:
    """A number as readers see it in figures and tables: fixed decimals, a true minus sign."""
    return f"{float(value):.{places}f}".replace("-", "\u2212")


def _ticks(low: float, high: float, ratio: bool) -> list[float]:
    if ratio:
        steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        inside = [s for s in steps if low <= s <= high]
        return inside if len(inside) <= 7 else inside[::2]
    span = high - low
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    count = int(math.floor((high - first) / step + 1e-9)) + 1
    return [round(first + i * step, 10) for i in range(count)]


def forest_plot(
    analysis: dict,
    studies: list[dict],
    judgements: dict[str, tuple[str, str]],
    palette_name: str,
    sides: tuple[str, str],
    dagger: str = "\u2020",
) -> str:
    """analysis: a row of analyses.csv; studies: its pooled rows of estimates.csv (natural
    scale), as a frame or a list of dicts; judgements: study_id -> (label, level); sides:
    what each side of no effect favours, left first. The rows are read as columns, so a
    plot of thousands of studies builds no dict per row."""
    ratio = analysis["measure"] in RATIOS
    scale = math.log if ratio else (lambda v: v)
    column = _columns(studies, STUDY_FIELDS)
    estimates, lows, highs = ([float(v) for v in column[k]] for k in ("estimate", "ci_low", "ci_high"))
    values = [*lows, *highs]
    pooled = analysis["estimate"] != "" and int(analysis["k"]) > 1
    if pooled:
        values += [float(analysis[k]) for k in ("ci_low", "ci_high")]
        if analysis.get("pi_low", ""):
            values += [float(analysis["pi_low"]), float(analysis["pi_high"])]
    null = 1.0 if ratio else 0.0
    low, high = scale(min(values + [null])), scale(max(values + [null]))
    pad = (high - low) * 0.05 or 1.0
    low, high = low - pad, high + pad
    ticks = _ticks(math.exp(low) if ratio else low, math.exp(high) if ratio else high, ratio)

    def x(value: float) -> float:
        v = min(max(scale(value), low), high)
        return X_PLOT + (v - low) / (high - low) * PLOT_W

    parts = [
        f'<text x="{X_LABEL}" y="16" font-weight="bold">Study</text>',
        f'<text x="{X_ROB + 8}" y="16" font-weight="bold" text-anchor="middle">RoB</text>',
        f'<text x="{X_N + 40}" y="16" font-weight="bold" text-anchor="end">n</text>',
        f'<text x="{X_TEXT}" y="16" font-weight="bold">{escape(analysis["measure"])} (95% CI)</text>',
        f'<text x="{X_WEIGHT + 48}" y="16" font-weight="bold" text-anchor="end">Weight</text>',
    ]
    y = _study_rows(parts, column, judgements, PALETTES[palette_name], dagger, x, 28)
    top = 22
    if pooled:
        y = _pooled_rows(parts, analysis, dagger, x, y)
    bottom = y + 4
    axis = _axis(x, null, ticks, sides, top, bottom)
    height = bottom + 40
    title = (
        f"Forest plot: {analysis['kq']}, {group_label(analysis)}, {analysis['outcome']}, {analysis['timepoint']}: "
        f"{analysis['measure']} of {len(estimates)} {'study' if len(estimates) == 1 else 'studies'}"
    )
    return figure_svg(WIDTH, height, title, [*axis, *parts])


def _study_rows(parts: list[str], column: dict, judgements: dict, palette: dict, dagger: str, x, y: float) -> float:
    """Each study's row (label, RoB, n, estimate and CI, weight) added to parts; returns
    where the next row starts."""
    estimates, lows, highs = ([float(v) for v in column[k]] for k in ("estimate", "ci_low", "ci_high"))
    weights = [float(v or 0) for v in column["weight"]]
    total_weight = sum(weights) or 1.0
    rows = zip(column["study_id"], column["label"], column["illustrative"], column["participants"])
    for (study_id, name, marked, participants), estimate, ci_low, ci_high, weight in zip(
        rows, estimates, lows, highs, weights
    ):
        lines = wrap_words(name + (f" {dagger}" if marked else ""), LABEL_CHARS)
        height = max(LINE + 6, LINE * len(lines) + 6)
        mid = y + height / 2
        for i, line in enumerate(lines):
            parts.append(f'<text x="{X_LABEL}" y="{y + 12 + i * LINE:.0f}">{escape(line)}</text>')
        label, level = judgements.get(study_id, ("not assessed", ""))
        if level:
            parts.append(
                f'<circle cx="{X_ROB + 8}" cy="{mid:.1f}" r="6" fill="{palette[level]}" stroke="#555">'
                f"<title>{escape(label)}</title></circle>"
                f'<text x="{X_ROB + 8}" y="{mid + 4:.1f}" text-anchor="middle" font-size="9" '
                f'font-weight="bold">{SYMBOLS[level]}</text>'
            )
        else:
            parts.append(f'<text x="{X_ROB + 8}" y="{mid + 4:.1f}" text-anchor="middle">?</text>')
        parts.append(f'<text x="{X_N + 40}" y="{mid + 4:.1f}" text-anchor="end">{participants}</text>')
        side = 3 + 7 * math.sqrt(weight / total_weight)
        parts.append(
            f'<line x1="{x(ci_low):.1f}" y1="{mid:.1f}" x2="{x(ci_high):.1f}" y2="{mid:.1f}" stroke="#1d2731"/>'
            f'<rect x="{x(estimate) - side / 2:.1f}" y="{mid - side / 2:.1f}" width="{side:.1f}" '
            f'height="{side:.1f}" fill="#33506b"/>'
            f'<text x="{X_TEXT}" y="{mid + 4:.1f}">{number(estimate)} ({number(ci_low)} to {number(ci_high)})</text>'
            f'<text x="{X_WEIGHT + 48}" y="{mid + 4:.1f}" text-anchor="end">{weight:.1f}%</text>'
        )
        y += height
    return y


def _pooled_rows(parts: list[str], analysis: dict, dagger: str, x, y: float) -> float:
    """The pooled diamond, the prediction interval and the heterogeneity line added to
    parts; returns where the axis goes."""
    y += 6
    mid = y + 10
    estimate, ci_low, ci_high = (float(analysis[k]) for k in ("estimate", "ci_low", "ci_high"))
    label = f"Pooled, {analysis['method']}" + (f" {dagger}" if analysis.get("illustrative") else "")
    parts.append(
        f'<text x="{X_LABEL}" y="{mid + 4:.1f}" font-weight="bold">{escape(label)}</text>'
        f'<text x="{X_N + 40}" y="{mid + 4:.1f}" text-anchor="end" font-weight="bold">'
        f"{analysis.get('participants', '')}</text>"
        f'<polygon points="{x(ci_low):.1f},{mid:.1f} {x(estimate):.1f},{mid - 6:.1f} {x(ci_high):.1f},{mid:.1f} '
        f'{x(estimate):.1f},{mid + 6:.1f}" fill="#1d2731"/>'
        f'<text x="{X_TEXT}" y="{mid + 4:.1f}" font-weight="bold">{number(estimate)} ({number(ci_low)} to '
        f"{number(ci_high)})</text>"
        f'<text x="{X_WEIGHT + 48}" y="{mid + 4:.1f}" text-anchor="end" font-weight="bold">100%</text>'
    )
    y += 26
    if analysis.get("pi_low", ""):
        pi_low, pi_high = float(analysis["pi_low"]), float(analysis["pi_high"])
        parts.append(
            f'<line x1="{x(pi_low):.1f}" y1="{y:.1f}" x2="{x(pi_high):.1f}" y2="{y:.1f}" stroke="#1d2731" '
            f'stroke-dasharray="4 3"/>'
            f'<text x="{X_LABEL}" y="{y + 4:.1f}">Prediction interval</text>'
            f'<text x="{X_TEXT}" y="{y + 4:.1f}">({number(pi_low)} to {number(pi_high)})</text>'
        )
        y += 10
    i2 = float(analysis["i2"])
    q_p = float(analysis["q_p"])
    p_text = "< 0.001" if q_p < 0.001 else f"= {q_p:.3f}"
    parts.append(
        f'<text x="{X_LABEL}" y="{y + 12:.1f}">Heterogeneity: \u03c4\u00b2 = {float(analysis["tau2"]):.3g}; '
        f"I\u00b2 = {i2:.0f}%; Q = {float(analysis['q']):.2f} (df = {int(analysis['k']) - 1}), "
        f"p {p_text}</text>"
    )
    return y + 18


def _axis(x, null: float, ticks: list[float], sides: tuple[str, str], top: float, bottom: float) -> list[str]:
    """The line of no effect, the axis with its ticks, and what each side favours."""
    axis = [
        f'<line x1="{x(null):.1f}" y1="{top}" x2="{x(null):.1f}" y2="{bottom}" stroke="#777"/>',
        f'<line x1="{X_PLOT}" y1="{bottom}" x2="{X_PLOT + PLOT_W}" y2="{bottom}" stroke="#1d2731"/>',
    ]
    for tick in ticks:
        axis.append(
            f'<line x1="{x(tick):.1f}" y1="{bottom}" x2="{x(tick):.1f}" y2="{bottom + 4}" stroke="#1d2731"/>'
            f'<text x="{x(tick):.1f}" y="{bottom + 15}" text-anchor="middle">{tick_text(tick)}</text>'
        )
    left, right = sides
    axis.append(
        f'<text x="{x(null) - 6:.1f}" y="{bottom + 30}" text-anchor="end">\u2190 {escape(left)}</text>'
        f'<text x="{x(null) + 6:.1f}" y="{bottom + 30}">{escape(right)} \u2192</text>'
    )
    return axis


STUDY_FIELDS = ("study_id", "label", "illustrative", "participants", "estimate", "ci_low", "ci_high", "weight")


def _columns(studies, fields: tuple[str, ...]) -> dict[str, list]:
    """The named fields of the study rows as lists ('' where a row lacks one)."""
    if isinstance(studies, pd.DataFrame):
        return {
            f: studies[f].astype(object).fillna("").tolist() if f in studies else [""] * len(studies) for f in fields
        }
    return {f: [s.get(f, "") for s in studies] for f in fields}


def group_label(analysis: dict) -> str:
    """The comparison of an analysis, with its intervention where it has one."""
    return analysis["kq_group"] + (f" ({analysis['intervention']})" if analysis.get("intervention") else "")


def figure_svg(width: float, height: float, title: str, parts: list[str]) -> str:
    """A figure's SVG document: its size, its title for screen readers, its drawing."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<g {FONT} fill="#1d2731">{"".join(parts)}</g></svg>\n'
    )


def tick_text(value: float) -> str:
    text = f"{value:g}"
    return text.replace("-", "\u2212")
