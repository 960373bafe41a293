"""Per-table assembly: the columns the build adds to a curated table (joins, derived)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cadata import derive
from cadata.build.inputs import read_rows, where
from cadata.errors import CuratedDataError

if TYPE_CHECKING:
    import pandas as pd

Tables = Mapping[str, "pd.DataFrame"]


@dataclass(frozen=True)
class Assembly:
    """The columns the build adds to a table, and the function that adds them."""

    adds: frozenset[str]
    add: Callable[[pd.DataFrame, Tables, Path], pd.DataFrame]
    needs: tuple[str, ...] = ()


def _hotline_shares(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Join the category labels and creation years; derive existence and report counts."""
    import pandas as pd

    path = curated / "kz_hotline_report_categories.csv"
    _, rows = read_rows(path)
    labels = {r["category"]: r["label"] for r in rows}
    created = {r["category"]: int(r["created_year"]) if r["created_year"] else None for r in rows}
    unknown = [
        f"{where(curated / 'kz_hotline_report_shares.csv', i, 'category')}: category {c!r} is not in {path.name}"
        for i, c in enumerate(df["category"])
        if not pd.isna(c) and c not in labels
    ]
    if unknown:
        raise CuratedDataError(unknown)
    totals = dict(zip(tables["kz_hotline_reports"]["year"], tables["kz_hotline_reports"]["reports"], strict=True))
    existed = [derive.category_existed(int(y), created[c]) for y, c in zip(df["year"], df["category"], strict=True)]
    derived = [
        derive.reports_from_share(float(s), int(totals[y])) if e and y in totals else None
        for s, y, e in zip(df["share_pct"], df["year"], existed, strict=True)
    ]
    out = df.copy()
    out.insert(2, "category_label", pd.Series([labels[c] for c in df["category"]], dtype="string"))
    out.insert(5, "category_existed", pd.Series(existed, dtype="boolean"))
    out.insert(6, "reports_derived", pd.Series(derived, dtype="Int64"))
    return out


ASSEMBLIES: dict[str, Assembly] = {
    "kz_hotline_report_shares": Assembly(
        frozenset({"category_label", "category_existed", "reports_derived"}),
        _hotline_shares,
        needs=("kz_hotline_reports",),
    ),
}
