"""Pinned releases: ``cadata.load(name, version="0.1.0")``, ``cadata fetch --version``, ``cadata.versions()``.

A release is the exported zip of the whole catalog, ``cadata-<version>.zip``; ``releases.json``
(shipped with cadata) records each one's date, file name, sha256, size and DOI. A release is
downloaded once into the cache (``$CADATA_CACHE``), its sha256 checked against releases.json
before anything is kept, unpacked by the checks of ``cadata._zippkg`` and then used offline.
The bundled data is the current version and is never downloaded.

The download address is configured here only: ``DEFAULT_URL``, or ``$CADATA_RELEASES_URL``
(a template with ``{version}`` and ``{file}``, or a folder URL the file name is appended to).
In a source checkout without ``$CADATA_RELEASES_URL``, a release zip committed in
``releases/`` is used instead of a download (checked the same way).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any, NamedTuple

from cadata import _http
from cadata.errors import IntegrityError, InvalidArgumentError, PackageError, UnknownVersionError

#: Environment variable: where releases are downloaded from (a template or a folder URL).
RELEASES_ENV = "CADATA_RELEASES_URL"
#: The project's release assets on its code host; ``{version}`` and ``{file}`` are filled in.
DEFAULT_URL = "https://github.com/cadata-project/cadata/releases/download/v{version}/{file}"
#: Names that mean the bundled data (besides its version number).
CURRENT = ("current", "bundled")
RELEASES_FILE = Path(__file__).with_name("releases.json")
_VERSION = re.compile(r"[0-9]+(\.[0-9]+){1,3}")


class Release(NamedTuple):
    """One release of cadata, as ``cadata.versions()`` lists it."""

    version: str
    date: str
    file: str
    sha256: str | None
    bytes: int | None
    doi: str | None
    #: True for the data bundled with this cadata (no download needed).
    bundled: bool
    #: True when the release zip was downloaded and verified into the cache (or is bundled).
    cached: bool


@functools.cache
def _recorded() -> tuple[dict[str, Any], ...]:
    """releases.json's entries, read once."""
    data = json.loads(RELEASES_FILE.read_text(encoding="utf-8"))
    return tuple(data["releases"])


def version_key(version: str) -> tuple[int, ...]:
    """``"0.10.1"`` -> ``(0, 10, 1)``, for ordering versions."""
    return tuple(int(p) for p in version.split("."))


def current_version() -> str:
    from cadata import __version__

    return __version__


def is_current(version: str) -> bool:
    """Whether ``version`` names the bundled data ("current", "bundled" or this cadata's version)."""
    return version in CURRENT or version == current_version()


def check_version(version: object) -> str:
    """A version as text, else InvalidArgumentError."""
    if not isinstance(version, str) or not version:
        raise InvalidArgumentError(f"version={version!r}: give a release version as text, e.g. '0.1.0' (cadata.versions() lists them)")
    return version


def entry(version: str) -> dict[str, Any]:
    """releases.json's entry for ``version``; UnknownVersionError lists the known ones."""
    check_version(version)
    for item in _recorded():
        if item["version"] == version:
            return item
    known = ", ".join([*(str(r["version"]) for r in _recorded()), f"{current_version()} (bundled)"])
    hint = "" if _VERSION.fullmatch(version) else " (a version is numbers and dots, e.g. 0.1.0)"
    raise UnknownVersionError(
        f"cadata has no release {version[:40]!r}{hint}; the releases it knows: {known}. "
        "A newer release needs a newer cadata (pip install -U cadata)"
    )


def url_of(item: dict[str, Any]) -> str:
    """Where a release's zip is downloaded from: $CADATA_RELEASES_URL, else DEFAULT_URL."""
    import os

    template = os.environ.get(RELEASES_ENV) or DEFAULT_URL
    if "{file}" not in template and "{version}" not in template:
        template = template.rstrip("/") + "/{file}"
    return template.replace("{version}", str(item["version"])).replace("{file}", str(item["file"]))


def local_copy(item: dict[str, Any]) -> Path | None:
    """The release's zip committed in the source checkout (``releases/``), used when
    $CADATA_RELEASES_URL is not set, so that a clone diffs against it offline; else None."""
    import os

    from cadata import _paths

    root = _paths.checkout_root()
    if os.environ.get(RELEASES_ENV) or root is None:
        return None
    path = root / "releases" / str(item["file"])
    return path if path.is_file() else None


def cache_folder(item: dict[str, Any]) -> Path:
    """The cached, unpacked release: named by its version and recorded sha256."""
    from cadata.packages import cache_dir

    return cache_dir() / "releases" / f"{item['version']}-{str(item['sha256'])[:16]}"


def is_cached(item: dict[str, Any]) -> bool:
    try:
        return (cache_folder(item) / "datapackage.json").is_file()
    except PackageError:
        return False


def package_folder(version: str, refresh: bool = False, *, deadline: float | None = None) -> Path:
    """The folder holding release ``version``: the bundled data for the current one, else the cached download."""
    check_version(version)
    if is_current(version):
        from cadata import _paths

        return _paths.datasets_dir()
    return fetch(version, refresh, deadline=deadline)


def fetch(version: str, refresh: bool = False, *, deadline: float | None = None) -> Path:
    """Download release ``version`` once, verify its sha256, unpack it into the cache; its folder.

    Once cached, no network is used (``refresh=True`` downloads again). A zip whose size or
    sha256 differs from releases.json raises IntegrityError and nothing is kept."""
    from cadata import _zippkg
    from cadata.packages import _staging, _swap_in

    item = entry(version)
    target = cache_folder(item)
    if (target / "datapackage.json").is_file() and not refresh:
        return target
    local = local_copy(item)
    url = str(local) if local is not None else url_of(item)
    seconds = _http.deadline_seconds(deadline)
    size, expected = int(item["bytes"]), str(item["sha256"])
    with _staging(target) as staging:
        archive = staging / str(item["file"])
        digest = hashlib.sha256()
        with archive.open("wb") as out:

            def sink(chunk: bytes) -> None:
                digest.update(chunk)
                out.write(chunk)

            too_large = (f"{_http.shown(url)}: sends more than the {size} bytes releases.json records for cadata {version}; "
                         f"it is not that release, so nothing was cached; check ${RELEASES_ENV} or try again later")
            try:
                got = _copy(local, sink, size, too_large) if local is not None else _http.stream(
                    url, sink, limit=size, seconds=seconds, too_large=too_large)
            except PackageError as exc:
                if str(exc) == too_large:  # a longer file is a changed release: an integrity error
                    raise IntegrityError(too_large) from None
                raise
        if got != size or digest.hexdigest() != expected:
            raise IntegrityError(
                f"{_http.shown(url)}: the release zip of cadata {version} has {got} bytes and sha256 {digest.hexdigest()}, "
                f"releases.json records {size} bytes and {expected}; it is damaged or not the published release, "
                f"so nothing was cached; try again later, or check ${RELEASES_ENV}"
            )
        package = _zippkg.open_package(archive, f"{_http.shown(url)} (cadata {version})")
        with package.archive:
            (staging / "package").mkdir()
            package.extract(staging / "package")
        _swap_in(staging / "package", target, refresh)
    return target


def _copy(path: Path, sink: Any, limit: int, too_large: str) -> int:
    """A local release zip into ``sink``, at most ``limit`` bytes (PackageError ``too_large`` beyond)."""
    size = 0
    with path.open("rb") as source:
        while chunk := source.read(min(1 << 16, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise PackageError(too_large)
            sink(chunk)
    return size


def versions() -> list[Release]:
    """Every release cadata knows, oldest first, and whether each is bundled or cached.

    The current version is listed even before its release is recorded (it is bundled)."""
    current = current_version()
    out = [
        Release(
            str(r["version"]), str(r["date"]), str(r["file"]), r.get("sha256"), r.get("bytes"), r.get("doi"),
            r["version"] == current, r["version"] == current or is_cached(r),
        )
        for r in _recorded()
    ]
    if all(r.version != current for r in out):
        from cadata.citation import RELEASE_DATE

        out.append(Release(current, RELEASE_DATE, f"cadata-{current}.zip", None, None, None, True, True))
    return sorted(out, key=lambda r: version_key(r.version))


def previous(version: str) -> dict[str, Any] | None:
    """The latest recorded release before ``version``, or None."""
    older = [r for r in _recorded() if version_key(str(r["version"])) < version_key(version)]
    return max(older, key=lambda r: version_key(str(r["version"]))) if older else None


# --- writing a release zip ---------------------------------------------------------------


def release_epoch() -> int:
    """The release's time as $SOURCE_DATE_EPOCH would give it: the release date (00:00 UTC)."""
    import calendar
    import os

    from cadata.citation import RELEASE_DATE

    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(epoch)
    return calendar.timegm(time.strptime(RELEASE_DATE, "%Y-%m-%d"))


def build_zip(out: Path, fmt: str = "all") -> Path:
    """Write the current release zip ``out`` (``cadata-<version>.zip``) from the bundled data,
    deterministically: every member dated by the release date. ``all``: the Parquet and CSV
    tables (R's frictionless reads the CSV ones) and a labelled Stata file per table."""
    import os
    import shutil
    import tempfile

    from cadata.export import Format, write_package, zip_folder

    formats: dict[str, Format] = {"parquet": "parquet", "csv": "csv", "both": "both", "all": "all"}
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cadata-release-", dir=out.parent))
    try:
        write_package(staging / "package", formats[fmt])
        zip_folder(staging / "package", staging / out.name, release_epoch())
        os.replace(staging / out.name, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def record(zip_path: Path, version: str, date: str, releases_file: Path = RELEASES_FILE) -> dict[str, Any]:
    """Add or update ``version``'s entry in releases.json from the zip at ``zip_path``; the entry.

    A DOI already recorded is kept."""
    data = zip_path.read_bytes()
    document = json.loads(releases_file.read_text(encoding="utf-8"))
    old = {str(r["version"]): r for r in document["releases"]}
    item = {
        "version": version, "date": date, "file": f"cadata-{version}.zip",
        "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "doi": old.get(version, {}).get("doi"),
    }
    old[version] = item
    document["releases"] = sorted(old.values(), key=lambda r: version_key(str(r["version"])))
    releases_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _recorded.cache_clear()
    return item


def make_release(dist: Path, releases_file: Path = RELEASES_FILE) -> list[Path]:
    """The release job's data part (``python3 tasks.py release``): ``dist/cadata-<version>.zip``
    and its ``.sha256``, recorded in releases.json, then checked: the zip validates with
    frictionless (no error, no warning), every table loads from it, and it diffs to nothing
    against the bundled data. Returns the files written."""
    from cadata.citation import RELEASE_DATE
    from cadata.differences import diff
    from cadata.errors import BuildError

    version = current_version()
    dist.mkdir(parents=True, exist_ok=True)
    archive = build_zip(dist / f"cadata-{version}.zip")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    checksum = dist / f"{archive.name}.sha256"
    checksum.write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
    item = record(archive, version, RELEASE_DATE, releases_file)
    from frictionless import Package

    report = Package(str(archive)).validate()
    if not report.valid or report.stats["warnings"]:
        raise BuildError(f"{archive}: frictionless reports {report.stats['errors']} errors and {report.stats['warnings']} warnings")
    from cadata.loading import load
    from cadata.packages import unzip

    folder = unzip(archive)
    from cadata._catalog import list_datasets

    for name in list_datasets(folder):
        load(name, package=folder)
    changed = diff(str(archive), "current")
    if not changed.empty:
        raise BuildError(f"{archive}: differs from the bundled data:\n{changed}")
    print(f"{archive.name}: {item['bytes']} bytes, sha256 {digest}; recorded in {RELEASES_FILE.name}; "
          f"valid, loads back, no difference from the bundled data")
    return [archive, checksum]


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "--release":
        sys.exit("usage: python -m cadata.releases --release DIST")
    make_release(Path(sys.argv[2]))
