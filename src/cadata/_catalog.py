"""The catalog: datapackage.json read with the standard library only (no pandas).

The parsed descriptor is cached per file, keyed by the identity of the bytes read
(device, inode, size, modification and change times, taken from the open handle),
in a thread-safe LRU cache of ``CACHE_SIZE`` descriptors (one per package folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from cadata import _paths
from cadata._cache import Lru
from cadata.errors import IntegrityError, UnknownDatasetError

Resource = dict[str, Any]
#: A file's identity: (device, inode, size, mtime_ns, ctime_ns).
StatKey = tuple[int, int, int, int, int]
#: How many parsed descriptors are kept (one per package folder).
CACHE_SIZE = 8


def stat_key(stat: os.stat_result) -> StatKey:
    """What tells one version of a file from another without reading it."""
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class Snapshot(NamedTuple):  # not a dataclass: dataclasses imports inspect, +10 ms on `import cadata`
    """One version of a datapackage.json: its path, identity and parsed content."""

    path: Path
    key: StatKey
    data: dict[str, Any]


_cache: Lru[Path, Snapshot] = Lru(CACHE_SIZE)


def _missing(path: Path) -> IntegrityError:
    return IntegrityError(f"{path}: datapackage.json is missing; {_paths.remedy(path.parent)}")


def _parse(path: Path, raw: bytes) -> dict[str, Any]:
    """The descriptor, checked as a whole (``cadata._descriptor.package_problems``); each
    resource is checked when it is used, so that one damaged resource spoils only itself."""
    from cadata import _descriptor  # on first use: `import cadata` stays light

    try:
        data = _descriptor.load_json(raw)
    except _descriptor.Invalid as exc:
        raise IntegrityError(f"{path}: {exc}; {_paths.remedy(path.parent)}") from None
    if problems := _descriptor.package_problems(data):
        raise IntegrityError(f"{path}: {'; '.join(problems[:3])}; {_paths.remedy(path.parent)}")
    result: dict[str, Any] = data
    return result


def snapshot(folder: Path | None = None) -> Snapshot:
    """The datapackage.json of a folder (by default the one in use) as it is now."""
    path = (folder or _paths.datasets_dir()) / "datapackage.json"
    try:
        current = stat_key(path.stat())
    except FileNotFoundError:
        raise _missing(path) from None
    except (OSError, ValueError) as exc:
        raise IntegrityError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}); {_paths.remedy(path.parent)}") from None
    cached = _cache.get(path)
    if cached is not None and cached.key == current:
        return cached
    try:
        with path.open("rb") as handle:
            key = stat_key(os.fstat(handle.fileno()))
            raw = handle.read()
    except FileNotFoundError:
        raise _missing(path) from None
    except OSError as exc:
        raise IntegrityError(f"{path}: cannot be read ({exc.strerror or exc}); {_paths.remedy(path.parent)}") from None
    fresh = Snapshot(path, key, _parse(path, raw))
    _cache.put(path, fresh)
    return fresh


def package(folder: Path | None = None) -> dict[str, Any]:
    """The parsed datapackage.json of a folder, by default the one in use (re-read when it changes)."""
    return snapshot(folder).data


def list_datasets(folder: Path | None = None) -> list[str]:
    """Names of every table in the catalog, sorted (a table in Parquet and CSV is named once)."""
    from cadata import _descriptor  # on first use: `import cadata` stays light

    return sorted({_descriptor.table_name(str(r["name"])) for r in package(folder)["resources"]})


def lookup(name: object, folder: Path | None = None) -> tuple[Snapshot, Resource]:
    """The descriptor in use and the entry of one table (its Parquet resource where it also
    has a CSV one), whose path, hash, schema and card were checked.

    UnknownDatasetError lists close names; IntegrityError names what is malformed.
    """
    from cadata import _descriptor  # on first use: `import cadata` stays light

    current = snapshot(folder)
    if isinstance(name, str):
        found = [r for r in current.data["resources"] if _descriptor.table_name(str(r["name"])) == name]
        if found:
            res = min(found, key=lambda r: _descriptor.resource_format(r) != "parquet")
            if problems := _descriptor.resource_problems(res):
                raise IntegrityError(
                    f"{current.path}: resource {str(res['name'])!r}: {'; '.join(problems[:3])}; {_paths.remedy(current.path.parent)}"
                )
            return current, dict(res)
    import difflib

    names = sorted({_descriptor.table_name(str(r["name"])) for r in current.data["resources"]})
    shown = repr(name)
    shown = shown if len(shown) <= 82 else shown[:80] + "..."
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5) if isinstance(name, str) else []
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UnknownDatasetError(
        f"unknown dataset {shown}: {hint}{len(names)} datasets exist; "
        "cadata.list_datasets() or `cadata list` names them"
    )


def resource(name: object, folder: Path | None = None) -> Resource:
    """The datapackage.json entry of one table; UnknownDatasetError lists close names."""
    return lookup(name, folder)[1]
