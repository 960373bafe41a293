"""mypy knows each typed loader's return type (run on a snippet, strict)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SNIPPET = '''
from typing import assert_type
from pandera.typing import DataFrame
import cadata
from cadata.models import KzHotlineReports, CaFighterEstimates

assert_type(cadata.kz_hotline_reports(), DataFrame[KzHotlineReports])
assert_type(cadata.ca_fighter_estimates(), DataFrame[CaFighterEstimates])
reports: DataFrame[KzHotlineReports] = cadata.kz_hotline_reports()
'''


def test_typed_loaders_are_typed_for_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "use_cadata.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
