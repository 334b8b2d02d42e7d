"""Quantitative synthesis: effect sizes (effects.py), pooling (pooling.py), a table pooled as
metafor does (table_meta.py), the review's analyses (analyses.py, step.py) and a diagnostic
review's accuracy (accuracy*.py). The package re-exports the names other stages use."""

from .table_meta import (
    COLUMNS,
    DEPTH_METHODS,
    meta,
    meta_analyses,
)

__all__ = [
    "COLUMNS",
    "DEPTH_METHODS",
    "meta",
    "meta_analyses",
]
