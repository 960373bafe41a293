"""Other data packages than the bundled one: a folder, a zip, or a URL fetched once into a cache.

``cadata.load(name, package=PATH_OR_URL)`` and ``cadata fetch URL`` use these. A fetched or
unzipped package is written into the user's cache directory, every file's sha256 and size
checked as it is written, and swapped in whole; afterwards it is used offline. Every
package is hostile until checked: see ``cadata._descriptor`` (names, paths, types),
``cadata._http`` (schemes, sizes, deadlines) and ``cadata._zippkg`` (archive members).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cadata import _descriptor, _http
from cadata.errors import IntegrityError, InvalidArgumentError, PackageError

#: Environment variable naming the cache directory (default: $XDG_CACHE_HOME/cadata or ~/.cache/cadata).
CACHE_ENV = "CADATA_CACHE"
MAX_DESCRIPTOR_BYTES = 16 << 20
#: The largest file (and zip archive) cadata downloads.
MAX_RESOURCE_BYTES = 1 << 30

__all__ = ["PackageError", "cache_dir", "fetch", "resolve", "unzip"]


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


#: ``scheme:`` at the start of a reference (two letters at least, so ``C:\\data`` is a path).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


def resolve(package: str | os.PathLike[str]) -> Path:
    """The local folder holding a package: a folder, its datapackage.json, a .zip, or a URL."""
    if not isinstance(package, (str, os.PathLike)):
        raise InvalidArgumentError(f"package={package!r}: give a folder, a datapackage.json, a .zip file or an http(s) URL")
    text = os.fspath(package)
    if not isinstance(text, str):
        raise InvalidArgumentError(f"package={package!r}: give the path as text, not bytes")
    if _SCHEME.match(text):
        return fetch(text)  # http(s), or a clear refusal of any other scheme
    if "\x00" in text:
        raise InvalidArgumentError(f"package={text[:120]!r}: a path cannot hold a NUL byte")
    path = Path(text)
    if path.suffix.lower() == ".zip":
        return unzip(path)
    folder = path.parent if path.name == "datapackage.json" else path
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        raise PackageError(f"{path}: no datapackage.json there; give a package folder, its datapackage.json, a .zip or a URL")
    try:
        raw = descriptor.read_bytes()
    except OSError as exc:
        raise PackageError(f"{descriptor}: cannot be read ({exc.strerror or exc})") from None
    _parse(raw, str(descriptor))
    return folder


def _parse(raw: bytes, where: str) -> dict[str, Any]:
    try:
        return _descriptor.parse(raw)
    except _descriptor.Invalid as exc:
        raise PackageError(f"{where}: {exc}; ask the package's publisher") from None


def descriptor_url(url: str) -> str:
    """The datapackage.json of a package URL; a query string is kept, a fragment dropped."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path if parts.path.rsplit("/", 1)[-1] == "datapackage.json" else parts.path.rstrip("/") + "/datapackage.json"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def resource_url(base: str, rel: str) -> str:
    """A resource's URL: its plain file name beside datapackage.json, with the package URL's query."""
    parts = urllib.parse.urlsplit(base)
    joined = urllib.parse.urlsplit(urllib.parse.urljoin(urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), rel))
    folder = parts.path.rsplit("/", 1)[0]
    if (joined.scheme, joined.netloc) != (parts.scheme, parts.netloc) or joined.path.rsplit("/", 1)[0] != folder:
        raise PackageError(f"{_http.shown(base)}: resource path {rel!r} leads to {joined.geturl()!r}, outside the package; refused")
    return urllib.parse.urlunsplit((joined.scheme, joined.netloc, joined.path, parts.query, ""))


def fetch(url: str, refresh: bool = False, *, deadline: float | None = None) -> Path:
    """Download a package once (every hash verified) and return its cached folder.

    ``url`` is the package's folder, its datapackage.json or a .zip, over http or https.
    ``deadline`` bounds each file's download in seconds (default ``$CADATA_DOWNLOAD_DEADLINE``
    or 300); a bad value is an InvalidArgumentError (a ValueError). Any query string (a token) is sent with every file.
    """
    url = _http.check_url(url)
    seconds = _http.deadline_seconds(deadline)
    if urllib.parse.urlsplit(url).path.lower().endswith(".zip"):
        return _fetch_zip(url, refresh, seconds)
    base = descriptor_url(url)
    target = _cache_folder(base)
    if (target / "datapackage.json").is_file() and not refresh:
        return target  # offline from now on; load() re-verifies each file's hash
    raw = _http.get(base, limit=MAX_DESCRIPTOR_BYTES, seconds=seconds, what="a datapackage.json")
    descriptor = _parse(raw, _http.shown(base))
    urls = [resource_url(base, str(r["path"])) for r in descriptor["resources"]]
    with _staging(target) as staging:
        for resource, file_url in zip(descriptor["resources"], urls, strict=True):
            _download(file_url, resource, staging / str(resource["path"]), seconds)
        (staging / "datapackage.json").write_bytes(raw)
        _swap_in(staging, target, refresh)
    return target


def _download(url: str, resource: dict[str, Any], dest: Path, seconds: float) -> None:
    """One resource file, streamed to ``dest``, hashed as it comes, at most its recorded size + 1 bytes."""
    expected = str(resource["hash"])[len("sha256:") :].lower()
    size = int(resource.get("cadata_bytes", resource.get("bytes", 0)))
    if size > MAX_RESOURCE_BYTES:
        raise PackageError(f"{_http.shown(url)}: the package records {size} bytes, more than cadata downloads ({MAX_RESOURCE_BYTES})")
    digest = hashlib.sha256()
    with dest.open("wb") as out:

        def sink(chunk: bytes) -> None:
            digest.update(chunk)
            out.write(chunk)

        got = _http.stream(
            url, sink, limit=size, seconds=seconds,
            too_large=f"{_http.shown(url)}: sends more than the {size} bytes the package records; "
            "the download is corrupt or the package was changed",
        )
    if got != size or digest.hexdigest() != expected:
        raise IntegrityError(
            f"{_http.shown(url)}: sha256 {digest.hexdigest()} and {got} bytes, the package records {expected} and "
            f"{size} bytes; the download is corrupt or the package was changed"
        )


def unzip(path: Path) -> Path:
    """A zipped package (``cadata export --zip``), extracted once into the cache, every file verified."""
    from cadata import _zippkg

    if not path.is_file():
        raise PackageError(f"{path}: no such zip file; give a package folder, its datapackage.json, a .zip or a URL")
    package = _zippkg.open_package(path, str(path))
    with package.archive:
        target = cache_dir() / ("zip-" + hashlib.sha256(package.raw).hexdigest()[:16])
        if (target / "datapackage.json").is_file():
            return target  # the same datapackage.json names the same verified files
        with _staging(target) as staging:
            package.extract(staging)
            _swap_in(staging, target, refresh=False)
    return target


def _fetch_zip(url: str, refresh: bool, seconds: float) -> Path:
    from cadata import _zippkg

    target = _cache_folder(url)
    if (target / "datapackage.json").is_file() and not refresh:
        return target
    with _staging(target) as staging:
        archive = staging / "download.zip"
        with archive.open("wb") as out:
            _http.stream(url, out.write, limit=MAX_RESOURCE_BYTES, seconds=seconds,
                         too_large=f"{_http.shown(url)}: larger than {MAX_RESOURCE_BYTES} bytes; refused")
        package = _zippkg.open_package(archive, _http.shown(url))
        with package.archive:
            (staging / "package").mkdir()
            package.extract(staging / "package")
        _swap_in(staging / "package", target, refresh)
    return target


def _cache_folder(url: str) -> Path:
    return cache_dir() / hashlib.sha256(url.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target``, removed afterwards whatever happens."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=target.parent))
    except OSError as exc:
        raise PackageError(f"{target.parent}: cannot write the cache ({exc.strerror or exc}); set ${CACHE_ENV} to a writable folder") from None
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path, refresh: bool) -> None:
    """Move a complete, verified folder to ``target``, safely when other fetches do the same.

    The target only ever appears whole (one rename). If another fetch of the same package
    put its copy there first, that copy is as verified as ours, and ours is dropped.
    """
    if refresh:
        aside = target.with_name(f".old-{target.name}-{uuid.uuid4().hex}")
        try:
            os.replace(target, aside)
        except FileNotFoundError:
            pass
        else:
            shutil.rmtree(aside, ignore_errors=True)
    try:
        os.replace(staging, target)
    except OSError as exc:
        if not (target / "datapackage.json").is_file():
            raise PackageError(f"{target}: cannot be written ({exc.strerror or exc}); set ${CACHE_ENV} to a writable folder") from None
