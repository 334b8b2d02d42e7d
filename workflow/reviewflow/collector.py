"""The cyclic garbage collector paused while a step builds millions of small objects.

Reading a large export and matching a million records make values, lists and tuples by
the million that all live until the step's frames are built and form no reference
cycles: the collector would walk them again and again and free nothing (a fifth of the
time of either step on a large input). Memory is still freed as ever, by reference
counting; the collector runs again when the step returns.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """Usable as `with paused():` or as a decorator, `@paused()`."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
