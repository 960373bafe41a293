"""Shared fixtures: the checkout, the source text, and a scratch copy of the checkout."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadata import _paths
from cadata.source_text import read_lines

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def source_path() -> Path:
    """The volume's text ($CADATA_SOURCE, else ../shared/source/); skips when absent."""
    path = _paths.source_text_path()
    if path is None:
        pytest.skip(
            "source text not found: set CADATA_SOURCE to 000_8acdebc4dfc70d30.txt "
            "or place it in ../shared/source/ beside the checkout"
        )
    return path


@pytest.fixture(scope="session")
def lines(source_path: Path) -> list[str]:
    """The source's lines; ``lines[n - 1]`` is line n."""
    return read_lines(source_path)


@pytest.fixture()
def checkout(tmp_path: Path) -> Iterator[Path]:
    """A scratch copy of the inputs and outputs the build reads and writes."""
    copy = tmp_path / "checkout"
    for part in ("curated", "schemas", "datasets"):
        shutil.copytree(ROOT / part, copy / part)
    (copy / "src" / "cadata").mkdir(parents=True)
    for generated in ("models.py", "tables.py"):
        shutil.copy2(ROOT / "src" / "cadata" / generated, copy / "src" / "cadata" / generated)
    shutil.copy2(ROOT / "pyproject.toml", copy / "pyproject.toml")
    yield copy


@pytest.fixture()
def datasets_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped datasets that cadata reads instead of the bundled ones."""
    copy = tmp_path / "datasets"
    shutil.copytree(_paths.datasets_dir(), copy)
    monkeypatch.setenv(_paths.DATASETS_ENV, str(copy))
    return copy


#: The tables of the small checkout: the registers the others refer to, and a few themed tables.
MINI_TABLES = ("papers", "footnotes", "units", "indicators", "kz_hotline_reports", "kz_hotline_report_shares", "ca_fighter_estimates",
               "uz_labour_migrants")
MINI_FILES = ("source_pages.csv", "kz_hotline_report_categories.csv", "datapackage.yaml")


def make_mini_checkout(folder: Path) -> Path:
    """A checkout with only a few tables, built once: the real build on a small input (fast)."""
    from cadata.build import render, write

    for part in ("curated", "schemas", "datasets", "src/cadata"):
        (folder / part).mkdir(parents=True)
    for name in MINI_TABLES:
        for suffix in (".csv", ".yaml"):
            shutil.copy2(ROOT / "curated" / f"{name}{suffix}", folder / "curated")
        shutil.copy2(ROOT / "schemas" / f"{name}.json", folder / "schemas")
    for name in MINI_FILES:
        shutil.copy2(ROOT / "curated" / name, folder / "curated")
    shutil.copy2(ROOT / "pyproject.toml", folder / "pyproject.toml")
    write(folder, render(folder, None))
    return folder


@pytest.fixture(scope="module")
def mini_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small checkout (a few tables), built; tests restore whatever they damage."""
    return make_mini_checkout(tmp_path_factory.mktemp("mini") / "checkout")
