"""Text a spreadsheet would take for a formula (CSV injection): never in a table cadata ships.

A cell beginning with ``=``, ``+``, ``@``, a tab or a carriage return can run as a formula
when a CSV file is opened in Excel or LibreOffice. The build refuses such curated text, and
``cadata export`` refuses to write it. ``-`` is not in the list: the printed dash ``"-"``
and negative numbers are curated values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def formula_cells(frame: pd.DataFrame) -> list[tuple[str, int, str]]:
    """(column, row position, value) of every text cell that begins like a formula."""
    found = []
    for column in frame.columns:
        if str(frame[column].dtype) not in ("string", "str", "object", "category"):
            continue
        for position, value in enumerate(frame[column]):
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                found.append((str(column), position, value))
    return found


def describe(value: str) -> str:
    """Why a value is refused, for a message."""
    return f"text {value[:60]!r} begins with {value[:1]!r}, which spreadsheets run as a formula; reword it"
