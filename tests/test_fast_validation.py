"""``cadata validate`` does each check once: the contract with plain Python values first (pandera
only to name failures), frictionless on the descriptor and on the rows cadata's checks do not
cover. These tests pin that nothing is lost on the way (issue 12's speed goal)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cadata
from cadata import _catalog, validation
from cadata.validation import covers_frictionless, keeps_contract, pandera_schema


def _shipped() -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]]]:
    from cadata import _integrity, _paths
    from cadata.loading import read_arrow, to_frame

    folder = _paths.datasets_dir()
    frames, resources = {}, {}
    for name in cadata.list_datasets():
        resource = _catalog.resource(name)
        path = _integrity.resource_path(resource, folder)
        data, _ = _integrity.read_verified(resource, path)
        frames[name] = to_frame(resource, path, read_arrow(resource, path, data), categoricals=False)
        resources[name] = resource
    return frames, resources


def test_what_the_fast_check_passes_pandera_passes_too() -> None:
    """Every shipped table passes ``keeps_contract`` and, run in full, pandera's schema too: the
    dtypes cadata reads are the ones pandera accepts."""
    import pandera.errors as pe

    frames, resources = _shipped()
    for name, frame in frames.items():
        schema = resources[name]["schema"]
        assert keeps_contract(name, schema, frame, frames), name
        try:
            pandera_schema(name, schema, frames).validate(frame, lazy=True)
        except pe.SchemaErrors as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{name}: pandera finds {exc.failure_cases.head()}")
        assert covers_frictionless(resources[name], frame, {n: r["schema"] for n, r in resources.items()}), name


def _breaches() -> dict[str, tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]]:
    """One breach of each kind: (table, change)."""

    def set_cell(column: str, value: Any, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
        def change(df: pd.DataFrame) -> pd.DataFrame:
            out = df.copy()
            out[column] = out[column].astype(object)
            out.loc[row, column] = value
            return out.astype({column: df[column].dtype})

        return change

    return {
        "wrong dtype": ("kz_hotline_reports", lambda df: df.astype({"value": "Int64"})),
        "enum": ("kz_hotline_reports", set_cell("qualifier", "dozens")),
        "pattern": ("kz_hotline_reports", set_cell("paper_id", "Not A Paper")),
        "pattern, a trailing newline": ("kz_hotline_reports", lambda df: set_cell("paper_id", str(df["paper_id"][0]) + "\n")(df)),
        "pattern, a non-ASCII digit": ("units", set_cell("unit", "a\u0663")),
        "minimum": ("kz_hotline_reports", set_cell("page", 5)),
        "maximum": ("kz_hotline_reports", set_cell("page", 215)),
        "minLength": ("kz_hotline_reports", set_cell("quote", "ab")),
        "maxLength": ("kz_hotline_reports", set_cell("quote", "a" * 301)),
        "required": ("kz_hotline_reports", set_cell("paper_id", pd.NA)),
        "duplicate primary key": ("kz_hotline_reports", lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True)),
        "unique": ("units", lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True)),
        "dangling foreign key": ("kz_hotline_reports", set_cell("footnote", 99999)),
        "table rule": ("kz_hotline_report_shares", set_cell("value", 99.0)),
        "extra column": ("kz_hotline_reports", lambda df: df.assign(extra=1)),
        "missing column": ("kz_hotline_reports", lambda df: df.drop(columns=["note"])),
        "column order": ("kz_hotline_reports", lambda df: df[list(reversed(df.columns))]),
    }


@pytest.mark.parametrize("kind", sorted(_breaches()))
def test_the_fast_check_sees_each_kind_of_breach_and_pandera_names_it(kind: str) -> None:
    frames, resources = _shipped()
    name, change = _breaches()[kind]
    bad = change(frames[name])
    schema = resources[name]["schema"]
    assert not keeps_contract(name, schema, bad, frames)
    assert validation.check_frame(name, schema, bad, frames), kind


def test_pandas_matches_the_schema_patterns_with_pythons_re() -> None:
    """``keeps_contract`` matches patterns with ``re`` as pandera's ``str_matches`` does: pandas
    leaves a pattern holding ``\\Z`` to Python's re (not Arrow's RE2, whose ``\\d`` is ASCII only)."""
    cells = pd.Series(["\u0663\u0663", "ab\n", "ab"], dtype="string")
    assert cells.str.match("(?:\\d+)\\Z").tolist() == [True, False, False]
    assert cells.str.match("(?:ab)\\Z").tolist() == [False, False, True]


def test_the_bundled_catalog_is_validated_without_pandera_or_frictionless_reading_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    code = (
        "import sys\nfrom cadata.validation import validate_package\n"
        "reports = list(validate_package())\nassert all(r.ok for r in reports), [r for r in reports if not r.ok]\n"
        "print(sorted(m for m in ('pandera', 'pyarrow.dataset') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    from frictionless.resources.table import TableResource

    validated: list[str] = []
    original = TableResource.validate
    monkeypatch.setattr(TableResource, "validate", lambda self, *a, **k: validated.append(self.name) or original(self, *a, **k))
    assert all(r.ok for r in validation.validate_package())
    assert validated == []  # every resource's rows were covered by cadata's checks


def _rewrite(folder: Path, name: str, change: Callable[[pa.Table], pa.Table]) -> None:
    """A table of a datasets copy changed, its hash and size recorded anew."""
    path = folder / f"{name}.parquet"
    pq.write_table(change(pq.read_table(path)), path)
    data = path.read_bytes()
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), cadata_bytes=len(data))
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_a_cell_frictionless_reads_as_missing_is_left_to_frictionless(datasets_copy: Path) -> None:
    """"nan" is one of the package's missingValues: frictionless reads it as empty, which breaks a
    required field; cadata's contract sees text, so the table is checked by frictionless too."""

    def change(table: pa.Table) -> pa.Table:
        column = table.schema.get_field_index("note")
        notes = table.column(column).to_pylist()
        notes[notes.index(None)] = "nan"  # a row without a note (no erratum marker to lose)
        return table.set_column(column, table.schema.field(column), pa.array(notes, table.schema.field(column).type))

    _rewrite(datasets_copy, "kz_hotline_reports", change)
    reports = {r.name: r for r in validation.validate_package()}
    assert reports["kz_hotline_reports"].ok  # note is optional: "nan" is a note for cadata, empty for frictionless
    frames, resources = _shipped()
    schemas = {n: r["schema"] for n, r in resources.items()}
    assert not covers_frictionless(resources["kz_hotline_reports"], frames["kz_hotline_reports"], schemas)
    assert reports["datapackage.json (frictionless)"].ok


def test_a_resource_cadata_does_not_cover_is_checked_by_frictionless(datasets_copy: Path) -> None:
    """A field format cadata does not check (here an email that is not one) leaves the rows to frictionless."""
    descriptor = json.loads((datasets_copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "kz_hotline_reports":
            next(f for f in resource["schema"]["fields"] if f["name"] == "paper_id")["format"] = "email"
    (datasets_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    reports = {r.name: r for r in validation.validate_package()}
    errors = reports["datapackage.json (frictionless)"].errors
    assert any(e.startswith("kz_hotline_reports: type-error") for e in errors), errors


def test_frictionless_internals_the_lookup_patch_relies_on() -> None:
    """``validation._shared_lookups`` (used when frictionless reads rows) replaces these."""
    from frictionless.formats.pandas.parser import PandasParser
    from frictionless.resources.table import TableResource

    assert callable(getattr(TableResource, "_TableResource__open_lookup"))
    assert callable(PandasParser.read_cell_stream_create)
    assert callable(getattr(PandasParser, "_PandasParser__read_convert_schema"))


def test_the_unique_constraint_is_in_the_contract() -> None:
    units = cadata.load("units")
    doubled = pd.concat([units, units.iloc[[0]]], ignore_index=True)
    rules = {f.rule for f in validation.contract_failures("units", doubled)}
    assert "unique" in rules


def test_frictionless_still_validates_the_descriptor_of_covered_resources(datasets_copy: Path) -> None:
    """Rows covered by cadata's checks are not read again, but the descriptor is validated whole."""
    descriptor = json.loads((datasets_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["mediatype"] = 5  # breaks the Data Package profile; cadata does not read it
    (datasets_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    every = {str(r["name"]) for r in descriptor["resources"]}
    errors = validation.frictionless_errors(datasets_copy / "datapackage.json", every)
    assert len(errors) == 1 and "frictionless cannot validate the package" in errors[0] and "mediatype" in errors[0], errors
