#!/usr/bin/env python3
"""Rebuild an old release's zip from its git tag, deterministically (how cadata-0.1.0.zip was made).

    .venv/bin/python releases/rebuild.py v0.1.0 releases/cadata-0.1.0.zip

Checks the tag out into a temporary git worktree, exports its bundled package (Parquet, as
that version's ``cadata export`` wrote it) with that version's own code and this venv's
libraries, dated by the tagged commit ($SOURCE_DATE_EPOCH), and zips it with
``cadata.export.zip_folder`` (sorted members, fixed dates). The Parquet files are copied
byte for byte from the tag, so the zip does not depend on the libraries installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(tag: str, out: Path) -> None:
    from cadata.export import zip_folder

    epoch = subprocess.check_output(["git", "show", "-s", "--format=%ct", f"{tag}^{{commit}}"], cwd=ROOT, text=True).strip()
    with tempfile.TemporaryDirectory() as temp:
        tree, package = Path(temp) / "tree", Path(temp) / "package"
        subprocess.check_call(["git", "worktree", "add", "--detach", "--quiet", str(tree), tag], cwd=ROOT)
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src"), "SOURCE_DATE_EPOCH": epoch}
            env.pop("CADATA_DATASETS_DIR", None)
            code = "import sys; from pathlib import Path; from cadata.export import write_package; write_package(Path(sys.argv[1]), 'parquet')"
            subprocess.check_call([sys.executable, "-c", code, str(package)], cwd=tree, env=env)
        finally:
            subprocess.call(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT)
        zip_folder(package, out, int(epoch))
    print(out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: releases/rebuild.py TAG OUT.zip")
    main(sys.argv[1], Path(sys.argv[2]))
