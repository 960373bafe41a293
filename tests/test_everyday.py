"""Everyday use (issue 15): every export format validates, the CLI fits a terminal and says
what it does, search finds numbers and country codes, cite-row takes the key as the user has it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from frictionless import Package

import cadata
from cadata import cli
from cadata.cli import main
from cadata.export import export

ROOT = Path(__file__).resolve().parent.parent


def _no_problems(descriptor: str) -> None:
    report = Package(descriptor).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]
    assert report.stats["errors"] == 0 and report.stats["warnings"] == 0
    assert not any(task.warnings for task in report.tasks)


# --- the data package ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["parquet", "csv"])  # "both" is test_export.py's
@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_every_export_format_validates_with_zero_errors_and_warnings(tmp_path: Path, fmt: str, as_zip: bool) -> None:
    out = export(tmp_path / ("cadata.zip" if as_zip else "cadata"), fmt, as_zip)  # type: ignore[arg-type]
    _no_problems(str(out if as_zip else out / "datapackage.json"))


def test_csv_foreign_keys_point_at_csv_resources(tmp_path: Path) -> None:
    descriptor = json.loads((export(tmp_path / "p", "both") / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            assert target == "" or target in names, (resource["name"], target)
            assert target == "" or target.endswith("-csv") == resource["name"].endswith("-csv"), (resource["name"], target)


def test_out_ending_in_zip_writes_a_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--out", str(tmp_path / "x.zip"), "--format", "csv"]) == 0
    target = tmp_path / "x.zip"
    assert target.is_file() and zipfile.is_zipfile(target)
    assert "datapackage.json" in zipfile.ZipFile(target).namelist()
    out, err = capsys.readouterr()
    assert out.strip() == str(target) and "writing the data package" in err and "as a zip" in err


def test_export_carries_a_readme_and_a_licence(tmp_path: Path) -> None:
    folder = export(tmp_path / "p", "csv")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needed in ("frictionless", "read_resource(package, \"kz_hotline_reports-csv\")", "read_csv(", "DuckDB", "Cite it", "Version"):
        assert needed in readme, needed
    licence = (folder / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in licence and "https://creativecommons.org/licenses/by/4.0/" in licence
    with zipfile.ZipFile(export(tmp_path / "p.zip", "parquet", True)) as archive:
        assert {"README.md", "LICENSE.md"} <= set(archive.namelist())
        assert "read_parquet" in archive.read("README.md").decode()
    export(folder, "csv", force=True)  # an earlier export, README and licence included, is replaced


def test_caveats_are_texts_in_every_card() -> None:
    for name in cadata.list_datasets():
        assert all(isinstance(c, str) for c in cadata.info(name).caveats), name
        card = cadata._catalog.resource(name)["cadata_card"]
        assert all(isinstance(c, str) for c in card.get("caveats", [])), name


# --- the command line ---------------------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"cadata {cadata.__version__}"


def test_every_subcommand_help_has_a_description_argument_help_and_an_example() -> None:
    parser = cli._parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    choices: dict[str, cli._Parser] = sub.choices  # type: ignore[assignment]
    assert len(choices) >= 14
    for name, command in choices.items():
        text = command.format_help()
        assert command.description, name
        assert f"example:\n  cadata {name}" in text, name
        for action in command._actions:
            if action.dest != "help":
                assert action.help, (name, action.dest)


def test_show_columns_and_head(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "kz_hotline_reports", "--columns", "year_start,value", "--head", "2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["year_start,value", "2011,258.0", "2012,365.0"]
    assert main(["show", "kz_hotline_reports", "--columns", "year_start,valeu"]) == 2
    err = capsys.readouterr().err
    assert "no column 'valeu'" in err and "as_printed" in err


def test_show_fits_the_terminal_and_is_whole_when_piped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "footnotes"]) == 0  # not a terminal: rows whole
    piped = capsys.readouterr().out.splitlines()
    assert max(map(len, piped)) > 200
    monkeypatch.setattr(cli, "_terminal_width", lambda: 100)
    assert main(["show", "footnotes"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert max(map(len, shown)) <= 100 and len([line for line in shown if "more column(s) not shown" not in line]) == len(piped)
    assert any("\u2026" in line for line in shown)
    assert shown[0].split()[0] == "footnote"
    monkeypatch.setattr(cli, "_terminal_width", lambda: 30)  # too narrow for every column
    assert main(["show", "facts", "--head", "3"]) == 0
    narrow = capsys.readouterr().out.splitlines()
    assert max(map(len, narrow[:-1])) <= 30 and "more column(s) not shown" in narrow[-1]


def test_list_and_info_wrap_to_the_width(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert max(map(len, listed)) <= 60 and len(listed) > len(cadata.list_datasets())
    assert main(["info", "facts"]) == 0
    card = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 60 or len(line.split()) <= 2 for line in card)  # only a long word (a hash) overflows
    words = " ".join(str(cadata.info("facts")).split())
    assert " ".join(" ".join(card).split()) == words  # wrapped, nothing lost


def test_show_into_a_closed_pipe_exits_0_quietly() -> None:
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{sys.executable}' -m cadata show footnotes | head -1"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout.split()[0] == "footnote"


def test_docs_says_what_it_writes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cadata import site

    monkeypatch.setattr(site, "build_site", lambda out: out)
    assert main(["docs", "--out", str(tmp_path / "site")]) == 0
    assert f"writing the site (a page per table, with charts) to {tmp_path / 'site'}" in capsys.readouterr().err


def test_validate_prints_each_table_as_it_is_checked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from collections.abc import Iterator

    from cadata import validation

    printed: list[str] = []

    def reports() -> Iterator[validation.TableReport]:
        for name in ("papers", "facts"):
            yield validation.TableReport(name, rows=1)
            printed.append(capsys.readouterr().out)  # what was printed before the next table is checked

    monkeypatch.setattr(validation, "validate_package", reports)
    assert main(["validate"]) == 0
    assert "papers (1 rows)" in printed[0] and "facts" not in printed[0] and "facts" in printed[1]


def _tasks() -> object:
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tasks_demo_installs_only_cadata_and_says_it_takes_minutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = _tasks()
    ran: list[tuple[str, ...]] = []
    python = tmp_path / "python"
    python.write_text("")
    monkeypatch.setattr(tasks, "PYTHON", python)
    monkeypatch.setattr(tasks, "STAMP", tmp_path / "stamp")
    monkeypatch.setattr(tasks, "run", lambda *args: ran.append(tuple(str(a) for a in args)))
    tasks.setup_demo()  # type: ignore[attr-defined]
    assert ran[-1][-1] == "." and "few minutes" in capsys.readouterr().out
    tasks.setup_demo()  # type: ignore[attr-defined]
    assert len(ran) == 1  # nothing changed: skipped
    tasks.setup("test")  # type: ignore[attr-defined]
    assert ran[-1][-1] == ".[test]" and len(ran) == 2
    tasks.setup_demo()  # type: ignore[attr-defined]
    tasks.setup("test")  # type: ignore[attr-defined]
    assert len(ran) == 2  # a test set-up serves the demo


# --- search, cite-row, errata -------------------------------------------------------------

def test_search_finds_a_number_written_with_separators_and_a_country_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert (cadata.search("650000")["as_printed"].astype(str).str.contains("650,000")).any()
    kgz = cadata.search("KGZ")
    assert len(kgz) and (kgz["iso3"] == "KGZ").all() is not None and (kgz["iso3"].astype(str) == "KGZ").sum() >= 3
    assert main(["search", "650000"]) == 0
    out = capsys.readouterr().out
    assert "650,000" in out
    for column in ("as_printed", "low", "high", "unit", "iso3", "year_start"):
        assert column in out.splitlines()[0], column


def test_cite_row_takes_the_key_as_the_user_has_it() -> None:
    text = cadata.cite_row("kz_hotline_reports", "2017")
    assert cadata.cite_row("kz_hotline_reports", 2017) == text
    df = cadata.load("kz_hotline_reports")
    row = df[df["year_start"] == 2017].iloc[0]
    assert cadata.cite_row("kz_hotline_reports", row) == text
    composite = cadata.cite_row("ca_fighter_estimates", "UZB|killed")
    assert cadata.cite_row("ca_fighter_estimates", ("UZB", "killed")) == composite
    with pytest.raises(cadata.CadataError, match=r"the keys are: 2011, 2012, .*2017"):
        cadata.cite_row("kz_hotline_reports", 1999)
    with pytest.raises(cadata.InvalidArgumentError, match="key is iso3, table_column"):
        cadata.cite_row("ca_fighter_estimates", 2017)


def test_erratum_ids_are_case_insensitive_and_the_cli_names_cli_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert str(cadata.erratum("e001")) == str(cadata.erratum("E001"))
    assert main(["erratum", "E999"]) == 1
    err = capsys.readouterr().err
    assert "`cadata show errata`" in err and "E001" in err
    assert main(["compare", "foreign_fightres"]) == 1
    assert "`cadata show indicators`" in capsys.readouterr().err
