"""Agreement of two raters over the same items: Cohen's kappa, and Gwet's AC1, which stays
meaningful where one category is far more common than the others and kappa collapses
(Gwet 2008). Used for screening votes and for risk-of-bias judgements alike.

Written here because each is a few lines over the scale's own categories: statsmodels'
cohens_kappa needs a square table of the observed categories and has no AC1. The tests
check kappa against scikit-learn's cohen_kappa_score."""

from __future__ import annotations


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance explains all."""
    n = len(first)
    if n == 0 or n != len(second):
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in sorted(set(first) | set(second)))
    return None if expected == 1 else (observed - expected) / (1 - expected)


def gwet_ac1(first: list[str], second: list[str], categories: list[str]) -> float | None:
    """Gwet's AC1 of two raters over the same items, on the scale's `categories`."""
    n, q = len(first), len(categories)
    if n == 0 or q < 2:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / n
    shares = [(first.count(c) + second.count(c)) / (2 * n) for c in categories]
    expected = sum(p * (1 - p) for p in shares) / (q - 1)
    return None if expected == 1 else (observed - expected) / (1 - expected)
