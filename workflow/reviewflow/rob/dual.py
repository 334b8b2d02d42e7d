"""Two reviewers' risk-of-bias assessments, made blind: each reviewer keeps a sheet of
their own (`<resources>/reviewers/<initials>/rob.csv`, the assessment sheet's columns),
the consensus sheet (`rob.csv`) is what the pipeline uses. Here the two are compared:
every domain judgement (and the overall) on which two reviewers differ, item by item,
whether the consensus sheet resolves it yet, and the agreement per domain: percent
agreement, Cohen's kappa and Gwet's AC1 (which stays meaningful when one judgement is far
more common than the others, where kappa collapses: Gwet 2008; agreement.py)."""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd

from ..agreement import cohen_kappa, gwet_ac1
from ..reviewers import DIFFERENCES as SHEET
from ..xlsx import add_table_sheet, save_deterministic
from . import Tool

DISAGREEMENT_COLUMNS = [
    "study_id",
    "outcome",
    "domain",
    "reviewer_a",
    "judgement_a",
    "support_a",
    "reviewer_b",
    "judgement_b",
    "support_b",
    "consensus",
    "status",
]
# What the team types into the differences workbook for `reviewflow consensus`.
CONSENSUS_TYPED = ["agreed", "agreed_by", "note"]
AGREEMENT_COLUMNS = ["reviewers", "domain", "items", "agreement", "kappa", "ac1", "illustrative"]


def compare(sheets: dict[str, pd.DataFrame], consensus: pd.DataFrame, tool: Tool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every differing judgement of two reviewers on one item, agreement per pair of
    reviewers and domain). An item is a study (and outcome, where assessed per outcome);
    a difference is resolved once the consensus sheet holds the item."""
    domains = [*(d["id"] for d in tool.domains), "overall"]
    resolved = {(r["study_id"], r["outcome"]): r for r in consensus.to_dict("records")}
    differences, agreement = [], []
    for a, b in combinations(sorted(sheets), 2):
        first = sheets[a].set_index(["study_id", "outcome"])
        second = sheets[b].set_index(["study_id", "outcome"])
        items = sorted(set(first.index) & set(second.index))
        # agreement computed from judgements marked illustrative is marked too
        marked = any(first.at[item, "illustrative"] or second.at[item, "illustrative"] for item in items)
        for domain in domains:
            left = [first.at[item, domain] for item in items]
            right = [second.at[item, domain] for item in items]
            agreed = sum(x == y for x, y in zip(left, right))
            kappa, ac1 = cohen_kappa(left, right), gwet_ac1(left, right, tool.labels)
            agreement.append(
                {
                    "reviewers": f"{a} and {b}",
                    "domain": domain,
                    "items": len(items),
                    "agreement": round(agreed / len(items), 3) if items else "",
                    "kappa": "" if kappa is None else round(kappa, 3),
                    "ac1": "" if ac1 is None else round(ac1, 3),
                    "illustrative": "all" if marked else "",
                }
            )
            support = "support" if domain == "overall" else f"{domain}_support"
            for item, x, y in zip(items, left, right):
                if x == y:
                    continue
                settled = resolved.get(item)
                differences.append(
                    {
                        "study_id": item[0],
                        "outcome": item[1],
                        "domain": domain,
                        "reviewer_a": a,
                        "judgement_a": x,
                        "support_a": first.at[item, support],
                        "reviewer_b": b,
                        "judgement_b": y,
                        "support_b": second.at[item, support],
                        "consensus": settled[domain] if settled else "",
                        "status": "resolved" if settled else "open",
                    }
                )
    return pd.DataFrame(differences, columns=DISAGREEMENT_COLUMNS), pd.DataFrame(agreement, columns=AGREEMENT_COLUMNS)


def write_consensus_workbook(differences: pd.DataFrame, tool: Tool, path: str | Path, stamp: date) -> None:
    """The differences, one row per item and domain, with `agreed` (a dropdown of the
    tool's judgements), `agreed_by` and `note` for the team to fill and give back to
    `reviewflow consensus`; resolved rows show the consensus already recorded."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    header = [*DISAGREEMENT_COLUMNS, *CONSENSUS_TYPED]
    rows = [[*(str(row[c]) for c in DISAGREEMENT_COLUMNS), "", "", ""] for row in differences.to_dict("records")]
    workbook = Workbook()
    workbook.remove(workbook.active)
    widths = {h: 30 if h.startswith(("support", "note")) else 14 for h in header}
    sheet = add_table_sheet(workbook, SHEET, header, rows, widths, numbers=False)
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(tool.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a judgement of this tool",
        error="Choose " + ", ".join(tool.labels),
    )
    column = sheet.cell(row=1, column=header.index("agreed") + 1).column_letter
    choice.add(f"{column}2:{column}{max(len(rows) + 1, 2)}")
    sheet.add_data_validation(choice)
    save_deterministic(workbook, path, stamp)
