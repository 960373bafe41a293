"""``cadata.connect()``: a DuckDB connection in which every table is a view (the ``duckdb`` extra).

Each view is a verified Arrow table registered by name (``register``), not SQL text: no
name or path is ever pasted into a statement, and a file changed after the check is never
read, because the view serves the bytes whose sha256 was checked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cadata import _catalog
from cadata._descriptor import name_problem
from cadata._optional import require
from cadata.errors import IntegrityError

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
    tables = {}
    for name in _catalog.list_datasets(folder):
        if problem := name_problem(name):  # the catalog checked it; a view name is never unchecked
            raise IntegrityError(f"{folder}: {problem}")
        tables[name] = verified(name, folder).arrow
    connection: duckdb.DuckDBPyConnection = duck.connect(":memory:")
    for name, table in tables.items():
        connection.register(name, table)
    return connection
