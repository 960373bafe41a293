"""Other tools' formats: a labelled Stata file per table, and CSV resources within the
subset of Data Package that R's frictionless package reads; each read back in Python."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package

import cadata
from cadata import _catalog
from cadata.citation import RELEASE_DATE
from cadata.cli import main
from cadata.export import export
from cadata.stata import LABEL_LIMIT, category_labels, dta_bytes, stata_label, stata_names


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(tmp_path_factory.mktemp("all") / "cadata", "all")


def _stata(path: Path) -> tuple[pd.DataFrame, dict[str, str], dict[str, dict[int, str]], str]:
    with pd.io.stata.StataReader(path) as reader:
        return reader.read(), reader.variable_labels(), reader.value_labels(), reader.data_label


def _plain(values: object) -> list[object]:
    return [None if pd.isna(v) else v for v in values]  # type: ignore[attr-defined]


# --- Stata --------------------------------------------------------------------------------

def test_every_table_has_a_labelled_stata_file_listed_with_its_hash(exported: Path) -> None:
    descriptor = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    files = {f["table"]: f for f in descriptor["cadata_stata"]["files"]}
    assert sorted(files) == sorted(cadata.list_datasets())
    for name, entry in files.items():
        data = (exported / entry["path"]).read_bytes()
        assert entry["path"] == f"{name}.dta" and entry["bytes"] == len(data)
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert data.startswith(b"<stata_dta><header><release>118</release>")
        assert "renamed" not in entry  # every column name already fits Stata's 32 characters


def test_stata_values_read_back_equal_the_tables(exported: Path) -> None:
    for name in cadata.list_datasets():
        schema = _catalog.resource(name)["schema"]
        loaded = cadata.load(name)
        back, _, values, _ = _stata(exported / f"{name}.dta")
        assert list(back.columns) == list(loaded.columns) and len(back) == len(loaded), name
        for field in schema["fields"]:
            column, kind = field["name"], field["type"]
            mine, theirs = loaded[column], back[column]
            if field.get("constraints", {}).get("enum") and kind == "string":
                labels = category_labels(field, field["constraints"]["enum"])
                assert values[column] == dict(enumerate(labels, start=1)), (name, column)
                as_labels = dict(zip(field["constraints"]["enum"], labels, strict=True))
                assert _plain(theirs.astype(object)) == _plain(mine.astype(object).map(as_labels)), (name, column)
            elif kind == "boolean":
                assert values[column] == {0: "false", 1: "true"}
                assert _plain(theirs.astype(object)) == _plain(mine.map({True: "true", False: "false"}).astype(object)), (name, column)
            elif kind in ("integer", "number"):
                assert _plain(theirs.astype("Float64")) == _plain(mine.astype("Float64")), (name, column)
            else:
                assert list(theirs) == list(mine.astype(object).where(mine.notna(), "")), (name, column)


def test_stata_labels_are_the_schema_descriptions_cut_at_80(exported: Path) -> None:
    schema = _catalog.resource("kz_hotline_reports")["schema"]
    _, labels, _, data_label = _stata(exported / "kz_hotline_reports.dta")
    assert data_label == "Reports received by Kazakhstan's hotline for illegal content, 2011-2017"
    by_name = {f["name"]: f["description"] for f in schema["fields"]}
    assert labels == {n: stata_label(d) for n, d in by_name.items()}
    assert all(len(label) <= LABEL_LIMIT for label in labels.values())
    long = by_name["line"]  # 182 characters
    assert len(labels["line"]) == 80 and labels["line"].endswith("\u2026") and long.startswith(labels["line"][:-1])
    short = [n for n, d in by_name.items() if len(d) <= 80]
    assert short == ["iso3", "page"] and all(labels[n] == by_name[n] for n in short)


def test_stata_label_and_names_rules() -> None:
    assert stata_label("a  short\nlabel") == "a short label"
    cut = stata_label("word " * 30)
    assert len(cut) == 80 and cut.endswith("word\u2026") and cut == stata_label("word " * 30)
    long = "a" * 40
    assert stata_names(["id", long, long[:33] + "b", "x" * 32]) == {
        "id": "id", long: "a" * 32, long[:33] + "b": "a" * 30 + "_1", "x" * 32: "x" * 32,
    }


def test_category_labels_become_value_labels(exported: Path) -> None:
    back, _, values, _ = _stata(exported / "papers.dta")
    assert values["session"] == {1: "Session I", 2: "Session II", 3: "Session III", 4: "Session IV"}
    papers = cadata.load("papers").set_index("paper_id")
    assert papers.loc["dunay", "session"] == "I" and back.set_index("paper_id").loc["dunay", "session"] == "Session I"
    with pd.io.stata.StataReader(exported / "papers.dta") as reader:
        raw = reader.read(convert_categoricals=False)
    assert raw.set_index("paper_id").loc["dunay", "session"] == 1 and pd.isna(raw.set_index("paper_id").loc["szabo_welcome", "session"])


def test_stata_files_are_reproducible() -> None:
    resource = _catalog.resource("footnotes")
    frame = cadata.load("footnotes")
    first, _ = dta_bytes(frame, resource["schema"], resource["title"], RELEASE_DATE)
    again, _ = dta_bytes(frame.copy(), resource["schema"], resource["title"], RELEASE_DATE)
    assert first == again and b"02 Dec 2026 00:00" in first[:400]


def test_stata_in_any_format_and_in_the_zip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--out", str(tmp_path / "p.zip"), "--stata"]) == 0
    names = zipfile.ZipFile(tmp_path / "p.zip").namelist()
    assert "kz_hotline_reports.dta" in names and "kz_hotline_reports.parquet" in names and "kz_hotline_reports.csv" not in names
    assert cadata.load("kz_hotline_reports", package=tmp_path / "p.zip")["value"].tolist()[-1] == 3251
    out = export(tmp_path / "folder", "all")
    assert export(out, "all", force=True) == out  # an earlier export, .dta files included, may be replaced
    assert "Stata" in (out / "README.md").read_text(encoding="utf-8")
    capsys.readouterr()


def test_the_all_package_validates_with_zero_errors_and_warnings(exported: Path) -> None:
    report = Package(str(exported / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]
    assert report.stats["errors"] == 0 and report.stats["warnings"] == 0


# --- CSV for R's frictionless ---------------------------------------------------------------

#: What frictionless-r reads (Data Package v1): delimited files, these field types, missing
#: values as strings, a dialect of delimiter/header, foreign keys to resources it can read.
R_TYPES = {"string", "number", "integer", "boolean", "object", "array", "datetime", "date", "time", "year", "yearmonth", "duration", "geopoint", "geojson", "any"}


def test_csv_resources_keep_to_what_r_frictionless_reads(exported: Path) -> None:
    descriptor = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    csv = [r for r in descriptor["resources"] if r["format"] == "csv"]
    assert sorted(r["name"] for r in csv) == sorted(f"{n}-csv" for n in cadata.list_datasets())
    names = {r["name"] for r in csv}
    for resource in csv:
        assert resource["path"].endswith(".csv") and resource["mediatype"] == "text/csv" and resource["encoding"] == "utf-8"
        assert resource["dialect"] == {"delimiter": ",", "header": True}
        schema = resource["schema"]
        assert {f["type"] for f in schema["fields"]} <= R_TYPES
        assert all(isinstance(v, str) for v in schema["missingValues"])
        assert isinstance(schema["primaryKey"], list)  # v1 allows a list (v2 also a string)
        for key in schema.get("foreignKeys", []):
            assert key["reference"]["resource"] in names | {""}
        for field in schema["fields"]:  # v2's categories beside the v1 enum, which R reads as factor levels
            if "categories" in field:
                values = [c["value"] if isinstance(c, dict) else c for c in field["categories"]]
                assert field["constraints"]["enum"] == values


def test_csv_resources_read_back_with_frictionless_equal_the_tables(exported: Path) -> None:
    package = Package(str(exported / "datapackage.json"))
    for name in ("kz_hotline_reports", "footnotes", "sources_cited"):
        rows = package.get_resource(f"{name}-csv").read_rows()
        loaded = cadata.load(name)
        assert len(rows) == len(loaded)
        for column in loaded.columns:
            theirs = [row[column] for row in rows]
            mine = _plain(loaded[column].astype(object))
            if str(loaded[column].dtype) in ("Float64",):
                theirs = [None if v is None else float(v) for v in theirs]
            assert theirs == mine, (name, column)
