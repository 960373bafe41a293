"""The contract (docs/contracts.md): what a valid row is, not which rows ship.

A user's copy or extension of a table is checked against the contract only: plausible new
rows (a later year, a new source, a new place) keep it; every kind of breach is refused
with its row and column; an unchanged CSV export validates against the pandera models.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.errors as pe
import pytest

import cadata
from cadata import models
from cadata.build.codegen import class_name
from cadata.cli import main
from cadata.observation import point_value
from cadata.validation import Failure, contract_failures

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "schemas").glob("*.json"))}


def extended(name: str, *changes: dict[str, Any], base: int = -1) -> pd.DataFrame:
    """The shipped table with new rows: each a copy of row ``base`` with ``changes`` applied
    (value, the derived point of low/high/qualifier, follows the printed bounds)."""
    frame = cadata.load(name)
    rows = []
    for change in changes:
        row = frame.iloc[base].to_dict() | change
        if "value" in frame.columns and "low" in change and "value" not in change:
            row["value"] = point_value(row["low"], row["high"], None if pd.isna(row["qualifier"]) else row["qualifier"])
        rows.append(row)
    new = pd.DataFrame(rows, columns=frame.columns)
    return pd.concat([frame.astype(object), new.astype(object)], ignore_index=True)


def model_of(name: str) -> Any:
    return getattr(models, class_name(name))


HOTLINE_2018 = {
    "low": 4000.0, "high": 4000.0, "as_printed": "4,000", "period": "in 2018",
    "year_start": 2018, "year_end": 2018, "attributed_to": "the hotline's annual report", "note": None,
    "line": 5600, "quote": "In 2018 the hotline received 4,000 reports.",
}

SHARES_2018 = [  # eight categories, one year, summing to 100
    ("online_abuse_bullying", 10.0), ("internet_fraud", 20.0), ("racism_chauvinism_xenophobia", 5.0), ("csam", 25.0),
    ("terrorist_extremist_propaganda", 15.0), ("defamation_privacy", 10.0), ("copyright_infringement", 5.0), ("suicide", 10.0),
]


def _shares_2018() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    from cadata.derive import reports_from_share

    shares = cadata.load("kz_hotline_report_shares")
    categories = list(shares["category"].cat.categories)
    assert sorted(categories) == sorted(c for c, _ in SHARES_2018)
    changes = []
    for category, share in SHARES_2018:
        template = shares[(shares["category"] == category) & (shares["year_start"] == 2017)].iloc[0].to_dict()
        changes.append(template | {
            "low": share, "high": share, "value": share, "as_printed": f"{share:.2f}".replace(".", ","),
            "period": "2018", "year_start": 2018, "year_end": 2018, "category_existed": True,
            "reports_derived": reports_from_share(share, 4000), "note": None,
        })
    frame = pd.concat([shares.astype(object), pd.DataFrame(changes, columns=shares.columns).astype(object)], ignore_index=True)
    return frame, {"kz_hotline_reports": extended("kz_hotline_reports", HOTLINE_2018)}


EXTENSIONS: dict[str, Callable[[], tuple[str, pd.DataFrame, dict[str, pd.DataFrame]]]] = {
    "kz_hotline_reports: a later year from a new source": lambda: (
        "kz_hotline_reports", extended("kz_hotline_reports", HOTLINE_2018), {}),
    "kz_hotline_report_shares: a later year, its shares summing to 100": lambda: ("kz_hotline_report_shares", *_shares_2018()),
    "fighter_estimates: a new place, a new source, a later year": lambda: ("fighter_estimates", extended(
        "fighter_estimates",
        {"estimate_id": "ergashev-7700-9", "theatre": "syria_iraq", "organization": "isil", "indicator": "foreign_fighters",
         "low": 300.0, "high": 500.0, "qualifier": None, "as_printed": "300–500", "place": "Turkmens", "iso3": "TKM",
         "period": "in 2019", "year_start": 2019, "year_end": 2019, "attributed_to": "the International Crisis Group",
         "footnote": None, "source_table": None, "note": None, "line": 7700, "page": 201, "quote": "300–500 Turkmens in 2019"},
        base=0), {}),
    "uz_labour_migrants: a new destination country": lambda: ("uz_labour_migrants", extended(
        "uz_labour_migrants",
        {"destination": "Turkey", "destination_iso3": "TUR", "status": "total", "low": 100000.0, "high": 100000.0,
         "qualifier": None, "as_printed": "100,000", "year_start": 2019, "year_end": 2019,
         "attributed_to": "the Migration Agency of Uzbekistan", "note": None, "quote": "100,000 work in Turkey"},
        base=0), {}),
    "osce_field_presence_events: a new host country and a later year": lambda: ("osce_field_presence_events", extended(
        "osce_field_presence_events",
        {"place": "Mongolia", "iso3": "MNG", "event": "presence_established", "year": 2021, "month": "March",
         "year_qualifier": "around", "as_printed": "March 2021", "footnote": None, "note": None, "quote": "opened in March 2021"},
        base=0), {}),
    "pew_muslim_attitudes: a new country": lambda: ("pew_muslim_attitudes", extended(
        "pew_muslim_attitudes",
        {"place": "Tajikistan", "iso3": "TJK", "low": 3.0, "high": 3.0, "qualifier": None, "as_printed": "three percent",
         "attributed_to": "a 2019 survey", "note": None}, base=0), {}),
    "kg_fighter_study_profile: new quantity words": lambda: ("kg_fighter_study_profile", _reworded_profile(), {}),
    "footnotes: a footnote past 194 citing a later year": lambda: ("footnotes", extended(
        "footnotes", {"footnote": 195, "text": "A later report, 2020.", "cited_year": 2020, "note": None}), {}),
}


def _reworded_profile() -> pd.DataFrame:
    frame = cadata.load("kg_fighter_study_profile").astype(object)
    frame.loc[frame["quantity_words"].notna().idxmax(), "quantity_words"] = "A good half"
    return frame


@pytest.mark.parametrize("case", sorted(EXTENSIONS))
def test_a_plausible_extension_keeps_the_contract(case: str) -> None:
    name, frame, tables = EXTENSIONS[case]()
    assert len(frame) > len(cadata.load(name)) or name == "kg_fighter_study_profile"
    assert contract_failures(name, frame, tables) == []
    cadata.check(name, frame, tables)  # raises nothing
    model_of(name).validate(frame)


def test_at_least_five_tables_are_extended() -> None:
    assert len({case.split(":")[0] for case in EXTENSIONS}) >= 5


def _breach(change: dict[str, Any]) -> list[Failure]:
    return contract_failures("kz_hotline_reports", extended("kz_hotline_reports", HOTLINE_2018 | change))


NEW = 7  # the position of the new row
BREACHES: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("wrong type", {"year_start": "2018a"}, "type integer", "year_start"),
    ("required field empty", {"paper_id": None}, "required", "paper_id"),
    ("outside a closed vocabulary (qualifier)", {"qualifier": "roughly"}, "enum", "qualifier"),
    ("not of the pattern (ISO 3166-1 alpha-3)", {"iso3": "kz"}, "pattern ^[A-Z]{3}$", "iso3"),
    ("not an ISO 3166-1 code", {"iso3": "KAX"}, "iso3_matches_country", None),
    ("a page outside the volume", {"page": 300}, "maximum 214", "page"),
    ("a line outside the text", {"line": 9000}, "maximum 8240", "line"),
    ("an impossible year", {"year_start": 20180, "year_end": 20180}, "maximum 2100", "year_start"),
    ("quote too short", {"quote": "4"}, "minLength 3", "quote"),
    ("unknown paper (foreign key)", {"paper_id": "nobody"}, "foreign_key_paper_id", None),
    ("unknown indicator (foreign key)", {"indicator": "hotline_reportz"}, "foreign_key_indicator", None),
    ("unknown footnote (foreign key)", {"footnote": 999}, "foreign_key_footnote", None),
    ("low > high", {"low": 5000.0, "high": 4000.0, "as_printed": "5,000–4,000"}, "low_le_high", None),
    ("years out of order", {"year_start": 2018, "year_end": 2016}, "years_in_order", None),
    ("bounds not as printed", {"as_printed": "4,100"}, "estimate_matches_print", None),
    ("value not the point of the bounds", {"value": 4100.0}, "value_is_point_of_bounds", None),
    ("unit not the indicator's", {"unit": "persons"}, "unit_of_indicator", None),
    ("a negative count", {"low": -5.0, "high": -5.0, "value": -5.0}, "count_not_negative", None),
    ("a duplicated primary key", {"year_start": 2017, "year_end": 2017}, "primaryKey (unique)", None),
]


@pytest.mark.parametrize(("kind", "change", "rule", "column"), BREACHES, ids=[b[0] for b in BREACHES])
def test_each_kind_of_breach_fails_with_its_location(kind: str, change: dict[str, Any], rule: str, column: str | None) -> None:
    failures = _breach(change)
    assert any(f.rule == rule and f.row == NEW and f.column == column for f in failures), failures
    assert all(f.row in (NEW, 6, None) for f in failures), failures  # the shipped rows keep the contract
    with pytest.raises(cadata.ContractError, match=rf"row {NEW}"):
        cadata.check("kz_hotline_reports", extended("kz_hotline_reports", HOTLINE_2018 | change))


def test_table_rules_of_a_themed_table_fail_with_their_rows() -> None:
    frame, tables = _shares_2018()
    frame.loc[len(frame) - 1, ["low", "high", "value"]] = [40.0, 40.0, 40.0]  # 2018 no longer sums to 100
    frame.loc[len(frame) - 1, "as_printed"] = "40,00"
    failures = contract_failures("kz_hotline_report_shares", frame, tables)
    rows_2018 = set(range(len(frame) - 8, len(frame)))
    assert {f.row for f in failures if f.rule == "shares_sum_to_100"} == rows_2018
    frame.loc[len(frame) - 1, ["low", "high", "value", "as_printed"]] = [120.0, 120.0, 120.0, "120,00"]
    assert any(f.rule == "percent_in_range" and f.row == len(frame) - 1 for f in contract_failures("kz_hotline_report_shares", frame, tables))


def test_a_missing_or_extra_column_is_named() -> None:
    frame = cadata.load("kz_hotline_reports")
    failures = contract_failures("kz_hotline_reports", frame.drop(columns=["quote"]))
    assert any(f.rule == "column present" and f.column == "quote" for f in failures), failures
    failures = contract_failures("kz_hotline_reports", frame.assign(extra=1))
    assert any(f.rule == "no column outside the schema" and f.column == "extra" for f in failures), failures


def test_the_contract_error_says_what_where_and_what_to_do() -> None:
    with pytest.raises(cadata.ContractError) as caught:
        cadata.check("kz_hotline_reports", extended("kz_hotline_reports", HOTLINE_2018 | {"page": 300}))
    text = str(caught.value)
    assert "kz_hotline_reports: 1 breach(es)" in text and "row 7, column page: breaks maximum 214 (value '300')" in text
    assert "docs/contracts.md" in text
    assert isinstance(caught.value, cadata.CadataError) and len(caught.value.failures) == 1
    with pytest.raises(cadata.UnknownDatasetError):
        cadata.check("kz_hotline_report", cadata.load("kz_hotline_reports"))
    with pytest.raises(cadata.InvalidArgumentError, match="pass a pandas DataFrame"):
        cadata.check("kz_hotline_reports", [1, 2])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def csv_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cadata.export import export

    return export(tmp_path_factory.mktemp("export") / "package", "csv")


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_an_unchanged_csv_export_validates_against_the_pandera_model(csv_export: Path, name: str) -> None:
    frame = pd.read_csv(csv_export / f"{name}.csv")
    validated = model_of(name).validate(frame)
    assert len(validated) == len(cadata.load(name))
    assert contract_failures(name, pd.read_csv(csv_export / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])) == []


def test_a_duplicated_key_in_a_users_copy_fails_the_model(csv_export: Path, tmp_path: Path) -> None:
    copy = tmp_path / "kz_hotline_reports.csv"
    lines = (csv_export / "kz_hotline_reports.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    copy.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(pe.SchemaError, match="not unique"):
        models.KzHotlineReports.validate(pd.read_csv(copy))
    with pytest.raises(pe.SchemaError, match="isin|qualifier"):
        models.KzHotlineReports.validate(pd.read_csv(csv_export / "kz_hotline_reports.csv").assign(qualifier="roughly"))


def test_cadata_check_on_the_command_line(csv_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "kz_hotline_reports", str(csv_export / "kz_hotline_reports.csv")]) == 0
    assert "keeps the contract of kz_hotline_reports (7 rows)" in capsys.readouterr().out
    copy = tmp_path / "mine.csv"
    text = (csv_export / "kz_hotline_reports.csv").read_text(encoding="utf-8")
    last = text.splitlines()[-1]
    copy.write_text(text + last.replace(",2017,2017,", ",2018,2018,", 1).replace(",150,", ",999,", 1) + "\n", encoding="utf-8")
    assert main(["check", "kz_hotline_reports", str(copy)]) == 1
    err = capsys.readouterr().err
    assert f"{copy}: line 9, column page: breaks maximum 214 (value '999')" in err
    assert main(["check", "kz_hotline_reports", str(tmp_path / "absent.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_enums_are_closed_vocabularies_only() -> None:
    """An enum is a code list the schema defines, each code with its label (categories), or the
    months of the year; printed words, places and sources are strings."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    for name, schema in SCHEMAS.items():
        for field in schema["fields"]:
            enum = field.get("constraints", {}).get("enum")
            if enum is None:
                continue
            labelled = [c["value"] for c in field.get("categories", [])] == enum
            assert labelled or enum == months, (name, field["name"], enum)
    free_text = ("attributed_to", "place", "destination", "quantity_words", "period", "as_printed", "note", "quote", "source_table")
    for name, schema in SCHEMAS.items():
        for field in schema["fields"]:
            if field["name"] in free_text:
                assert "enum" not in field.get("constraints", {}), (name, field["name"])


#: The only bounds a contract has: of a calendar year, of the volume (pages, lines), and of counting.
PHYSICAL_BOUNDS = {("minimum", 1000), ("maximum", 2100), ("minimum", 6), ("maximum", 214), ("maximum", 8240), ("minimum", 1), ("minimum", 0)}


def test_bounds_are_physical_not_fitted_to_the_rows() -> None:
    for name, schema in SCHEMAS.items():
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            for key in ("minimum", "maximum"):
                if key in constraints:
                    assert (key, constraints[key]) in PHYSICAL_BOUNDS, (name, field["name"], key, constraints[key])
            if constraints.get("maximum") == 214:
                assert constraints.get("minimum") == 6, (name, field["name"])  # a printed page
            if constraints.get("maximum") == 8240:
                assert constraints.get("minimum") == 1, (name, field["name"])  # a line of the text
            if constraints.get("maximum") == 2100:
                assert constraints.get("minimum") == 1000, (name, field["name"])  # a calendar year


def test_every_footnote_column_refers_to_the_footnotes_register() -> None:
    for name, schema in SCHEMAS.items():
        if name == "footnotes" or "footnote" not in [f["name"] for f in schema["fields"]]:
            continue
        keys = {fk["fields"]: fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])}
        assert keys.get("footnote") == "footnotes", name


def test_the_models_state_the_schemas_constraints() -> None:
    for name, schema in SCHEMAS.items():
        model = model_of(name).to_schema()
        assert model.coerce and model.strict and model.ordered, name
        assert list(model.unique or []) == list(schema["primaryKey"]), name
        for field in schema["fields"]:
            column = model.columns[field["name"]]
            assert column.nullable == (not field.get("constraints", {}).get("required", False)), (name, field["name"])
            checks = {c.name for c in column.checks}
            for key, check in (("enum", "isin"), ("pattern", "str_matches"), ("minimum", "greater_than_or_equal_to"),
                               ("maximum", "less_than_or_equal_to")):
                assert (key in field.get("constraints", {})) == (check in checks), (name, field["name"], key)


def test_parquet_fields_carry_description_and_unit() -> None:
    import pyarrow.parquet as pq

    folder = ROOT / "datasets"
    for name, schema in SCHEMAS.items():
        arrow = pq.read_schema(folder / f"{name}.parquet")
        for field in schema["fields"]:
            meta = arrow.field(field["name"]).metadata or {}
            assert meta[b"description"].decode() == field["description"], (name, field["name"])
            assert meta[b"title"].decode() == field["title"], (name, field["name"])
        described = json.loads(arrow.metadata[b"cadata.fields"])
        assert list(described) == sorted(f["name"] for f in schema["fields"])
    reports = pq.read_schema(folder / "kz_hotline_reports.parquet")
    assert reports.field("value").metadata[b"unit"] == b"reports"
    assert reports.field("year_start").metadata[b"unit"] == b"calendar_year"
    shares = pq.read_schema(folder / "kz_hotline_report_shares.parquet")
    assert shares.field("low").metadata[b"unit"] == b"percent"
    assert shares.field("reports_derived").metadata[b"unit"] == b"reports"
    assert shares.field("reports_derived").metadata[b"derived"] == b"true"
    assert b"unit" not in shares.field("quote").metadata
    facts = pq.read_schema(folder / "facts.parquet")
    assert facts.field("value").metadata[b"unit"].startswith(b"per row: the unit column")


def test_duckdb_and_polars_see_the_descriptions_without_cadata() -> None:
    import duckdb
    import polars as pl

    path = str(ROOT / "datasets" / "kz_hotline_reports.parquet")
    rows = duckdb.sql(f"select key, value from parquet_kv_metadata('{path}')").fetchall()
    kv = {bytes(k).decode(): bytes(v).decode() for k, v in rows}
    assert json.loads(kv["cadata.fields"])["low"]["unit"] == "reports"
    assert json.loads(kv["cadata.table"])["name"] == "kz_hotline_reports"
    meta = pl.read_parquet_metadata(path)
    assert "Lower bound" in json.loads(meta["cadata.fields"])["low"]["description"]


def test_catalog_lists_every_table() -> None:
    catalog = cadata.catalog()
    assert list(catalog["name"]) == cadata.list_datasets()
    assert list(catalog.columns) == ["name", "title", "kind", "rows", "countries", "years", "first_year", "last_year",
                                     "pages", "papers", "authors"]
    row = catalog.set_index("name").loc["kz_hotline_reports"]
    assert (row["rows"], row["countries"], row["years"], row["pages"], row["papers"]) == (7, "KAZ", "2011-2017", "150", "sabirov")
    assert (row["first_year"], row["last_year"], row["kind"], row["authors"]) == (2011, 2017, "themed", "Shavkat Sabirov")
    for name, rows in zip(catalog["name"], catalog["rows"], strict=True):
        assert rows == len(cadata.load(name)), name
    assert set(catalog.loc[catalog["kind"] == "register", "name"]) == {"papers", "footnotes", "events", "facts", "errata", "indicators", "units"}
    kyrgyz = catalog[catalog["countries"].str.contains("KGZ")]
    assert {"kg_fighter_study_profile", "facts", "fighter_estimates"} <= set(kyrgyz["name"])
    assert catalog.set_index("name").loc["kz_internet_users", "years"] == "2005, 2010-2011"
    assert "catalog" in cadata.__all__ and "check" in cadata.__all__ and "ContractError" in cadata.__all__


def test_catalog_and_check_keep_import_light() -> None:
    code = "import sys, cadata; cadata.catalog; cadata.check; assert 'pandas' not in sys.modules, 'pandas'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
