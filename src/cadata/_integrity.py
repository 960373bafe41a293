"""Checks that a data file is the one datapackage.json describes (bytes and sha256).

The file is read once; the bytes that were hashed are the bytes handed on to be parsed.
"""

from __future__ import annotations

import os
from pathlib import Path

from cadata._catalog import Resource, StatKey, stat_key
from cadata._paths import remedy
from cadata.errors import IntegrityError


class MismatchError(IntegrityError):
    """The file differs from its record (size, sha256, or gone): damage, or a rebuild under way."""

    def __init__(self, message: str, key: StatKey | None) -> None:
        super().__init__(message)
        self.key = key  # the identity of the file that was read (None: missing)
        self.descriptor: StatKey | None = None  # the identity of the datapackage.json it was checked against


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
    from cadata._descriptor import path_problem
    if problem := path_problem(resource.get("path")):
        raise IntegrityError(
            f"{datasets_dir / 'datapackage.json'}: resource {str(resource.get('name'))[:80]!r}: {problem}; "
            f"{remedy(datasets_dir)}"
        )
    return datasets_dir / str(resource["path"])


def _expected(resource: Resource, where: str, where_folder: Path) -> tuple[str, int]:
    expected_hash = resource.get("hash")
    expected_bytes = resource.get("cadata_bytes", resource.get("bytes"))
    if (
        not isinstance(expected_hash, str)
        or not expected_hash.startswith("sha256:")
        or not isinstance(expected_bytes, int)
        or isinstance(expected_bytes, bool)
        or expected_bytes < 0
    ):
        raise IntegrityError(f"{where}: datapackage.json records no sha256 hash and byte count for it; {remedy(where_folder)}")
    return expected_hash, expected_bytes


def read_verified(resource: Resource, path: Path) -> tuple[bytes, StatKey]:
    """The file's bytes, read once, and the identity of the file they came from.

    MismatchError unless they have the recorded size and sha256 (or the file is gone);
    IntegrityError if datapackage.json records no hash.
    """
    where = f"{path} (dataset {resource.get('name')!r})"
    expected_hash, expected_bytes = _expected(resource, where, path.parent)
    try:
        with path.open("rb") as handle:
            key = stat_key(os.fstat(handle.fileno()))
            data = handle.read(expected_bytes + 1)
    except FileNotFoundError:
        raise MismatchError(f"{where}: file is missing; {remedy(path.parent)}", None) from None
    except (OSError, ValueError) as exc:
        raise IntegrityError(f"{where}: cannot be read ({getattr(exc, 'strerror', None) or exc}); {remedy(path.parent)}") from None
    if len(data) != expected_bytes:
        raise MismatchError(
            f"{where}: file has {key[2]} bytes, datapackage.json records "
            f"{expected_bytes} (truncated or changed); {remedy(path.parent)}",
            key,
        )
    import hashlib

    actual = "sha256:" + hashlib.sha256(data).hexdigest()
    if actual != expected_hash.lower():  # hex digits in either case
        raise MismatchError(
            f"{where}: sha256 is {actual[7:]}, datapackage.json records "
            f"{expected_hash[7:]} (the file was changed); {remedy(path.parent)}",
            key,
        )
    return data, key


def verify(resource: Resource, path: Path) -> None:
    """Raise IntegrityError unless the file has the recorded size and sha256."""
    read_verified(resource, path)
