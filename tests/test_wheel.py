"""The wheel carries the data: an installed cadata works with no checkout and no network."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (built,) = out.glob("cadata-*.whl")
    return built


def test_wheel_contains_data_schemas_and_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in ("kz_hotline_reports", "kz_hotline_report_shares", "ca_fighter_estimates"):
        assert f"cadata/_data/datasets/{table}.parquet" in names
        assert f"cadata/_data/schemas/{table}.json" in names
    assert "cadata/_data/datasets/datapackage.json" in names
    assert "cadata/py.typed" in names
    licences = {n.split(".dist-info/licenses/", 1)[1] for n in names if ".dist-info/licenses/" in n}
    assert licences == {"LICENSE", "LICENSE-DATA", "LICENSES/CC-BY-4.0.txt"}
    metadata = next(zipfile.ZipFile(wheel).read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert "License-Expression: MIT AND CC-BY-4.0" in metadata


def test_unpacked_wheel_loads_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import cadata, pathlib; df = cadata.load('kz_hotline_reports'); "
        "assert list(df['value'])[-1] == 3251; "
        "assert pathlib.Path(cadata.__file__).is_relative_to(pathlib.Path(r'%s'))" % site
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_read_only_install_works_offline(wheel: Path, tmp_path: Path) -> None:
    """The unpacked wheel made read-only; sockets blocked, writes refused, run from /."""
    import os
    import stat

    from tests.test_robustness import run_guarded

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    for path in [*site.rglob("*"), site]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        result = run_guarded("/", pythonpath=str(site))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("ok ")
    finally:
        for path in [site, *site.rglob("*")]:
            os.chmod(path, path.stat().st_mode | stat.S_IWUSR)
