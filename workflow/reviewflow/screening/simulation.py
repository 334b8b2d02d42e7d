"""`reviewflow screening simulate`: a labelled set replayed in the order the ranking
would present it, for comparison with other tools on the same data and priors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ReviewflowError
from ..sheets import atomic_write_text
from .prioritise import StopPoint, first_stop, simulate, texts

COLUMNS = ["record_id", "title", "abstract", "label_included"]


def read_labelled(path: str) -> pd.DataFrame:
    """The labelled set, checked: the four columns, unique ids, labels 0 or 1."""
    if not Path(path).is_file():
        raise ReviewflowError("does not exist", file=path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ReviewflowError(f"is not a UTF-8 CSV ({str(error).splitlines()[0]})", file=path) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ReviewflowError(
            f"lacks the columns {', '.join(missing)}; expected {', '.join(COLUMNS)}", file=path, row=1
        )
    if frame.empty:
        raise ReviewflowError("holds no records", file=path)
    for offset, row in enumerate(frame.to_dict("records")):
        if row["label_included"] not in ("0", "1"):
            raise ReviewflowError(
                f"'{row['label_included']}' is not 0 or 1", file=path, row=offset + 2, column="label_included"
            )
    repeated = frame["record_id"].duplicated()
    if repeated.any():
        line = int(np.flatnonzero(repeated.to_numpy())[0]) + 2
        raise ReviewflowError(
            f"record_id '{frame['record_id'].iloc[line - 2]}' appears twice", file=path, row=line, column="record_id"
        )
    return frame


def prior_rows(frame: pd.DataFrame, prior_ids: str, path: str) -> list[int]:
    """Row numbers of the two priors, the first an include, the second an exclude."""
    ids = [part.strip() for part in prior_ids.split(",")]
    if len(ids) != 2:
        raise ReviewflowError(f"--prior-ids takes two ids, an include and an exclude, not '{prior_ids}'")
    position = {rid: i for i, rid in enumerate(frame["record_id"])}
    rows = []
    for rid, wanted, kind in zip(ids, ("1", "0"), ("an included", "an excluded")):
        if rid not in position:
            raise ReviewflowError(f"--prior-ids: record_id '{rid}' is not in the data", file=path)
        if frame["label_included"].iloc[position[rid]] != wanted:
            raise ReviewflowError(f"--prior-ids: '{rid}' must be {kind} record (label_included {wanted})", file=path)
        rows.append(position[rid])
    return rows


def simulate_file(data: str, prior_ids: str, output: str) -> StopPoint:
    """Write the order and return where the stopping rule (95% recall, 95% confidence)
    first says stop along it, with the recall reached and the work saved there."""
    frame = read_labelled(data)
    labels = frame["label_included"].astype(int).to_numpy()
    priors = prior_rows(frame, prior_ids, data)
    order = simulate(texts(frame["title"], frame["abstract"]), labels, priors)
    ranking = pd.DataFrame(
        {"rank": range(1, len(order) + 1), "record_id": frame["record_id"].to_numpy()[order], "label": labels[order]}
    )
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(output), ranking.to_csv(index=False, lineterminator="\n"))
    return first_stop(labels[order].tolist(), len(order))
