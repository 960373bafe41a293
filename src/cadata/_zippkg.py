"""Reading a zipped data package (``cadata export --zip``) without trusting the archive.

The archive is refused whole if any member is unsafe: an absolute path, a ``..`` part, a
backslash or drive letter, a symbolic link, more than ``MAX_MEMBERS`` members or more than
``MAX_EXPANDED_BYTES`` once expanded. Only the files its datapackage.json names are
extracted, each by its plain file name, bounded by its recorded size and checked against
its recorded sha256 as it is written.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadata import _descriptor
from cadata.errors import IntegrityError, PackageError

MAX_MEMBERS = 10_000
MAX_EXPANDED_BYTES = 2 << 30
MAX_DESCRIPTOR_BYTES = 16 << 20
#: What zipfile and zlib raise for a damaged, encrypted or unsupported archive.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError, ValueError)


def unsafe_member(info: zipfile.ZipInfo) -> str | None:
    """Why an archive member may not be in a package, or None."""
    name = info.filename
    parts = name.rstrip("/").split("/")
    if name.startswith("/") or "\\" in name or "\x00" in name or ":" in parts[0] or any(p in ("", ".", "..") for p in parts):
        return f"member {name[:120]!r} has an absolute or parent path"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"member {name[:120]!r} is a symbolic link"
    return None


@dataclass
class ZipPackage:
    """An open, checked archive and its datapackage.json."""

    archive: zipfile.ZipFile
    where: str
    prefix: str
    raw: bytes
    descriptor: dict[str, Any]

    def extract(self, folder: Path) -> None:
        """Write every resource's file into ``folder`` (which must exist), each verified."""
        total = 0
        for resource in self.descriptor["resources"]:
            rel = str(resource["path"])
            size = int(resource.get("cadata_bytes", resource.get("bytes", 0)))
            total += size
            if total > MAX_EXPANDED_BYTES:
                raise PackageError(f"{self.where}: its files record more than {MAX_EXPANDED_BYTES} bytes in all; refused")
            try:
                info = self.archive.getinfo(self.prefix + rel)
            except KeyError:
                raise PackageError(f"{self.where}: has no member {self.prefix + rel!r}, which datapackage.json names") from None
            digest, written = hashlib.sha256(), 0
            try:
                with self.archive.open(info) as source, (folder / rel).open("wb") as out:
                    while chunk := source.read(min(1 << 16, size + 1 - written)):
                        written += len(chunk)
                        if written > size:
                            break
                        digest.update(chunk)
                        out.write(chunk)
            except ZIP_ERRORS as exc:
                raise PackageError(f"{self.where}: member {rel!r} cannot be read ({exc})") from None
            expected = str(resource["hash"])[len("sha256:") :].lower()
            if written != size or digest.hexdigest() != expected:
                raise IntegrityError(
                    f"{self.where}: member {rel!r} has {'more than ' if written > size else ''}{written} bytes and "
                    f"sha256 {digest.hexdigest()}, datapackage.json records {size} bytes and {expected}; "
                    "the archive is damaged or was changed; download it again or ask its publisher"
                )
        (folder / "datapackage.json").write_bytes(self.raw)


def open_package(path: Path, where: str) -> ZipPackage:
    """The checked archive at ``path``; PackageError if it is unreadable or unsafe."""
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise PackageError(f"{where}: not a readable zip archive ({exc})") from None
    try:
        return _checked(archive, where)
    except BaseException:
        archive.close()
        raise


def _checked(archive: zipfile.ZipFile, where: str) -> ZipPackage:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackageError(f"{where}: has {len(infos)} members, more than {MAX_MEMBERS}; not a data package")
    if sum(i.file_size for i in infos) > MAX_EXPANDED_BYTES:
        raise PackageError(f"{where}: expands to more than {MAX_EXPANDED_BYTES} bytes; refused")
    for info in infos:
        if problem := unsafe_member(info):
            raise PackageError(f"{where}: {problem}; cadata refuses the archive")
    found = [
        i for i in infos
        if i.filename == "datapackage.json" or (i.filename.count("/") == 1 and i.filename.endswith("/datapackage.json"))
    ]
    if len(found) != 1:
        raise PackageError(
            f"{where}: has {len(found) or 'no'} datapackage.json (expected one, at the top or in one folder); not a data package"
        )
    info = found[0]
    if info.file_size > MAX_DESCRIPTOR_BYTES:
        raise PackageError(f"{where}: its datapackage.json is larger than {MAX_DESCRIPTOR_BYTES} bytes")
    try:
        with archive.open(info) as handle:
            raw = handle.read(MAX_DESCRIPTOR_BYTES + 1)
    except ZIP_ERRORS as exc:
        raise PackageError(f"{where}: its datapackage.json cannot be read ({exc})") from None
    if len(raw) > MAX_DESCRIPTOR_BYTES:
        raise PackageError(f"{where}: its datapackage.json is larger than {MAX_DESCRIPTOR_BYTES} bytes")
    try:
        descriptor = _descriptor.parse(raw)
    except _descriptor.Invalid as exc:
        raise PackageError(f"{where}: {exc}; ask the package's publisher") from None
    return ZipPackage(archive, where, info.filename[: -len("datapackage.json")], raw, descriptor)
