"""Checks that a data file is the one datapackage.json describes (bytes and sha256)."""

from __future__ import annotations

from pathlib import Path

from cadata._catalog import Resource
from cadata.errors import IntegrityError

#: Verdicts already reached: (path, size, mtime_ns, expected hash) of files that matched.
_verified: set[tuple[Path, int, int, str]] = set()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resource_path(resource: Resource, datasets_dir: Path) -> Path:
    """The file of a resource; refuses any path that is not a plain name in the folder."""
    name = resource.get("name")
    rel = resource.get("path")
    if not isinstance(rel, str) or not rel or "/" in rel or "\\" in rel or rel.startswith("."):
        raise IntegrityError(
            f"{datasets_dir / 'datapackage.json'}: resource {name!r} has path {rel!r}; "
            "expected a plain file name inside the datasets folder; reinstall cadata"
        )
    return datasets_dir / rel


def verify(resource: Resource, path: Path) -> None:
    """Raise IntegrityError unless the file has the recorded size and sha256."""
    expected_hash = str(resource.get("hash", ""))
    expected_bytes = resource.get("cadata_bytes", resource.get("bytes"))
    where = f"{path} (dataset {resource.get('name')!r})"
    if not expected_hash.startswith("sha256:") or not isinstance(expected_bytes, int):
        raise IntegrityError(
            f"{where}: datapackage.json records no sha256 hash and byte count for it; "
            "reinstall cadata"
        )
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise IntegrityError(f"{where}: file is missing; reinstall cadata") from None
    key = (path, stat.st_size, stat.st_mtime_ns, expected_hash)
    if key in _verified:
        return
    if stat.st_size != expected_bytes:
        raise IntegrityError(
            f"{where}: file has {stat.st_size} bytes, datapackage.json records "
            f"{expected_bytes} (truncated or changed); reinstall cadata"
        )
    actual = "sha256:" + sha256_of(path)
    if actual != expected_hash:
        raise IntegrityError(
            f"{where}: sha256 is {actual[7:]}, datapackage.json records "
            f"{expected_hash[7:]} (the file was changed); reinstall cadata"
        )
    _verified.add(key)
