"""Other data packages than the bundled one: a local folder, or a URL fetched once into a cache.

``cadata.load(name, package=PATH_OR_URL)`` and ``cadata fetch URL`` use these. A fetched
package is downloaded into the user's cache directory, every file's sha256 and size
checked, and swapped in whole; afterwards it is used offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from cadata.errors import CadataError, IntegrityError

#: Environment variable naming the cache directory (default: $XDG_CACHE_HOME/cadata or ~/.cache/cadata).
CACHE_ENV = "CADATA_CACHE"
#: Table Schema field types this version of cadata reads.
SUPPORTED_TYPES = {"integer", "number", "string", "boolean"}
MAX_DESCRIPTOR_BYTES = 16 << 20
TIMEOUT_SECONDS = 60


class PackageError(CadataError):
    """A data package that cannot be used: unreachable, malformed or unreadable by this version."""


def cache_dir() -> Path:
    """Where fetched packages are kept: $CADATA_CACHE, else $XDG_CACHE_HOME/cadata (an absolute
    path; a relative one is ignored, as the XDG spec says), else ~/.cache/cadata."""
    if env := os.environ.get(CACHE_ENV):
        folder = Path(env)
        if folder.exists() and not folder.is_dir():
            raise PackageError(f"${CACHE_ENV} is {folder}, which is not a folder; point it at a folder (or unset it)")
        return folder
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        base = Path(xdg)
    else:
        try:
            home: Path | None = Path.home()
        except (RuntimeError, KeyError):  # HOME unset and no passwd entry for this user
            home = None
        if home is None or not home.is_absolute():
            raise PackageError(
                f"no cache folder: HOME is not set and this user has no home directory; set ${CACHE_ENV} to a folder"
            )
        base = home / ".cache"
    folder = base / "cadata"
    if folder.exists() and not folder.is_dir():
        raise PackageError(f"{folder}: the cache folder is a file; remove it or set ${CACHE_ENV} to a folder")
    return folder


def is_url(text: str) -> bool:
    """Whether a package reference is an http(s) URL."""
    return urllib.parse.urlsplit(text).scheme in ("http", "https")


def resolve(package: str | os.PathLike[str]) -> Path:
    """The local folder holding a package: a folder, a datapackage.json, or a fetched URL."""
    text = os.fspath(package)
    if is_url(text):
        return fetch(text)
    path = Path(text)
    folder = path.parent if path.name == "datapackage.json" else path
    if not (folder / "datapackage.json").is_file():
        raise PackageError(f"{path}: no datapackage.json there; give a package folder, its datapackage.json or a URL")
    check_readable(json.loads((folder / "datapackage.json").read_text(encoding="utf-8")), str(folder))
    return folder


def check_readable(descriptor: Any, where: str) -> None:
    """PackageError unless this version of cadata can read the package's tables."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageError(f"{where}: datapackage.json has no list of resources")
    for resource in descriptor["resources"]:
        name = resource.get("name") if isinstance(resource, dict) else None
        if not isinstance(resource, dict) or resource.get("format") != "parquet":
            raise PackageError(
                f"{where}: resource {name!r} is not a Parquet file; cadata loads Parquet packages "
                "(export one with `cadata export --format parquet` or `both`)"
            )
        fields = resource.get("schema", {}).get("fields") if isinstance(resource.get("schema"), dict) else None
        if not isinstance(fields, list) or not fields:
            raise PackageError(f"{where}: resource {name!r} has no inline schema this version of cadata can read")
        for field in fields:
            if not isinstance(field, dict) or field.get("type") not in SUPPORTED_TYPES:
                raise PackageError(
                    f"{where}: resource {name!r} field {field.get('name') if isinstance(field, dict) else field!r} "
                    f"has type {field.get('type') if isinstance(field, dict) else '?'!r}, which this version of "
                    f"cadata cannot read (it reads {', '.join(sorted(SUPPORTED_TYPES))}); upgrade cadata"
                )
        if not str(resource.get("hash", "")).startswith("sha256:"):
            raise PackageError(f"{where}: resource {name!r} records no sha256 hash; cadata refuses unverifiable files")


def _get(url: str, limit: int | None = None) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            data: bytes = response.read(limit + 1 if limit else -1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageError(f"{url}: cannot download ({exc}); check the address and the network") from None
    if limit is not None and len(data) > limit:
        raise PackageError(f"{url}: larger than {limit} bytes; not a datapackage.json")
    return data


def fetch(url: str, refresh: bool = False) -> Path:
    """Download a package once (every hash verified) and return its cached folder."""
    base = url if url.endswith("datapackage.json") else url.rstrip("/") + "/datapackage.json"
    target = cache_dir() / hashlib.sha256(base.encode()).hexdigest()[:16]
    if (target / "datapackage.json").is_file() and not refresh:
        return target  # offline from now on; load() re-verifies each file's hash
    raw = _get(base, MAX_DESCRIPTOR_BYTES)
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"{base}: not a valid datapackage.json ({exc})") from None
    check_readable(descriptor, base)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
    try:
        for resource in descriptor["resources"]:
            rel = resource.get("path")
            if not isinstance(rel, str) or not rel or "/" in rel or "\\" in rel or rel.startswith("."):
                raise PackageError(f"{base}: resource {resource.get('name')!r} has path {rel!r}; expected a plain file name")
            data = _get(urllib.parse.urljoin(base, rel))
            expected = str(resource["hash"])[len("sha256:") :]
            actual = hashlib.sha256(data).hexdigest()
            size = resource.get("cadata_bytes", resource.get("bytes"))
            if actual != expected or (isinstance(size, int) and size != len(data)):
                raise IntegrityError(
                    f"{urllib.parse.urljoin(base, rel)}: sha256 {actual} and {len(data)} bytes, the package "
                    f"records {expected} and {size} bytes; the download is corrupt or the package was changed"
                )
            (staging / rel).write_bytes(data)
        (staging / "datapackage.json").write_bytes(raw)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
