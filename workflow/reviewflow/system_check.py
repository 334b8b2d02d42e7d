"""Fail early, with a clear message, when WeasyPrint's system libraries are missing."""

from __future__ import annotations

import ctypes.util
import sys

PANGO_HINT = (
    "WeasyPrint needs the pango library (libpango-1.0). Install it with your "
    "system's package manager, e.g. 'apt-get install libpango-1.0-0 libpangoft2-1.0-0' "
    "on Debian/Ubuntu or 'brew install pango' on macOS, then rerun make."
)


def check_pango() -> str | None:
    """Return a one-line problem description, or None when PDF rendering can work."""
    if ctypes.util.find_library("pango-1.0") is None and sys.platform != "win32":
        return PANGO_HINT
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # raised by cffi when a library cannot be loaded
        return f"{PANGO_HINT} ({error})"
    return None


def main() -> int:
    problem = check_pango()
    if problem:
        print(f"reviewflow: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
