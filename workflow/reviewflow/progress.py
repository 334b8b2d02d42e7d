"""Progress of long work, on a terminal only: tqdm's bar on standard error when it is a
terminal, nothing otherwise, so logs, outputs and CI's output never hold a bar."""

from __future__ import annotations

import sys
from contextlib import contextmanager


def on_terminal() -> bool:
    return sys.stderr.isatty()


class _Silent:
    def update(self, steps: int = 1) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass


@contextmanager
def bar(total: int, description: str, wanted: bool = True):
    """A bar of `total` steps with `.update()`, or a silent stand-in off a terminal."""
    if not (wanted and on_terminal()):
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=description, leave=False, file=sys.stderr) as shown:
        yield shown
