"""Issue 12: validation where users work. A user's file, DataFrame or data package against
cadata's contracts; text, JSON (Frictionless report shape) and JUnit outputs that agree; the
pytest helper; the pre-commit hook and the GitHub Action's command on a temporary repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import cadata
from cadata.cli import main
from cadata.testing import assert_valid
from tests.test_contracts import HOTLINE_2018, extended

ROOT = Path(__file__).resolve().parent.parent
CADATA = Path(sys.executable).parent / "cadata"
TABLE = "kz_hotline_reports"

#: Ten and more kinds of bad user row: the change to the new (2018) row, and the rule and
#: column the breach must name. The new row is the 8th data row: file line 9 of the CSV.
BAD_ROWS: dict[str, tuple[dict[str, Any], str, str | None]] = {
    "a number that is not a number": ({"year_start": "twenty"}, "type integer", "year_start"),
    "a required field left empty": ({"paper_id": None}, "required", "paper_id"),
    "a duplicate primary key": ({"year_start": 2017, "year_end": 2017, "period": "in 2017"}, "primaryKey (unique)", None),
    "a code breaking its pattern": ({"iso3": "kz"}, "pattern ^[A-Z]{3}$", "iso3"),
    "a code that is no country's": ({"iso3": "XXX"}, "iso3_matches_country", None),
    "a page outside the volume": ({"page": 5}, "minimum 6", "page"),
    "a paper that is not in the register": ({"paper_id": "nobody"}, "foreign_key_paper_id", None),
    "low above high": ({"low": 5000.0, "high": 4000.0}, "low_le_high", None),
    "as_printed disagreeing with the numbers": ({"as_printed": "3,000"}, "estimate_matches_print", None),
    "years out of order": ({"year_end": 2017}, "years_in_order", None),
    "a negative count": ({"low": -5.0, "high": -5.0, "value": -5.0, "as_printed": "-5"}, "count_not_negative", None),
    "a quote too short": ({"quote": "x"}, "minLength 3", "quote"),
}


def _extension() -> pd.DataFrame:
    return extended(TABLE, HOTLINE_2018)


def _bad(change: dict[str, Any]) -> pd.DataFrame:
    frame = _extension()
    for column, value in change.items():
        frame.loc[len(frame) - 1, column] = value
    return frame


def _cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CADATA), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_a_users_valid_extension_passes(tmp_path: Path) -> None:
    frame = _extension()
    report = cadata.validate(frame, table=TABLE)
    assert report.ok and bool(report) and report.breaches == []
    assert_valid(frame, TABLE)
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", "--table", TABLE, str(path)]) == 0
    assert cadata.validate(path, table=TABLE).ok
    from cadata import _catalog
    from cadata.validation import coerce_frame

    parquet = tmp_path / f"{TABLE}.parquet"  # named after its table: no --table needed
    coerce_frame(frame, _catalog.resource(TABLE)["schema"])[0].to_parquet(parquet)
    assert main(["validate", "--table", TABLE, str(path), str(parquet)]) == 0
    assert main(["validate", str(parquet)]) == 0


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_each_kind_of_bad_row_fails_with_its_location(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    change, rule, column = BAD_ROWS[kind]
    frame = _bad(change)
    report = cadata.validate(frame, table=TABLE)
    assert not report.ok
    assert any(b.rule == rule and b.row == len(frame) - 1 and b.column == column for b in report.breaches), report
    path = tmp_path / "mine.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", "--table", TABLE, str(path)]) == 1
    out = capsys.readouterr().out
    where = f"{path}: line 9" + (f", column {column}" if column else "")
    assert f"{where}: breaks {rule}" in out, out
    with pytest.raises(AssertionError, match=re.escape(rule)):
        assert_valid(frame, TABLE)


def _several_bad(tmp_path: Path) -> Path:
    frame = _extension()
    rows = [frame]
    for change, _, _ in list(BAD_ROWS.values())[:6]:
        row = _bad(change).iloc[[-1]].copy()
        row["year_start"] = row["year_end"] = 2020 + len(rows) if "year_start" not in change else row["year_start"]
        rows.append(row)
    path = tmp_path / "several.csv"
    pd.concat(rows, ignore_index=True).to_csv(path, index=False)
    return path


def test_json_and_junit_parse_and_agree_with_the_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _several_bad(tmp_path)
    outputs = {}
    for fmt in ("text", "json", "junit"):
        assert main(["validate", "--table", TABLE, str(path), "--format", fmt]) == 1
        outputs[fmt] = capsys.readouterr().out
    text = [line.strip() for line in outputs["text"].splitlines() if line.startswith(" ")]
    assert len(text) >= 6 and all(line.startswith(f"{path}: ") for line in text)
    report = json.loads(outputs["json"])
    assert report["valid"] is False and report["stats"]["errors"] == len(text)
    (task,) = report["tasks"]
    assert task["name"] == TABLE and task["place"] == str(path) and task["valid"] is False
    assert [e["message"] for e in task["errors"]] == text
    for error in task["errors"]:
        assert {"type", "title", "note", "message", "tags"} <= set(error)
        if "rowNumber" in error:  # the file line, as frictionless counts rows
            assert f": line {error['rowNumber']}" in error["message"]
    suite = ET.fromstring(outputs["junit"])
    cases = suite.findall(".//testcase")
    assert [c.get("name") for c in cases] == [TABLE]
    failure = cases[0].find("failure")
    assert failure is not None and (failure.text or "").splitlines() == text
    assert suite.get("failures") == "1" and failure.get("message", "").startswith(f"{len(text)} breach(es)")


def test_json_of_the_bundled_catalog_lists_every_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {t["name"] for t in report["tasks"]}
    assert set(cadata.list_datasets()) <= names and report["valid"] is True
    assert main(["validate", "--format", "junit"]) == 0
    assert len(ET.fromstring(capsys.readouterr().out).findall(".//testcase")) == len(report["tasks"])


def test_assert_valid_lists_the_broken_rules() -> None:
    frame = _bad({"low": 5000.0, "high": 4000.0, "iso3": "kz"})
    with pytest.raises(AssertionError) as caught:
        assert_valid(frame, TABLE)
    message = str(caught.value)
    assert "broken rules:" in message and "low_le_high" in message and "pattern ^[A-Z]{3}$" in message
    assert "row 7, column iso3" in message


def test_validate_arguments_are_cadata_errors(tmp_path: Path) -> None:
    with pytest.raises(cadata.InvalidArgumentError):
        cadata.validate(_extension())  # no table named
    with pytest.raises(cadata.InvalidArgumentError):
        cadata.validate(42, table=TABLE)
    with pytest.raises(cadata.UnknownDatasetError):
        cadata.validate(_extension(), table="no_such_table")
    with pytest.raises(cadata.CadataError):
        cadata.validate(tmp_path / "missing.csv", table=TABLE)
    with pytest.raises(cadata.CadataError):
        cadata.validate(tmp_path / "no-package-here")
    with pytest.raises(cadata.UnknownDatasetError):
        cadata.validate(tmp_path / "not_a_table.csv")


def test_validate_usage_errors_exit_2(tmp_path: Path) -> None:
    for argv in (["validate", "--table", TABLE], ["validate", "a", "b"], ["validate", "--against", "cadata"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
    assert main(["validate", "--table", "no_such_table", str(tmp_path / "x.csv")]) == 2


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV data package exported by cadata (its own schemas), to extend and to break."""
    from cadata.export import export

    return export(tmp_path_factory.mktemp("pkg") / "package", "csv", False)


def _broken_copy(package: Path, where: Path) -> Path:
    copy = where / "broken"
    shutil.copytree(package, copy)
    csv = copy / f"{TABLE}.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame.loc[0, "low"] = "999999"  # low above high, and not the printed number
    frame.to_csv(csv, index=False)
    return copy


def test_any_package_against_cadata_green_and_red(package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(package), "--against", "cadata"]) == 0
    assert main(["validate", str(package / "datapackage.json"), "--against", "cadata"]) == 0
    capsys.readouterr()
    broken = _broken_copy(package, tmp_path)
    assert main(["validate", str(broken), "--against", "cadata"]) == 1
    out = capsys.readouterr().out
    assert f"{broken}/{TABLE}.csv: line 2: breaks low_le_high" in out
    archive = Path(shutil.make_archive(str(tmp_path / "broken"), "zip", broken))
    report = cadata.validate(archive, against="cadata")
    assert not report.ok and {b.rule for b in report.breaches} >= {"low_le_high"}


def test_any_package_against_its_own_schemas(tmp_path: Path) -> None:
    """A user's own package (one CSV table, its own Table Schema) checked by frictionless."""
    from cadata import _catalog

    schema = dict(_catalog.resource(TABLE)["schema"])
    schema.pop("foreignKeys", None)
    folder = tmp_path / "own"
    folder.mkdir()
    _extension().to_csv(folder / "hotline.csv", index=False)
    descriptor = {"name": "mine", "resources": [{"name": "hotline", "path": "hotline.csv", "schema": schema}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert cadata.validate(folder).ok, cadata.validate(folder)
    csv = folder / "hotline.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[lines[0].split(",").index("year_start")] = "not-a-year"
    lines[1] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = cadata.validate(folder / "datapackage.json")
    assert not report.ok
    assert any(b.line == 2 and b.column == "year_start" for b in report.breaches), report
    assert json.loads(report.to_json())["tasks"][0]["errors"][0]["rowNumber"] == 2


def test_a_package_by_url_on_localhost(package: Path, tmp_path: Path) -> None:
    broken = _broken_copy(package, tmp_path)
    handler = partial(SimpleHTTPRequestHandler, directory=str(broken))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        report = cadata.validate(f"http://127.0.0.1:{server.server_port}/", against="cadata")
    finally:
        server.shutdown()
    assert not report.ok and any(b.rule == "low_le_high" for b in report.breaches)


# -- CI glue: the pre-commit hook and the GitHub Action, on a temporary repository ---------

def _repo(tmp_path: Path, frame: pd.DataFrame, file: str = "hotline.csv") -> Path:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    frame.to_csv(repo / "data" / file, index=False)
    env = _git_env(tmp_path)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "data"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    return repo


def _git_env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "PATH": f"{CADATA.parent}{os.pathsep}{os.environ.get('PATH', '')}", "GIT_CONFIG_NOSYSTEM": "1",
    }


def test_the_pre_commit_hooks_run_the_validate_command() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"cadata-validate", "cadata-validate-system"}
    assert {h["entry"] for h in hooks.values()} == {"cadata validate"}
    assert hooks["cadata-validate"]["language"] == "python" and hooks["cadata-validate-system"]["language"] == "system"


@pytest.mark.parametrize("good", [True, False], ids=["green", "red"])
def test_pre_commit_try_repo_green_and_red(good: bool, tmp_path: Path) -> None:
    """``pre-commit try-repo`` of this checkout on a temporary repository whose table file is
    named after the table it extends. The ``system`` hook runs offline (the ``python`` hook
    would build its environment from the package index, which the tests do not reach)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of cadata")
    repo = _repo(tmp_path, _extension() if good else _bad({"low": 5000.0, "high": 4000.0}), f"{TABLE}.csv")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "cadata-validate-system", "--all-files", "--verbose"],
        cwd=repo, capture_output=True, text=True, env=_git_env(tmp_path),
    )
    assert result.returncode == (0 if good else 1), result.stdout + result.stderr
    assert ("Passed" if good else "Failed") in result.stdout
    if not good:
        assert f"data/{TABLE}.csv: line 9: breaks low_le_high" in result.stdout


def _action_step() -> dict[str, Any]:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "validate"]
    return dict(step)


@pytest.mark.parametrize("good", [True, False], ids=["green", "red"])
def test_the_actions_command_green_and_red(good: bool, tmp_path: Path) -> None:
    step = _action_step()
    repo = _repo(tmp_path, _extension() if good else _bad({"as_printed": "3,000"}))
    env = _git_env(tmp_path) | {"CADATA_PATHS": "data/*.csv", "CADATA_TABLE": TABLE, "CADATA_AGAINST": "",
                                "CADATA_FORMAT": "junit", "CADATA_OUTPUT": "report.xml"}
    result = subprocess.run(["bash", "-c", step["run"]], cwd=repo, capture_output=True, text=True, env=env)
    assert result.returncode == (0 if good else 1), result.stderr
    suite = ET.parse(repo / "report.xml").getroot()
    failures = suite.findall(".//failure")
    assert len(failures) == (0 if good else 1)
    if not good:
        assert "data/hotline.csv: line 9: breaks estimate_matches_print" in (failures[0].text or "")
