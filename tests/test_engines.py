"""The Parquet files are readable as they are by pyarrow, polars and DuckDB, and agree with load."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

import cadata
from cadata import _paths

NAMES = cadata.list_datasets()


def _records(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    plain = frame.astype(object).where(frame.notna(), None)
    return [tuple(str(v) if isinstance(v, str) else v for v in row) for row in plain.itertuples(index=False)]


@pytest.mark.parametrize("name", NAMES)
def test_pyarrow_polars_duckdb_agree_with_load(name: str) -> None:
    import duckdb
    import polars as pl

    path = _paths.datasets_dir() / f"{name}.parquet"
    expected = _records(cadata.load(name))
    assert _records(pq.read_table(path).to_pandas()) == expected
    assert [tuple(r) for r in pl.read_parquet(path).rows()] == expected
    rows = duckdb.sql(f"select * from read_parquet('{path}')").fetchall()
    assert [tuple(r) for r in rows] == expected


def test_connect_has_every_table_as_a_view() -> None:
    con = cadata.connect()
    views = {row[0] for row in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
    assert views == set(NAMES)
    joined = con.sql(
        "select f.iso3, count(*) from fighter_estimates f join ca_fighter_estimates c "
        "on f.iso3 = c.iso3 and f.source_table = 'ca_fighter_estimates' group by 1 order by 1"
    ).fetchall()
    assert joined == [("KAZ", 25), ("KGZ", 25), ("TJK", 25), ("TKM", 25), ("UZB", 25)]


def test_connect_without_duckdb_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(cadata.MissingExtraError, match=r'pip install "cadata\[duckdb\]"'):
        cadata.connect()
