"""Write CITATION.cff and .zenodo.json from curated/datapackage.yaml (the one place for
cadata's release metadata); tests/test_release_metadata.py fails when they differ from
this rendering or disagree with datasets/datapackage.json.

    python3 checks/release_metadata.py     # after changing the metadata, the version or the date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cadata.build.metadata import render  # noqa: E402

if __name__ == "__main__":
    for rel, text in render(ROOT).items():
        (ROOT / rel).write_text(text, encoding="utf-8")
        print(f"wrote {rel}")
