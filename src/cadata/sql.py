"""``cadata.connect()``: a DuckDB connection in which every table is a view (the ``duckdb`` extra)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cadata import _catalog
from cadata._optional import require

if TYPE_CHECKING:
    import duckdb


def connect(package: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table, over the verified Arrow tables
    (the bytes whose sha256 was checked, never the file read again by path).

        con = cadata.connect()
        con.sql("select place, low, high from fighter_estimates where iso3 = 'UZB'")
    """
    from cadata.loading import _folder, verified

    duck = require("duckdb", "duckdb", "cadata.connect()")
    folder = _folder(package)
    connection: duckdb.DuckDBPyConnection = duck.connect(":memory:")
    for name in _catalog.list_datasets(folder):
        connection.register(name, verified(name, folder).arrow)
    return connection
