"""Studies: included publications grouped into studies (registry.py), the
extraction checked (extraction.py), the comparisons its arms imply
(comparisons.py), mapped to key questions (kq_mapping.py), and the composed
cells of the evidence tables (cells.py)."""

from .registry import SheetFiles, build_studies

__all__ = ["SheetFiles", "build_studies"]
