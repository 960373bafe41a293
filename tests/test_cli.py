"""The command line: output, formats and exit codes (0 ok, 1 failed check, 2 usage)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cadata.cli import main


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cadata", *args], capture_output=True, text=True)


def test_list() -> None:
    result = _cli("list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("ca_fighter_estimates")
    assert "56 rows" in result.stdout


def test_show_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "kz_hotline_reports", "--format", "csv"]) == 0
    df = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(df["value"]) == [258, 365, 612, 2088, 2156, 2295, 3251]
    assert main(["show", "ca_fighter_estimates", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["as_printed"] == "3,000\u20133,500" and rows[3]["low"] is None
    assert main(["show", "kz_hotline_reports"]) == 0
    assert "3251" in capsys.readouterr().out


def test_info_prints_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "ca_fighter_estimates"]) == 0
    out = capsys.readouterr().out
    assert "Bahtier Ergashev" in out and "printed page(s) 199" in out


@pytest.mark.parametrize(
    "args",
    [[], ["frobnicate"], ["show"], ["show", "kz_hotline_reports", "--format", "xml"], ["show", "no_such_table"], ["info", "../datapackage"]],
)
def test_usage_errors_exit_2_on_stderr(args: list[str]) -> None:
    result = _cli(*args)
    assert result.returncode == 2, result
    assert result.stdout == "" and result.stderr.strip()
    assert "Traceback" not in result.stderr


def test_unknown_name_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "kz_hotline_shares"]) == 2
    assert "did you mean kz_hotline_report_shares" in capsys.readouterr().err


def test_validate_ok_and_failing(datasets_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "ok      kz_hotline_report_shares (56 rows)" in out
    assert "ok      datapackage.json (frictionless)" in out
    path = datasets_copy / "kz_hotline_reports.parquet"
    path.write_bytes(path.read_bytes()[:-10])
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  kz_hotline_reports" in out and "kz_hotline_reports.parquet" in out


def test_tampered_load_exits_1(datasets_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = datasets_copy / "kz_hotline_reports.parquet"
    path.write_bytes(b"PAR1" + path.read_bytes()[4:][::-1])
    assert main(["show", "kz_hotline_reports"]) == 1
    assert "kz_hotline_reports.parquet" in capsys.readouterr().err


def test_build_check_exit_codes(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--check", "--root", str(checkout)]) == 0
    parquet = checkout / "datasets" / "kz_hotline_reports.parquet"
    parquet.write_bytes(parquet.read_bytes() + b"\0")
    assert main(["build", "--check", "--root", str(checkout)]) == 1
    assert "datasets/kz_hotline_reports.parquet: stale" in capsys.readouterr().err
    assert main(["build", "--root", str(checkout)]) == 0
    assert main(["build", "--check", "--root", str(checkout)]) == 0


def test_build_with_bad_input_exits_1(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = checkout / "curated" / "kz_hotline_reports.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2088,2088,", ",x,2088,"), encoding="utf-8")
    assert main(["build", "--root", str(checkout)]) == 1
    assert "kz_hotline_reports.csv, row 4 (line 5), column low" in capsys.readouterr().err
