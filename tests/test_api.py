"""The loading API: catalog, dtypes, data cards, typed loaders, caching."""

from __future__ import annotations

import pandas as pd
import pytest

import cadata
from cadata import models


CATALOG = [
    "ca_fighter_estimates",
    "ca_nato_partnership_participation",
    "errata",
    "events",
    "fact_sources",
    "facts",
    "fighter_estimates",
    "footnotes",
    "indicators",
    "kg_fighter_study_age",
    "kg_fighter_study_design",
    "kg_fighter_study_profile",
    "kg_fighter_study_sample",
    "kg_youth_media_study_design",
    "kg_youth_media_study_results",
    "kz_hotline_organisation",
    "kz_hotline_report_shares",
    "kz_hotline_reports",
    "kz_internet_users",
    "osce_conference_expert_countries",
    "osce_field_operations_budget_2017",
    "osce_field_presence_events",
    "papers",
    "pew_muslim_attitudes",
    "sources_cited",
    "united_cyber_caliphate_claims",
    "units",
    "uz_afghanistan_infrastructure_projects",
    "uz_fighter_source_interviews",
    "uz_islamic_education_institutions",
    "uz_labour_migrants",
]


def test_list_datasets() -> None:
    assert cadata.list_datasets() == CATALOG


def test_load_has_the_schema_dtypes() -> None:
    df = cadata.load("kz_hotline_report_shares")
    assert str(df["year_start"].dtype) == "Int64"
    assert str(df["value"].dtype) == "Float64"
    assert str(df["category_existed"].dtype) == "boolean"
    assert str(df["reports_derived"].dtype) == "Int64"
    assert isinstance(df["category"].dtype, pd.CategoricalDtype)
    assert list(df["category"].cat.categories)[:2] == ["online_abuse_bullying", "internet_fraud"]
    assert str(df["quote"].dtype) == "string"
    assert len(df) == 56


def test_unknown_name_lists_close_matches() -> None:
    with pytest.raises(cadata.UnknownDatasetError, match="did you mean kz_hotline_reports"):
        cadata.load("kz_hotline_report")
    with pytest.raises(KeyError):  # also a KeyError, for code that expects one
        cadata.info("nothing_like_it")


def test_info_is_a_data_card() -> None:
    card = cadata.info("kz_hotline_reports")
    assert card.paper_authors == "Shavkat Sabirov"
    assert card.paper_title == "Cybersecurity Threats: Challenges and Countermeasures"
    assert card.pages == "150" and [p.pages for p in card.papers] == ["135\u2013153"]
    assert card.rows == 7 and card.primary_key == ["year_start"]
    assert "3,250" in " ".join(card.caveats)
    assert "Sabirov" in card.citation and f"cadata {cadata.__version__}" in card.citation
    assert [f.name for f in card.fields][:4] == ["indicator", "unit", "value", "low"]
    text = str(card)
    assert "Cite as:" in text and "One row:" in text


def test_derived_fields_are_marked() -> None:
    fields = {f.name: f for f in cadata.info("kz_hotline_report_shares").fields}
    assert fields["reports_derived"].derived and fields["category_existed"].derived
    assert not fields["low"].derived and fields["value"].derived and fields["unit"].derived


@pytest.mark.parametrize("name", ["kz_hotline_reports", "kz_hotline_report_shares", "ca_fighter_estimates"])
def test_typed_loader_equals_load_and_validates_against_its_model(name: str) -> None:
    df = getattr(cadata, name)()
    pd.testing.assert_frame_equal(df, cadata.load(name))
    model = getattr(models, "".join(p.capitalize() for p in name.split("_")))
    model.validate(df)


def test_second_load_returns_an_independent_copy() -> None:
    first = cadata.load("kz_hotline_reports")
    first.loc[0, "value"] = -1
    second = cadata.load("kz_hotline_reports")
    assert second.loc[0, "value"] == 258


def test_second_load_does_not_read_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    cadata.load("kz_hotline_report_shares")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was read again")

    monkeypatch.setattr(pq, "read_table", refuse)
    monkeypatch.setattr("cadata._integrity.read_verified", refuse)
    again = cadata.load("kz_hotline_report_shares")
    assert len(again) == 56


def test_readme_lists_every_table() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [name for name in cadata.list_datasets() if f"`{name}`" not in readme]
    assert not missing, f"README.md's table list lacks {missing}"


def test_arrow_and_polars_backends_hold_the_same_rows() -> None:
    pandas_frame = cadata.load("fighter_estimates")
    arrow = cadata.load("fighter_estimates", backend="arrow")
    assert arrow.num_rows == len(pandas_frame) and arrow.column_names == list(pandas_frame.columns)
    polars_frame = cadata.load("fighter_estimates", backend="polars")
    assert polars_frame.shape == pandas_frame.shape
    assert polars_frame["low"].to_list() == [None if pd.isna(v) else v for v in pandas_frame["low"]]


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown backend 'spark': use one of pandas, arrow, polars"):
        cadata.load("kz_hotline_reports", backend="spark")  # type: ignore[call-overload]


def test_missing_extra_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "polars", None)  # as if polars were not installed
    with pytest.raises(cadata.MissingExtraError, match=r'pip install "cadata\[polars\]"'):
        cadata.load("kz_hotline_reports", backend="polars")


def test_readme_tables_come_from_the_data() -> None:
    """The README's table lists (rows, titles, pages) are the rendering of datapackage.json."""
    import importlib.util
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("readme_tables", root / "checks" / "readme_tables.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    descriptor = json.loads((root / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    assert module.current() == module.render(descriptor), "run python3 checks/readme_tables.py"
    assert f"| `facts` | {len(cadata.load('facts'))} |" in module.current()


def test_a_merged_table_still_loads_with_a_warning_naming_its_replacement() -> None:
    from cadata.loading import CadataDeprecationWarning

    with pytest.warns(CadataDeprecationWarning, match=r"merged the table 'uz_population' into 'facts'"):
        df = cadata.load("uz_population")
    assert dict(zip(df["indicator"], df["value"], strict=True)) == {"population": 32_000_000, "population_share_under_30": 60}
    assert "uz_population" not in cadata.list_datasets()
