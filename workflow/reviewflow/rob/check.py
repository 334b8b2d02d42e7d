"""`reviewflow rob check`: a robvis-style table (Study, one column per domain,
Overall, optional Weight) checked against a tool's overall rule."""

from __future__ import annotations

import pandas as pd

from ..errors import ReviewflowError
from ..sheets import read_rows
from . import Tool


def check_table(path: str, tool: Tool) -> pd.DataFrame:
    """One row per study: stated and computed overall, whether they agree, the domain
    judgements (tool labels) and robvis's Weight where the table has one."""
    header, rows = read_rows(path)
    names = [h.strip() for h in header]
    lowered = [n.lower().strip(". ") for n in names]
    if not names or lowered[0] != "study":
        raise ReviewflowError("the first column must be 'Study'", file=path, row=1, column=names[0] if names else None)
    if "overall" not in lowered:
        raise ReviewflowError("has no 'Overall' column", file=path, row=1)
    overall_at = lowered.index("overall")
    weight_at = lowered.index("weight") if "weight" in lowered else None
    domain_columns = list(range(1, overall_at))
    if len(domain_columns) != len(tool.domains):
        raise ReviewflowError(
            f"has {len(domain_columns)} domain columns between Study and Overall; {tool.id} has {len(tool.domains)} "
            f"({', '.join(d['id'] for d in tool.domains)})",
            file=path,
            row=1,
        )
    out = []
    for offset, cells in enumerate(rows):
        line = offset + 2
        if not any(c.strip() for c in cells):
            continue

        def judgement(index: int) -> str:
            value = cells[index] if index < len(cells) else ""
            label = tool.canonical(value)
            if label is None:
                what = "is empty" if not value.strip() else f"'{value}' is not a judgement of {tool.id}"
                raise ReviewflowError(
                    f"{what}; allowed: {', '.join(tool.labels)}", file=path, row=line, column=names[index]
                )
            return label

        domains = [judgement(i) for i in domain_columns]
        stated = judgement(overall_at)
        computed = tool.compute_overall(domains)
        agrees = tool.agrees(stated, computed, domains)
        out.append(
            {
                "study": cells[0].strip(),
                "stated": stated,
                "computed": computed or "",
                "agrees": "" if agrees is None else str(agrees).lower(),
                "domains": domains,
                "weight": _weight(cells, weight_at, path, line, names),
            }
        )
    return pd.DataFrame(out, columns=[*CHECK_COLUMNS, "domains", "weight"])


CHECK_COLUMNS = ["study", "stated", "computed", "agrees"]


def _weight(cells: list[str], at: int | None, path: str, line: int, names: list[str]) -> float | None:
    if at is None or at >= len(cells) or not cells[at].strip():
        return None
    try:
        return float(cells[at])
    except ValueError:
        raise ReviewflowError(f"'{cells[at]}' is not a number", file=path, row=line, column=names[at]) from None


def summary_figure(table: pd.DataFrame, tool: Tool, palette: str = "cochrane") -> str:
    """robvis's summary plot: the share at each judgement per domain, weighted by the
    table's Weight column when every study has one."""
    from .figures import summary_bars

    rows = [{"label": r["study"], "domains": r["domains"], "overall": r["stated"]} for r in table.to_dict("records")]
    weights = list(table["weight"]) if table["weight"].notna().all() and len(table) else None
    what = "weight" if weights else "studies"
    return summary_bars(rows, tool, palette, weights, f"Risk of bias ({tool.name}): share of {what} at each judgement")
