"""The composed cells of the evidence tables: population, delivery and outcomes,
each illustrative part marked."""

from __future__ import annotations

from ..marks import is_illustrative, joined


def outcome_columns_by_domain(vocabulary: dict) -> dict[str, tuple[str, ...]]:
    """The outcome domains shown in each evidence-table outcome column, in the review's order."""
    return {
        column["id"]: tuple(d["name"] for d in vocabulary["outcome_domains"] if d["column"] == column["id"])
        for column in vocabulary["outcome_columns"]
    }


def population_text(study: dict, columns: list[str], characteristics: list[dict]) -> str:
    """The Population cell of the evidence tables: the study characteristics the config
    shows there (those with a `population` label), in the config's order."""
    out = []
    for item in characteristics:
        if "population" not in item:
            continue
        value, label = study.get(item["id"], ""), item["population"]
        if not value:
            continue
        text = f"{label} NR" if value == "NR" else f"{label} {item.get('unit', '{}').format(value)}".strip()
        out.append((text, is_illustrative(study, item["id"], columns)))
    return joined(out, "; ")


def arm_summary(arm: dict, columns: list[str], delivery: list[str], also: tuple[str, ...] = ()) -> str:
    """'A: 6 weeks; group; outpatient': the arm's delivery characteristics, each illustrative
    part marked; `also` adds others (those in which two intervention variants differ)."""
    parts = [(arm[c], is_illustrative(arm, c, columns)) for c in (*delivery, *also) if arm[c]]
    return f"{arm['arm']}: " + joined(parts, "; ") if parts else ""


def outcome_text(outcomes: list[dict], columns: list[str], program: str, other: str, domains: tuple[str, ...]) -> str:
    """The results of two arms of one study for some domains: a line per measure and timepoint.

    `outcomes` are the study's outcome rows. '' when the pair was not extracted (no
    between-arm row, and not both arms); 'NR' when it was, but has nothing in these domains.
    """
    between = {f"{program} vs {other}", f"{other} vs {program}"}
    of_pair = [row for row in outcomes if row["arms"] in {program, other, *between}]
    present = {row["arms"] for row in of_pair}
    if not (present & between or {program, other} <= present):
        return ""  # the pair was not extracted, even if one arm was (for another comparison)
    wanted = [row for row in of_pair if row["domain"] in domains]
    if not wanted:
        return "NR"
    lines = []
    for measure in dict.fromkeys(row["measure"] for row in wanted):
        of_measure = [row for row in wanted if row["measure"] == measure]
        points = []
        for timepoint in dict.fromkeys(row["timepoint"] for row in of_measure):
            by_arms = {row["arms"]: row for row in of_measure if row["timepoint"] == timepoint}
            text = " vs ".join(f"{a} {by_arms[a]['result']}" for a in (program, other) if a in by_arms)
            betweens = [f"{b} {by_arms[b]['result']}" for b in sorted(between) if b in by_arms]
            text = ", ".join(t for t in (text, *betweens) if t)
            flagged = any(is_illustrative(row, "result", columns) for row in by_arms.values())
            points.append((f"{timepoint}: {text}", flagged))
        lines.append(f"{measure}. " + joined(points, "; "))
    return "\n".join(lines)
