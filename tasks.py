#!/usr/bin/env python3
"""Set up and run cadata's jobs with nothing but python3 (>= 3.11).

    python3 tasks.py demo   # set up, build the tables, validate them, show the catalog
    python3 tasks.py test   # set up, check the build is fresh, mypy --strict, pytest

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


def setup() -> None:
    """Create .venv and install cadata[test] (editable) if anything changed."""
    if sys.version_info < (3, 11):
        sys.exit(f"cadata needs Python >= 3.11; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in ("pyproject.toml", "constraints.txt"))).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", "constraints.txt", "-e", ".[test]")
    STAMP.write_text(wanted)


def demo() -> None:
    """The main job: build every table, validate it, and show the catalog."""
    setup()
    run(BIN / "cadata", "build")
    run(BIN / "cadata", "validate")
    run(BIN / "cadata", "list")


def test() -> None:
    """Everything CI checks."""
    setup()
    run(BIN / "cadata", "build", "--check")
    run(BIN / "mypy")
    run(PYTHON, "-m", "pytest")


JOBS = {"setup": setup, "demo": demo, "test": test}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}}")
    JOBS[sys.argv[1]]()
