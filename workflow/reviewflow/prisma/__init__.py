"""The PRISMA 2020 flow: counts computed from the tables (counts.py) and the
diagram drawn from them (diagram.py)."""

from .counts import prisma_counts
from .diagram import prisma_svg

__all__ = ["prisma_counts", "prisma_svg"]
