"""One exception type for every input problem, so every message has one shape.

A review team fixes bad input by opening the file at the place named, so the
message always leads with the file, then the row and column where known.
"""

from __future__ import annotations


class ReviewflowError(Exception):
    """An input problem a person can fix, located as precisely as we know."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if isinstance(self.row, int):
            where.append(f"row {self.row}")
        elif self.row:
            where.append(str(self.row))  # a place already named: 'line 12', 'record 3 (line 40)'

        if self.column:
            where.append(f"column '{self.column}'")
        text = " ".join(self.message.split())  # always one line
        return f"{', '.join(where)}: {text}" if where else text

    def located(self, **where) -> ReviewflowError:
        """The same error with missing location parts filled in."""
        return ReviewflowError(
            self.message,
            file=self.file or where.get("file"),
            row=self.row if self.row is not None else where.get("row"),
            column=self.column or where.get("column"),
        )
