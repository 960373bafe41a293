"""The exported data package: self-contained, valid for frictionless, plain CSV, versioned, citable."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from frictionless import Package

import cadata
from cadata.citation import RELEASE_DATE, cite
from cadata.cli import main
from cadata.export import export

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(tmp_path_factory.mktemp("export") / "package", "both")


def _no_problems(descriptor: str) -> None:
    report = Package(descriptor).validate()
    assert report.valid, report.flatten(["type", "note"])
    assert report.stats["errors"] == 0 and report.stats["warnings"] == 0
    assert not any(task.warnings for task in report.tasks)


def test_exported_folder_validates_with_zero_errors_and_warnings(exported: Path) -> None:
    _no_problems(str(exported / "datapackage.json"))


def test_exported_zip_validates_with_zero_errors_and_warnings(tmp_path: Path) -> None:
    target = export(tmp_path / "cadata.zip", "both", as_zip=True)
    assert target.suffix == ".zip" and "datapackage.json" in zipfile.ZipFile(target).namelist()
    _no_problems(str(target))


def test_descriptor_is_complete_and_self_contained(exported: Path) -> None:
    descriptor = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("name", "title", "description", "version", "created", "licenses", "sources", "contributors"):
        assert descriptor[key], key
    assert descriptor["version"] == cadata.__version__
    names = {r["name"] for r in descriptor["resources"]}
    assert names == set(cadata.list_datasets()) | {f"{n}-csv" for n in cadata.list_datasets()}
    for resource in descriptor["resources"]:
        assert isinstance(resource["schema"], dict) and resource["hash"].startswith("sha256:")
        assert (exported / resource["path"]).is_file() and "/" not in resource["path"]
        assert ("bytes" in resource) == (resource["format"] == "csv")


def test_parquet_files_are_the_shipped_bytes(exported: Path) -> None:
    from cadata import _paths

    for name in cadata.list_datasets():
        assert (exported / f"{name}.parquet").read_bytes() == (_paths.datasets_dir() / f"{name}.parquet").read_bytes()


def test_csv_reads_without_options_and_matches(exported: Path) -> None:
    raw = (exported / "fighter_estimates.csv").read_bytes()
    raw.decode("utf-8")  # UTF-8, no BOM
    assert not raw.startswith(b"\xef\xbb\xbf")
    for name in cadata.list_datasets():
        plain = pd.read_csv(exported / f"{name}.csv")
        loaded = cadata.load(name)
        assert list(plain.columns) == list(loaded.columns) and len(plain) == len(loaded)
        for column in loaded.columns:
            kind = str(loaded[column].dtype)
            if kind in ("Int64", "Float64"):
                left = plain[column].astype("Float64").tolist()
                right = loaded[column].astype("Float64").tolist()
                assert [None if pd.isna(v) else v for v in left] == [None if pd.isna(v) else v for v in right], (name, column)
            missing_plain, missing_loaded = plain[column].isna(), loaded[column].isna().to_numpy(dtype=bool)
            # pandas reads the text "None" as missing by default; the one such cell is a printed number word
            surprises = [(name, column, loaded[column][i]) for i in range(len(plain)) if missing_plain[i] and not missing_loaded[i]]
            assert all(value == "None" for _, _, value in surprises), surprises
            assert not (missing_loaded & ~missing_plain.to_numpy()).any(), (name, column)  # empty = missing


def test_the_only_text_pandas_reads_as_missing_is_documented(exported: Path) -> None:
    """Cells whose text pandas' default na_values turn into NaN: only the number word "None"."""
    defaults = {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
                "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
    found = set()
    for name in cadata.list_datasets():
        raw = pd.read_csv(exported / f"{name}.csv", dtype=str, keep_default_na=False)
        for column in raw.columns:
            found |= {(name, column, v) for v in raw[column] if v in defaults - {""}}
    assert found == {("kg_fighter_study_profile", "as_printed", "None"), ("facts", "as_printed", "None")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'keep_default_na=False' in readme


def test_export_refuses_a_non_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    assert main(["export", "--out", str(tmp_path / "x")]) == 1
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_citation_cff_and_changelog_match_the_version() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == cadata.__version__ and str(cff["date-released"]) == RELEASE_DATE
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {cadata.__version__} \u2014 {RELEASE_DATE}" in changelog


def test_cite_formats(capsys: pytest.CaptureFixture[str]) -> None:
    bibtex = cite("kz_hotline_reports", "bibtex")
    assert "@incollection{sabirov," in bibtex and "pages     = {135--153}" in bibtex and "@misc{cadata_kz_hotline_reports," in bibtex
    apa = cite("pew_muslim_attitudes", "apa")
    assert apa.startswith("Spinghar, M. R. (n.d.). Radicalization of Youth") and f"Version {cadata.__version__}" in apa
    assert main(["cite", "fighter_estimates", "--format", "bibtex"]) == 0
    out = capsys.readouterr().out
    assert out.count("@incollection{") == 5 and "@incollection{ergashev," in out
    with pytest.raises(ValueError, match="unknown citation style"):
        cite("kz_hotline_reports", "mla")  # type: ignore[arg-type]
