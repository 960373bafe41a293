"""``cadata.load``: a verified table as a pandas DataFrame with the schema's dtypes."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from cadata import _catalog, _integrity, _paths
from cadata.errors import IntegrityError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

Backend = Literal["pandas", "arrow", "polars"]
BACKENDS: tuple[Backend, ...] = ("pandas", "arrow", "polars")

_lock = threading.Lock()
_frames: dict[tuple[Path, int, int, str], pd.DataFrame] = {}


Package = str | os.PathLike[str] | None


@overload
def load(name: str, backend: Literal["pandas"] = "pandas", package: Package = None) -> pd.DataFrame: ...
@overload
def load(name: str, backend: Literal["arrow"], package: Package = None) -> pa.Table: ...
@overload
def load(name: str, backend: Literal["polars"], package: Package = None) -> pl.DataFrame: ...


def load(name: str, backend: Backend = "pandas", package: Package = None) -> pd.DataFrame | pa.Table | pl.DataFrame:
    """Load one table: a pandas DataFrame (default), a pyarrow Table or a polars DataFrame.

    pandas columns have the Table Schema's dtypes (``Int64``, ``Float64``, ``boolean``,
    ``string``; categoricals for enums). The file's size and sha256 are checked
    against datapackage.json first; a changed file raises IntegrityError. A second
    call for an unchanged file returns a fresh copy without reading it again.
    ``backend="polars"`` needs the ``polars`` extra. ``package`` names another data
    package to read instead of the bundled one: a folder, its datapackage.json, or a
    URL (downloaded once into the cache, every hash verified; see ``cadata fetch``).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if package is None and backend == "pandas" and isinstance(name, str) and (fact_ids := _deprecated_facts(name)) is not None:
        facts = load("facts")
        return facts[facts["fact_id"].isin(fact_ids)].reset_index(drop=True)
    folder = _folder(package)
    if backend != "pandas":
        return _load_arrow(name, folder) if backend == "arrow" else _to_polars(_load_arrow(name, folder))
    resource, path = _verified(name, folder)
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns, str(resource["hash"]))
    with _lock:
        frame = _frames.get(key)
    if frame is None:
        frame = read_table(resource, path)
        with _lock:
            _frames[key] = frame
    return frame.copy()


class CadataDeprecationWarning(FutureWarning):
    """A table name that still loads but will be removed: the message names its replacement."""


def _deprecated_facts(name: str) -> list[str] | None:
    """The fact ids a table merged into facts became (warning that it did), or None for any other name."""
    import json
    import warnings

    from cadata import __version__

    entry = json.loads((Path(__file__).parent / "deprecated.json").read_text(encoding="utf-8")).get(name)
    if not isinstance(entry, dict):
        return None
    warnings.warn(
        f"cadata {entry['since']} merged the table {name!r} into {entry['replacement']!r} (cadata {__version__}); "
        f"this name will stop working in the next release: use cadata.load('facts') and its fact_ids "
        f"{', '.join(entry['fact_ids'])}, or cadata.find_facts(indicator=...)",
        CadataDeprecationWarning,
        stacklevel=3,
    )
    return [str(i) for i in entry["fact_ids"]]


def _folder(package: Package) -> Path:
    if package is None:
        return _paths.datasets_dir()
    from cadata.packages import resolve

    return resolve(package)


def _verified(name: str, folder: Path) -> tuple[dict[str, Any], Path]:
    """A table's datapackage.json entry and its file, whose size and sha256 were checked."""
    resource = _catalog.resource(name, folder)
    path = _integrity.resource_path(resource, folder)
    _integrity.verify(resource, path)
    return resource, path


def _load_arrow(name: str, folder: Path) -> pa.Table:
    """The verified table as Arrow (immutable, so it is shared, not copied)."""
    return read_arrow(*_verified(name, folder))


def _to_polars(table: pa.Table) -> pl.DataFrame:
    from cadata._optional import require

    polars = require("polars", "polars", "cadata.load(..., backend='polars')")
    frame: pl.DataFrame = polars.from_arrow(table)
    return frame


def read_arrow(resource: dict[str, Any], path: Path) -> pa.Table:
    """Read a (verified) Parquet file as Arrow; IntegrityError unless its columns and row
    count are the ones datapackage.json records."""
    import pyarrow.parquet as pq

    from cadata._frame import mismatched_columns

    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise IntegrityError(f"{path}: datapackage.json has no schema for it; reinstall cadata")
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise IntegrityError(f"{path}: not a readable Parquet file ({exc}); reinstall cadata") from None
    if problem := mismatched_columns(table, schema):
        raise IntegrityError(f"{path}: {problem}; reinstall cadata")
    rows = resource.get("cadata_card", {}).get("rows")
    if rows != table.num_rows:
        raise IntegrityError(f"{path}: has {table.num_rows} rows, datapackage.json records {rows}; reinstall cadata")
    return table


def read_table(resource: dict[str, Any], path: Path, *, categoricals: bool = True) -> pd.DataFrame:
    """Read a (verified) Parquet file as a DataFrame; IntegrityError unless it matches the schema.

    With ``categoricals=False`` enum columns come back as strings, so that a value
    outside the enum is kept (and reported by validation) rather than lost.
    """
    from cadata._frame import field_enum, mismatched_dtypes

    schema = resource["schema"]
    frame: pd.DataFrame = read_arrow(resource, path).to_pandas()
    if problem := mismatched_dtypes(frame, schema):
        raise IntegrityError(f"{path}: read with dtypes {problem}; the file lacks cadata's pandas metadata; reinstall cadata")
    if not categoricals:
        for field in schema["fields"]:
            if field_enum(field) is not None:
                frame[field["name"]] = frame[field["name"]].astype("string")
    return frame
