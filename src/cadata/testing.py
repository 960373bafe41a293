"""Helpers for your own tests: ``cadata.testing.assert_valid(df, "kz_hotline_reports")``.

    def test_my_extension_keeps_the_contract():
        assert_valid(my_table, "kz_hotline_reports")

The failure message lists every broken rule and each breach with its row and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["assert_valid"]


def assert_valid(data: Any, name: str, tables: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Raise ``AssertionError`` unless ``data`` (a DataFrame, or a CSV/Parquet file) keeps the
    contract of cadata table ``name``; the message lists the broken rules and every breach."""
    __tracebackhide__ = True  # pytest shows the caller's line
    from cadata.validation import validate

    report = validate(data, table=name, tables=tables)
    if not report.ok:
        breaches = report.breaches
        shown = [f"  {b}" for b in breaches[:50]] + ([f"  ... and {len(breaches) - 50} more"] if len(breaches) > 50 else [])
        raise AssertionError(
            "\n".join([f"{name}: {len(breaches)} breach(es) of its contract; broken rules: {', '.join(report.rules())}", *shown])
        )
