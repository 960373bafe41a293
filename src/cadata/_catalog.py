"""The catalog: datapackage.json read with the standard library only (no pandas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cadata import _paths
from cadata.errors import IntegrityError, UnknownDatasetError

Resource = dict[str, Any]

_cache: dict[tuple[Path, int, int], dict[str, Any]] = {}


def package(folder: Path | None = None) -> dict[str, Any]:
    """The parsed datapackage.json of a folder, by default the one in use (re-read when it changes)."""
    import json

    path = (folder or _paths.datasets_dir()) / "datapackage.json"
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise IntegrityError(
            f"{path}: datapackage.json is missing; reinstall cadata, or run "
            "`cadata build` in a source checkout"
        ) from None
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _cache:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IntegrityError(f"{path}: not valid JSON ({exc}); reinstall cadata") from None
        if not isinstance(data, dict) or not isinstance(data.get("resources"), list):
            raise IntegrityError(f"{path}: has no list of resources; reinstall cadata")
        for old in [k for k in _cache if k[0] == path]:
            del _cache[old]
        _cache[key] = data
    return _cache[key]


def list_datasets(folder: Path | None = None) -> list[str]:
    """Names of every table in the catalog, sorted."""
    return sorted(str(r.get("name")) for r in package(folder)["resources"])


def resource(name: object, folder: Path | None = None) -> Resource:
    """The datapackage.json entry of one table; UnknownDatasetError lists close names."""
    if isinstance(name, str):
        for res in package(folder)["resources"]:
            if res.get("name") == name:
                return dict(res)
    import difflib

    names = list_datasets(folder)
    shown = repr(name) if not isinstance(name, str) or len(name) <= 80 else repr(name[:80] + "...")
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5) if isinstance(name, str) else []
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UnknownDatasetError(
        f"unknown dataset {shown}: {hint}{len(names)} datasets exist; "
        "cadata.list_datasets() or `cadata list` names them"
    )
