"""``cadata.connect()``: a DuckDB connection in which every table is a view (the ``duckdb`` extra)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cadata import _catalog
from cadata._optional import require

if TYPE_CHECKING:
    import duckdb


def connect(package: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table, each file verified first.

        con = cadata.connect()
        con.sql("select origin, low, high from fighter_estimates where origin_iso3 = 'UZB'")
    """
    from cadata.loading import _folder, _verified

    duck = require("duckdb", "duckdb", "cadata.connect()")
    folder = _folder(package)
    connection: duckdb.DuckDBPyConnection = duck.connect(":memory:")
    for name in _catalog.list_datasets(folder):
        _, path = _verified(name, folder)
        literal = str(path).replace("'", "''")
        connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet(\'{literal}\')')
    return connection
