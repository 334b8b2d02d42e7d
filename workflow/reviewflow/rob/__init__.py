"""Risk of bias: tools as data (tool.py), assessments checked against them (assessments.py),
two reviewers compared (dual.py) and the figures (figures.py). The package re-exports the
names other stages use."""

from .tool import (
    PALETTES,
    SHIPPED,
    SYMBOLS,
    TOOLS_DIR,
    Tool,
    load_tool,
    sheet_schema,
)

__all__ = [
    "TOOLS_DIR",
    "SHIPPED",
    "PALETTES",
    "SYMBOLS",
    "Tool",
    "load_tool",
    "sheet_schema",
]
