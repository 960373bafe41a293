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


#: Ergashev's Table 1 columns, as fighter_estimates measures and attributions.
TABLE1_COLUMNS = {
    "fighters_open_sources": ("fighters", "open sources"),
    "fighters_intelligence_services": ("fighters", "intelligence services"),
    "killed": ("killed", "not stated"),
    "returned": ("returned", "not stated"),
    "convicted": ("convicted", "not stated"),
}


def _fighter_estimates(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Append Ergashev's Table 1 (ca_fighter_estimates), one row per cell, to the text's estimates.

    The cells are curated once, in ca_fighter_estimates; here they only change shape.
    """
    import pandas as pd

    rows = []
    for cell in tables["ca_fighter_estimates"].to_dict("records"):
        measure, attributed_to = TABLE1_COLUMNS[str(cell["indicator"])]
        number = list(TABLE1_COLUMNS).index(str(cell["indicator"])) + 1
        rows.append(
            {
                "estimate_id": f"{cell['paper_id']}-{cell['line']}-{number}",
                "origin": cell["country"], "origin_iso3": cell["iso3"], "theatre": "syria_iraq",
                "organization": "any", "measure": measure, "period": None, "period_start": None,
                "period_end": None, "low": cell["low"], "high": cell["high"], "qualifier": cell["qualifier"],
                "as_printed": cell["as_printed"], "attributed_to": attributed_to, "footnote": None,
                "source_table": "ergashev_table_1", "note": cell["note"], "paper_id": cell["paper_id"],
                "page": cell["page"], "line": cell["line"], "quote": cell["quote"],
            }
        )
    table1 = pd.DataFrame(rows, columns=list(df.columns)).astype(df.dtypes.to_dict())
    return pd.concat([df, table1], ignore_index=True)


ASSEMBLIES: dict[str, Assembly] = {
    "fighter_estimates": Assembly(frozenset(), _fighter_estimates, needs=("ca_fighter_estimates",)),
    "kz_hotline_report_shares": Assembly(
        frozenset({"category_label", "category_existed", "reports_derived"}),
        _hotline_shares,
        needs=("kz_hotline_reports",),
    ),
}
