"""``cadata.catalog()``: every table in one DataFrame, for finding a table from a notebook."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cadata import _catalog

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Columns of ``catalog()``, in order.
COLUMNS = ["name", "title", "kind", "rows", "countries", "years", "first_year", "last_year", "pages", "papers", "authors"]
#: Columns whose values are ISO 3166-1 alpha-3 codes, and columns whose values are calendar years.
COUNTRY_COLUMNS = ("iso3", "destination_iso3")
YEAR_COLUMNS = ("year_start", "year_end", "year", "cited_year")
#: ISO 8601 date columns (their years count too).
DATE_COLUMNS = ("date", "date_end")
#: Tables that register the volume (papers, footnotes, facts, ...) rather than hold one theme's figures.
REGISTERS = frozenset({"papers", "footnotes", "events", "facts", "errata", "indicators", "units"})


def ranges(values: list[int]) -> str:
    """Integers as compact ranges: [2005, 2010, 2011] -> "2005, 2010-2011"."""
    runs: list[list[int]] = []
    for value in sorted(set(values)):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _distinct(table: pa.Table, columns: tuple[str, ...]) -> list[Any]:
    import pyarrow.compute as pc

    found: set[Any] = set()
    for column in columns:
        if column in table.column_names:
            found |= {v for v in pc.unique(table[column]).to_pylist() if v is not None}
    return sorted(found)


def catalog() -> pd.DataFrame:
    """One row per table: ``name``, ``title``, ``kind`` (``themed`` or ``register``), ``rows``,
    ``countries`` (the ISO 3166-1 alpha-3 codes its rows are about), ``years`` (the calendar
    years its rows refer to, as ranges), ``first_year`` and ``last_year``, ``pages`` (printed
    pages of the volume), ``papers`` (paper_ids) and ``authors``.

    Titles, pages and papers come from datapackage.json; rows, countries and years from the
    tables themselves, each file verified as ``cadata.load`` verifies it. For example
    ``cat = cadata.catalog(); cat[cat["countries"].str.contains("KGZ")]``.
    """
    import pandas as pd

    from cadata import _paths
    from cadata.loading import verified

    folder = _paths.datasets_dir()
    records = []
    for name in _catalog.list_datasets(folder):
        entry = verified(name, folder)
        resource, table = entry.resource, entry.arrow
        card = resource.get("cadata_card", {})
        papers = card.get("papers", [])
        years = [int(y) for y in _distinct(table, YEAR_COLUMNS)]
        years += [int(d[:4]) for d in _distinct(table, DATE_COLUMNS) if str(d)[:4].isdigit()]
        records.append(
            {
                "name": name,
                "title": resource.get("title"),
                "kind": "register" if name in REGISTERS else "themed",
                "rows": table.num_rows,
                "countries": ", ".join(str(c) for c in _distinct(table, COUNTRY_COLUMNS)),
                "years": ranges(years),
                "first_year": min(years) if years else None,
                "last_year": max(years) if years else None,
                "pages": card.get("pages", ""),
                "papers": ", ".join(str(p.get("paper_id")) for p in papers),
                "authors": "; ".join(str(p.get("authors")) for p in papers),
            }
        )
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    dtypes = {c: "string" for c in COLUMNS} | {"rows": "Int64", "first_year": "Int64", "last_year": "Int64"}
    return frame.astype(dtypes)
