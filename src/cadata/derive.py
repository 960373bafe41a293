"""Rules that derive values from printed ones, and parsers of printed cells.

Every derived column of every table is computed here, so the rule that derives it
is in one place; ``cadata.rules`` checks shipped data against the same functions.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

_RANGE_DASHES = "\u2013-"  # en dash as printed; a hyphen is read the same way
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"


def round_half_up(value: float) -> int:
    """Round to the nearest integer, halves away from zero (0.5 -> 1)."""
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reports_from_share(share_pct: float, year_total: int) -> int:
    """Derived report count of a category: share_pct / 100 x the year's total, rounded half up."""
    return round_half_up(share_pct * year_total / 100)


def category_existed(year: int, created_year: int | None) -> bool:
    """Whether a hotline category existed in a year, given the year the text says it was created."""
    return created_year is None or year >= created_year


def parse_percent_cell(text: str) -> float | None:
    """A printed share such as ``"32,56 %"`` or ``"0,00"`` (decimal comma) as a number."""
    match = re.fullmatch(r"(\d+),(\d+)(?: %)?", text)
    return float(f"{match.group(1)}.{match.group(2)}") if match else None


def parse_count_cell(text: str) -> int | None:
    """A printed whole number such as ``"2088"`` or ``"3,000"``."""
    return int(text.replace(",", "")) if re.fullmatch(_NUMBER, text) else None


def parse_estimate_cell(text: str) -> tuple[int | None, int | None, str | None] | None:
    """A printed estimate as (low, high, qualifier), or None if it is not one.

    ``"n"`` gives (n, n, None); ``"a-b"`` (en dash) gives (a, b, None);
    ``"Over n"`` gives (n, None, "over"); ``"-"`` gives (None, None, None).
    """
    if text == "-":
        return (None, None, None)
    if (single := parse_count_cell(text)) is not None:
        return (single, single, None)
    over = re.fullmatch(rf"Over ({_NUMBER})", text)
    if over:
        return (int(over.group(1).replace(",", "")), None, "over")
    rng = re.fullmatch(rf"({_NUMBER})[{_RANGE_DASHES}]({_NUMBER})", text)
    if rng:
        return (int(rng.group(1).replace(",", "")), int(rng.group(2).replace(",", "")), None)
    return None

