#!/usr/bin/env python3
"""Set up and run cadata's jobs with nothing but python3 (>= 3.11).

    python3 tasks.py demo   # set up, build the tables, validate them, show the catalog
    python3 tasks.py test   # set up, check the build is fresh, mypy --strict, pytest
    python3 tasks.py release  # dist/: the wheel, the sdist, cadata-<version>.zip and its .sha256

Set-up creates ./.venv and installs cadata with its test extra, pinned by
constraints.txt (so every machine builds byte-identical Parquet files); it is
skipped when nothing it depends on has changed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".cadata-setup"


def run(*args: str | Path) -> None:
    """Run a command in the checkout; stop with its exit code if it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code:
        sys.exit(code)


def setup(extra: str = "test") -> None:
    """Create .venv and install cadata (editable, with ``extra`` unless empty) if anything changed.

    ``demo`` needs only cadata itself; ``test`` adds the test extra (mypy, pytest, polars,
    DuckDB, matplotlib). A venv set up for the tests serves the demo too."""
    if sys.version_info < (3, 11):
        sys.exit(f"cadata needs Python >= 3.11; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in ("pyproject.toml", "constraints.txt"))).hexdigest()
    done = STAMP.read_text().split() if STAMP.is_file() else []
    if PYTHON.exists() and done[:1] == [wanted] and (not extra or extra in done[1:]):
        return
    what = f"cadata[{extra}]" if extra else "cadata"
    print(f"setting up .venv: installing {what} and its dependencies (the first install takes a few minutes)", flush=True)
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    spec = f".[{extra}]" if extra else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", "constraints.txt", "-e", spec)
    extras = sorted({*done[1:], extra} - {""}) if done[:1] == [wanted] else ([extra] if extra else [])
    STAMP.write_text(" ".join([wanted, *extras]))


def setup_demo() -> None:
    """Set up only what the demo needs: cadata and its dependencies, no test tools."""
    setup("")


def demo() -> None:
    """The main job: build every table, validate it, and show the catalog."""
    setup_demo()
    run(BIN / "cadata", "build")
    run(BIN / "cadata", "validate")
    run(BIN / "cadata", "list")


def test() -> None:
    """Everything CI checks."""
    setup()
    run(BIN / "cadata", "build", "--check")
    run(BIN / "mypy")
    run(PYTHON, "-m", "pytest")


def release() -> None:
    """The release: the zip of the catalog and its sha256 (recorded in src/cadata/releases.json,
    checked to validate, load back and diff to nothing against the bundled data), then the
    wheel and the sdist (which carry that releases.json), all in dist/."""
    setup()
    run(BIN / "cadata", "build", "--check")  # the data released is the data built
    run(PYTHON, "-m", "cadata.changes", "--check")  # and its changelog is current
    dist = ROOT / "dist"
    for old in dist.glob("cadata-*"):
        old.unlink()
    run(PYTHON, "-m", "cadata.releases", "--release", dist)
    run(PYTHON, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", dist, ".")  # hatchling: the test extra
    print("dist/:", ", ".join(sorted(p.name for p in dist.glob("cadata-*"))))


JOBS = {"setup": setup, "demo": demo, "test": test, "release": release}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}}")
    JOBS[sys.argv[1]]()
