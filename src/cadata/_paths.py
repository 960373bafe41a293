"""Where cadata's files are: the shipped data, the source checkout, the source text."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
SOURCE_FILENAME = "000_8acdebc4dfc70d30.txt"
SOURCE_SHA256 = "b4b4a3ac87aa1aba5b4fc2c792630a20be86ae37baa3d67f6725d6f011b1ca93"

#: Environment variable naming another folder of datasets (a datapackage.json and
#: its Parquet files) to read instead of the bundled one.
DATASETS_ENV = "CADATA_DATASETS_DIR"
#: Environment variable naming the source text file, or the folder that holds it.
SOURCE_ENV = "CADATA_SOURCE"


def checkout_root() -> Path | None:
    """The source checkout this package runs from, or None for an installed wheel."""
    root = _PACKAGE.parent.parent
    if (root / "curated").is_dir() and (root / "pyproject.toml").is_file():
        return root
    return None


def _bundled(kind: str) -> Path:
    installed = _PACKAGE / "_data" / kind
    if installed.is_dir():
        return installed
    root = checkout_root()
    return (root / kind) if root is not None else installed


def datasets_dir() -> Path:
    """The folder holding datapackage.json and the Parquet files in use."""
    override = os.environ.get(DATASETS_ENV)
    return Path(override) if override else _bundled("datasets")


def source_text_path() -> Path | None:
    """The volume's text: $CADATA_SOURCE, else ../shared/source/ beside the checkout."""
    candidates: list[Path] = []
    env = os.environ.get(SOURCE_ENV)
    if env:
        p = Path(env)
        candidates.append(p / SOURCE_FILENAME if p.is_dir() else p)
    root = checkout_root()
    if root is not None:
        candidates.append(root.parent / "shared" / "source" / SOURCE_FILENAME)
    candidates.append(Path.cwd().parent / "shared" / "source" / SOURCE_FILENAME)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, ValueError, RuntimeError):
        return False


def is_bundled(folder: Path) -> bool:
    """Whether ``folder`` is the data shipped with cadata (not $CADATA_DATASETS_DIR or a package)."""
    return _same(folder, _bundled("datasets"))


def remedy(folder: Path) -> str:
    """What to do about a damaged package: reinstall cadata only for the bundled one (or the
    folder $CADATA_DATASETS_DIR puts in its place); for any other, get it again."""
    if is_bundled(folder):
        return "reinstall cadata (in a source checkout, run `cadata build`)"
    override = os.environ.get(DATASETS_ENV)
    if override and _same(folder, Path(override)):
        return (
            f"restore {folder}, which ${DATASETS_ENV} names instead of the bundled data, or unset "
            "it (and reinstall cadata if the bundled data is damaged too)"
        )
    return (
        f"the package in {folder} is not usable as it is: download it again (`cadata fetch --refresh URL` "
        "for a fetched one) or ask its publisher"
    )


def child(folder: Path, filename: str) -> Path:
    """``folder / filename``, refusing any name that would leave the folder (IntegrityError)."""
    from cadata.errors import IntegrityError

    target = folder / filename
    if not filename or "\x00" in filename or filename in (".", "..") or target.parent != folder or target.name != filename:
        raise IntegrityError(f"{folder}: refusing to write {filename[:80]!r}, which is not a plain file name in that folder")
    return target
