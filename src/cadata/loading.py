"""``cadata.load``: a verified table as a pandas DataFrame with the schema's dtypes.

Verified means the bytes that were parsed: each file is read once, its size and sha256
checked against datapackage.json, and that same buffer parsed (pandas, Arrow, polars
and DuckDB all start from it). Tables read are kept in a thread-safe LRU cache of
``CACHE_SIZE`` entries, keyed by the table, the descriptor's and the file's identity.
"""

from __future__ import annotations

import functools

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, overload

from cadata import _catalog, _integrity, _lock, _paths
from cadata._cache import Lru
from cadata.errors import IntegrityError, InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from cadata.tables import TableName

Backend = Literal["pandas", "arrow", "polars"]
BACKENDS: tuple[Backend, ...] = ("pandas", "arrow", "polars")
#: How many verified tables are kept in memory (the bundled package has 37).
CACHE_SIZE = 64

Package = str | os.PathLike[str] | None


class _Entry:
    """A verified table: its datapackage.json entry, its Arrow table and (once asked) its DataFrame.

    A plain class, not a dataclass: dataclasses imports inspect, +10 ms on ``import cadata``."""

    __slots__ = ("resource", "path", "arrow", "frame")

    def __init__(self, resource: dict[str, Any], path: Path, arrow: pa.Table, frame: pd.DataFrame | None = None) -> None:
        self.resource = resource
        self.path = path
        self.arrow = arrow
        self.frame = frame


#: The bundled tables ``load`` returned in this process (any backend, the typed loaders
#: included), in the order first loaded: what ``cadata.cite_used()`` cites.
_used: dict[str, None] = {}


#: The (version, table) pairs ``load(name, version=...)`` returned from an earlier release.
_used_releases: dict[tuple[str, str], None] = {}


def used_tables() -> list[str]:
    """The bundled tables loaded in this process so far, in the order first loaded."""
    return list(_used)


def used_releases() -> list[tuple[str, str]]:
    """The (version, table) pairs loaded from earlier releases so far, in the order first loaded."""
    return list(_used_releases)


_Key = tuple[str, Path, _catalog.StatKey, _catalog.StatKey]
_cache: Lru[_Key, _Entry] = Lru(CACHE_SIZE)


# A bundled table is named by a TableName (generated from the schemas), so mypy catches a
# misspelt name; another package (``package=``) may hold any table, so its name is any str.
@overload
def load(name: TableName, backend: Literal["pandas"] = "pandas", package: None = None) -> pd.DataFrame: ...
@overload
def load(name: TableName, backend: Literal["arrow"], package: None = None) -> pa.Table: ...
@overload
def load(name: TableName, backend: Literal["polars"], package: None = None) -> pl.DataFrame: ...
@overload
def load(name: str, *, package: str | os.PathLike[str]) -> pd.DataFrame: ...
@overload
def load(name: str, backend: Literal["pandas"] = "pandas", package: None = None, *, version: str) -> pd.DataFrame: ...
@overload
def load(name: str, backend: Literal["arrow"], package: None = None, *, version: str) -> pa.Table: ...
@overload
def load(name: str, backend: Literal["polars"], package: None = None, *, version: str) -> pl.DataFrame: ...
@overload
def load(name: str, backend: Literal["pandas"], package: str | os.PathLike[str]) -> pd.DataFrame: ...
@overload
def load(name: str, backend: Literal["arrow"], package: str | os.PathLike[str]) -> pa.Table: ...
@overload
def load(name: str, backend: Literal["polars"], package: str | os.PathLike[str]) -> pl.DataFrame: ...


def load(
    name: str, backend: Backend = "pandas", package: Package = None, *, version: str | None = None
) -> pd.DataFrame | pa.Table | pl.DataFrame:
    """Load one table: a pandas DataFrame (default), a pyarrow Table or a polars DataFrame.

    pandas columns have the Table Schema's dtypes (``Int64``, ``Float64``, ``boolean``,
    ``string``; categoricals for enums). The file's size and sha256 are checked
    against datapackage.json, on the very bytes that are parsed; a changed file raises
    IntegrityError. A second call for an unchanged file returns a fresh copy without
    reading it again. ``backend="polars"`` needs the ``polars`` extra. ``package`` names
    another data package to read instead of the bundled one: a folder, its
    datapackage.json, a .zip, or a URL (written once into the cache, every hash verified;
    see ``cadata fetch``). ``version`` pins a release (``"0.1.0"``; ``cadata.versions()``
    lists them): downloaded once into the cache, its sha256 checked against releases.json,
    then read offline; the current version is the bundled data.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise InvalidArgumentError(f"unknown backend {backend!r}: use one of {', '.join(BACKENDS)}")
    if version is not None:
        return _load_version(name, backend, package, version)
    if package is None and backend == "pandas" and isinstance(name, str) and (fact_ids := _deprecated_facts(name)) is not None:
        facts = load("facts")
        return facts[facts["fact_id"].isin(fact_ids)].reset_index(drop=True)
    if backend == "polars":
        from cadata._optional import require

        polars = require("polars", "polars", "cadata.load(..., backend='polars')")
    entry = verified(name, _folder(package))
    if package is None:
        _used.setdefault(name, None)
    if backend == "arrow":  # with pandas metadata made from the schema, not the file's own
        from cadata._readers import with_trusted_metadata

        return with_trusted_metadata(entry.arrow, entry.resource["schema"])
    if backend == "polars":
        frame: pl.DataFrame = polars.from_arrow(entry.arrow)
        return frame
    if entry.frame is None:  # two threads may both build it; either copy is right
        entry.frame = to_frame(entry.resource, entry.path, entry.arrow)
    return entry.frame.copy()


def _load_version(name: str, backend: Backend, package: Package, version: str) -> pd.DataFrame | pa.Table | pl.DataFrame:
    """``load(name, version=...)``: the bundled data for the current version, else the cached release."""
    from cadata import releases

    if package is not None:
        raise InvalidArgumentError("give either package= or version=, not both")
    releases.check_version(version)
    if releases.is_current(version):
        return load(cast("TableName", name), backend)
    folder = releases.package_folder(version)
    tables = _catalog.list_datasets(folder)
    if isinstance(name, str) and name not in tables:
        entry = _deprecated().get(name)
        if isinstance(entry, dict) and releases.version_key(version) >= releases.version_key(str(entry["since"])) and backend == "pandas":
            import warnings

            warnings.warn(
                f"cadata {entry['since']} merged the table {name!r} into {entry['replacement']!r}: "
                f"loading its facts {', '.join(entry['fact_ids'])} from cadata {version}",
                CadataDeprecationWarning, stacklevel=3,
            )
            facts = load("facts", package=folder)
            _used_releases.setdefault((version, "facts"), None)
            return facts[facts["fact_id"].isin([str(i) for i in entry["fact_ids"]])].reset_index(drop=True)
        from cadata.errors import UnknownDatasetError
        import difflib

        close = difflib.get_close_matches(str(name), tables, n=3)
        merged = f"; cadata {entry['since']} merged it into {entry['replacement']!r}" if isinstance(entry, dict) else ""
        raise UnknownDatasetError(
            f"cadata {version} has no table {str(name)[:80]!r}{merged}"
            + (f"; did you mean {', '.join(close)}?" if close else "")
            + f" (its tables: cadata.list_datasets(cadata.releases.package_folder({version!r})), or `cadata diff {version} current`)"
        )
    table = load(name, backend, package=folder)
    _used_releases.setdefault((version, str(name)), None)
    return table


def load_any(name: str) -> pd.DataFrame:
    """``load(name)`` for a name known only at run time (a command-line argument, a foreign
    key's table): an unknown name raises UnknownDatasetError, which lists close names."""
    return load(cast("TableName", name))


class CadataDeprecationWarning(FutureWarning):
    """A table name that still loads but will be removed: the message names its replacement."""


@functools.cache
def _deprecated() -> dict[str, Any]:
    """deprecated.json, read once: the tables merged into facts, by name."""
    import json

    data: dict[str, Any] = json.loads((Path(__file__).parent / "deprecated.json").read_text(encoding="utf-8"))
    return data


def _deprecated_facts(name: str) -> list[str] | None:
    """The fact ids a table merged into facts became (warning that it did), or None for any other name."""
    import warnings

    from cadata import __version__

    entry = _deprecated().get(name)
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


def _read(name: str, folder: Path) -> _Entry:
    """One attempt: the descriptor as it is now, then the table's file checked against it."""
    snapshot, resource = _catalog.lookup(name, folder)
    path = _integrity.resource_path(resource, folder)
    try:
        current: _catalog.StatKey | None = _catalog.stat_key(path.stat())
    except OSError:
        current = None
    if current is not None and (hit := _cache.get((name, path, snapshot.key, current))) is not None:
        return hit
    try:
        data, actual = _integrity.read_verified(resource, path)
    except _integrity.MismatchError as exc:
        exc.descriptor = snapshot.key
        raise
    entry = _Entry(resource, path, read_arrow(resource, path, data))
    _cache.put((name, path, snapshot.key, actual), entry)
    return entry


def verified(name: str, folder: Path) -> _Entry:
    """The verified table ``name`` of a folder, consistent with one version of its descriptor.

    A file that differs from the descriptor just read may be a rebuild under way: the
    read is tried once more under the folder's shared lock, which waits for the swap.
    """
    try:
        return _read(name, folder)
    except _integrity.MismatchError as exc:
        before = (exc.descriptor, exc.key)
    with _lock.shared(folder):
        try:
            return _read(name, folder)
        except _integrity.MismatchError as exc:
            if (exc.descriptor, exc.key) == before:
                raise  # nothing moved: the file is damaged
            raise IntegrityError(
                f"{folder}: datasets changed during the read (a rebuild?), and table {name!r} still differs "
                f"from datapackage.json ({exc}); load it again when the rebuild is done"
            ) from None


def read_arrow(resource: dict[str, Any], path: Path, data: bytes) -> pa.Table:
    """Parse a verified file's bytes (Parquet, or CSV typed by the schema) as Arrow;
    IntegrityError unless its columns and row count are the ones datapackage.json records
    (``path`` names it in messages)."""
    from cadata._frame import mismatched_columns
    from cadata._readers import read_file

    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        raise IntegrityError(f"{path}: datapackage.json has no schema for it; {_paths.remedy(path.parent)}")
    table = read_file(resource, path, data)
    if problem := mismatched_columns(table, schema):
        raise IntegrityError(f"{path}: {problem}; {_paths.remedy(path.parent)}")
    card = resource.get("cadata_card")
    rows = card.get("rows") if isinstance(card, dict) else None
    if rows != table.num_rows:
        raise IntegrityError(f"{path}: has {table.num_rows} rows, datapackage.json records {rows}; {_paths.remedy(path.parent)}")
    return table


def to_frame(resource: dict[str, Any], path: Path, table: pa.Table, *, categoricals: bool = True) -> pd.DataFrame:
    """A verified Arrow table as a DataFrame whose column names, order, RangeIndex and dtypes
    are exactly the schema's (the file's pandas metadata is ignored), else IntegrityError.

    With ``categoricals=False`` enum columns come back as strings, so that a value
    outside the enum is kept (and reported by validation) rather than lost.
    """
    from cadata import _readers

    return _readers.to_frame(table, resource["schema"], path, categoricals=categoricals)
