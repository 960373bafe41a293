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


def _mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    snippet = tmp_path / "use_cadata.py"
    snippet.write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True, text=True,
    )


def test_load_keeps_the_backend_return_types(tmp_path: Path) -> None:
    result = _mypy(tmp_path, '''
from typing import assert_type, cast
import pandas as pd
import polars as pl
import pyarrow as pa
import cadata

assert_type(cadata.load("kz_hotline_reports"), pd.DataFrame)
assert_type(cadata.load("facts", backend="arrow"), pa.Table)
assert_type(cadata.load("facts", "polars"), pl.DataFrame)
assert_type(cadata.load("anything", package="elsewhere/datapackage.json"), pd.DataFrame)
assert_type(cadata.load("anything", "arrow", "elsewhere"), pa.Table)
name: str = "facts"
assert_type(cadata.load(cast(cadata.TableName, name)), pd.DataFrame)
assert_type(cadata.find_facts(iso3="UZB"), pd.DataFrame)  # the lazily imported API is exported for mypy too
assert_type(cadata.list_datasets(), list[str])
error: type[cadata.CadataError] = cadata.UnknownDatasetError
''')
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_a_misspelt_table_name(tmp_path: Path) -> None:
    result = _mypy(tmp_path, 'import cadata\n\ncadata.load("kz_hotline_reprts")\n')
    assert result.returncode == 1 and "use_cadata.py:3: error: No overload variant of \"load\"" in result.stdout, result.stdout


def test_mypy_rejects_a_misspelt_column_constant(tmp_path: Path) -> None:
    """The README's pattern: columns through the model's constants, which mypy checks."""
    code = '''
import cadata
from cadata.models import KzHotlineReports

df = cadata.kz_hotline_reports()
values = df[KzHotlineReports.value]
typo = df[KzHotlineReports.valeu]
'''
    result = _mypy(tmp_path, code)
    assert result.returncode == 1, result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'use_cadata.py'}:7:") and '"valeu"' in errors[0], result.stdout


def test_the_column_constant_is_the_column_name() -> None:
    import cadata
    from cadata.models import KzHotlineReports

    df = cadata.kz_hotline_reports()
    assert KzHotlineReports.value == "value" and df[KzHotlineReports.value].equals(df["value"])
