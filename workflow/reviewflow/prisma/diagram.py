"""The PRISMA 2020 flow diagram for updated reviews, drawn as SVG from its counts."""

from __future__ import annotations

from html import escape

from ..svg import wrap_words

WIDTH, BOX_W, SIDE_W, GAP = 770, 330, 300, 22
LINE = 15


def _box(x: float, y: float, w: float, lines: list[str], fill: str = "#ffffff") -> tuple[str, float]:
    wrapped = [part for line in lines for part in wrap_words(line, int(w / 6.6))]
    h = 14 + LINE * len(wrapped)
    text = "".join(
        f'<text x="{x + 10}" y="{y + 20 + i * LINE}" class="{"b" if i == 0 else ""}">{escape(t)}</text>'
        for i, t in enumerate(wrapped)
    )
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="{fill}" stroke="#1f4e79"/>{text}', h


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#1f4e79" stroke-width="1.2" marker-end="url(#arrow)"/>'
    )


def prisma_svg(counts: dict) -> str:
    """The PRISMA 2020 flow diagram as a self-contained SVG: the template for updated
    reviews once a review has an earlier search, the one for new reviews before."""
    p = counts["prisma"]
    update = bool(p["previous_batches"])
    left, right = 34, 34 + BOX_W + 60
    parts, y = [], 10
    previous = ", ".join(p["previous_batches"]) or "none"
    y_prev_middle = 0.0
    if update:
        shape, h = _previous_box(p, left, y, previous)
        parts.append(shape)
        y_prev_middle = y + h / 2
        y += h + GAP
    by_db = [f"{d['database']} (n = {d['records']})" for d in p["identified"]["by_database"]]
    if p["identified"].get("without_title"):
        by_db.append(f"of which without a title, kept (n = {p['identified']['without_title']})")
    searched = f"search of {p['latest_batch']}" if update else "databases"
    shape, h_id = _box(left, y, BOX_W, [f"Records identified, {searched} (n = {p['identified']['total']})", *by_db])
    parts, y, y_prev = _screening_boxes(p, parts, shape, left, right, y, h_id, update)
    if update:
        shape, h = _box(
            left,
            y,
            BOX_W,
            [
                f"Total studies included in review (n = {p['total_studies']})",
                f"Reports of total included studies (n = {p['total_reports']})",
            ],
            "#cfe8cf",
        )
        parts += [shape, _arrow(left + BOX_W / 2, y_prev, left + BOX_W / 2, y)]
        # Previous studies join the total along the left margin, outside the boxes.
        parts.append(
            f'<path d="M {left} {y_prev_middle} H 14 V {y + h / 2} H {left}" stroke="#1f4e79" '
            'stroke-dasharray="4 3" fill="none" marker-end="url(#arrow)"/>'
        )
        y += h + GAP
    kind = f"the update search of {p['latest_batch']}" if update else "a new review"
    return _svg(y - GAP + 10, f"PRISMA 2020 flow diagram for {kind}", "".join(parts))


def _previous_box(p: dict, left: float, y: float, previous: str) -> tuple[str, float]:
    return _box(
        left,
        y,
        BOX_W,
        [
            "Previous studies",
            f"Studies included in previous version of review (n = {p['previous_studies']})",
            f"Reports of studies included in previous version of review (n = {p['previous_reports']})",
            f"Searches: {previous}",
        ],
        "#eef2f5",
    )


def _screening_boxes(
    p: dict, parts: list[str], shape: str, left: float, right: float, y: float, h_id: float, update: bool
) -> tuple[list[str], float, float]:
    """Identification to inclusion: the main column and its side boxes."""
    removed = p["removed_before_screening"]
    side, h_rm = _box(
        right,
        y,
        SIDE_W,
        [
            "Records removed before screening:",
            *(
                [f"Duplicates of records from earlier searches (n = {removed['duplicates_of_earlier_searches']})"]
                if update
                else []
            ),
            f"Duplicate records (n = {removed['duplicates_within_search']})"
            if not update
            else f"Duplicates within this search (n = {removed['duplicates_within_search']})",
            f"Unreadable records set aside (n = {removed['set_aside_unreadable']})",
            *(
                [f"Records marked as ineligible by automation tools (n = {automated})"]
                if (automated := removed.get("marked_ineligible_by_automation", 0))
                else []
            ),
        ],
    )
    parts += [shape, side, _arrow(left + BOX_W, y + h_id / 2, right, y + h_id / 2)]
    excluded = [f"{e['reason']} (n = {e['count']})" for e in p["eligibility"]["excluded"]] or ["none (n = 0)"]
    rows = [
        (
            [
                "Records screened",
                f"(n = {p['screened']})",
                *([f"Not screened yet (n = {waiting})"] if (waiting := p["screening"]["awaiting"]) else []),
            ],
            [
                "Records excluded",
                f"(n = {p['screening']['excluded']})",
                *(
                    [f"Awaiting resolution of votes (n = {split})"]
                    if (split := p["screening"].get("awaiting_resolution", 0))
                    else []
                ),
            ],
        ),
        (
            ["Reports sought for retrieval", f"(n = {p['screening']['sought']})"],
            [
                "Reports not retrieved",
                f"(n = {p['retrieval']['not_retrieved']})",
                f"Awaiting retrieval or decision (n = {p['retrieval']['awaiting']})",
            ],
        ),
        (
            ["Reports assessed for eligibility", f"(n = {p['retrieval']['assessed']})"],
            ["Reports excluded:", *excluded, f"Undecided (n = {p['eligibility']['undecided']})"],
        ),
        (_included(p, update), None),
    ]
    y_prev = y + h_id
    y += max(h_id, h_rm) + GAP
    for main, aside in rows:
        shape, h_main = _box(left, y, BOX_W, main, "#ffffff" if aside else "#e8f1e8")
        parts += [shape, _arrow(left + BOX_W / 2, y_prev, left + BOX_W / 2, y)]
        h = h_main
        if aside:
            side, h_side = _box(right, y, SIDE_W, aside)
            parts += [side, _arrow(left + BOX_W, y + h_main / 2, right, y + h_main / 2)]
            h = max(h_main, h_side)
        y_prev = y + h_main
        y += h + GAP
    return parts, y, y_prev


def _included(p: dict, update: bool) -> list[str]:
    if not update:
        return [
            f"Studies included in review (n = {p['new_studies']})",
            f"Reports of included studies (n = {p['new_reports']['of_new_studies']})",
        ]
    return [
        f"New studies included in review (n = {p['new_studies']})",
        f"Reports of new included studies (n = {p['new_reports']['of_new_studies']})",
        f"New reports of previously included studies (n = {p['new_reports']['of_previous_studies']})",
    ]


def _svg(height: float, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" '
        f'aria-labelledby="prisma-title"><title id="prisma-title">{escape(title)}</title>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#1f4e79"/></marker>'
        '<style>text{font-family:"DejaVu Sans",Arial,sans-serif;font-size:11px;fill:#1d2731}'
        ".b{font-weight:bold}</style></defs>" + body + "</svg>\n"
    )
