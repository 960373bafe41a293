"""The observation model (docs/observation_model.md), enforced over every schema and in facts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cadata
from cadata.observation import (
    OBSERVATION_COLUMNS,
    OBSERVATION_FIELDS,
    PROVENANCE_COLUMNS,
    PROVENANCE_FIELDS,
    SHARED_FIELDS,
    holds_observations,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "schemas").glob("*.json"))}
OBSERVATION_TABLES = sorted(n for n, s in SCHEMAS.items() if holds_observations(s))
THEMED = [n for n in OBSERVATION_TABLES if n != "facts"]


def test_every_table_with_numbers_follows_the_model() -> None:
    numeric = {n for n, s in SCHEMAS.items() if any(f["name"] in ("low", "high", "value") for f in s["fields"])}
    assert numeric == set(OBSERVATION_TABLES)
    assert len(THEMED) == 21


@pytest.mark.parametrize("name", OBSERVATION_TABLES)
def test_observation_and_provenance_fields_are_the_canonical_ones(name: str) -> None:
    fields = SCHEMAS[name]["fields"]
    names = [f["name"] for f in fields]
    start = names.index("indicator")
    assert fields[start : start + len(OBSERVATION_FIELDS)] == OBSERVATION_FIELDS  # same order, type, text, constraints
    assert fields[-len(PROVENANCE_FIELDS) :] == PROVENANCE_FIELDS
    keys = {fk["fields"]: fk["reference"]["resource"] for fk in SCHEMAS[name]["foreignKeys"]}
    assert keys == {"paper_id": "papers", "indicator": "indicators", "unit": "units", "footnote": "footnotes"}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_a_shared_column_name_means_the_same_in_every_table(name: str) -> None:
    for field in SCHEMAS[name]["fields"]:
        canonical = SHARED_FIELDS.get(field["name"])
        if canonical is None or (name, field["name"]) in {("footnotes", "footnote"), ("indicators", "indicator"), ("indicators", "unit"), ("units", "unit")}:
            continue  # a register's own key
        assert field["type"] == canonical["type"], (name, field["name"])
        assert field.get("constraints", {}).get("pattern") == canonical.get("constraints", {}).get("pattern"), (name, field["name"])


def test_any_two_tables_concatenate_without_renaming() -> None:
    frames = [cadata.load(n)[OBSERVATION_COLUMNS + PROVENANCE_COLUMNS] for n in OBSERVATION_TABLES]
    both = pd.concat(frames, ignore_index=True)
    assert list(both.columns) == OBSERVATION_COLUMNS + PROVENANCE_COLUMNS
    dtypes = {str(both[c].dtype) for c in ("value", "low", "high")} | {str(both[c].dtype) for c in ("year_start", "year_end", "footnote")}
    assert dtypes == {"Float64", "Int64"}


def test_units_and_indicators_are_small_closed_vocabularies() -> None:
    units = cadata.load("units")
    indicators = cadata.load("indicators")
    assert set(indicators["unit"]) <= set(units["unit"])
    for name in OBSERVATION_TABLES:
        frame = cadata.load(name)
        assert set(frame["indicator"]) <= set(indicators["indicator"]), name
        expected = dict(zip(indicators["indicator"], indicators["unit"], strict=True))
        assert (frame["unit"] == frame["indicator"].map(expected)).all(), name
    assert not {"see table", "fraction"} & set(units["unit"])


def test_every_share_is_percent_on_0_100(lines: list[str]) -> None:
    facts = cadata.load("facts")
    percent = facts[facts["unit"] == "percent"]
    assert ((percent["low"].fillna(0) <= 100) & (percent["high"].fillna(0) <= 100)).all()
    # "less than half (EUR 20 million)" (Dunay, line 1598) is a share below 50 percent
    assert "less than half (EUR 20 million)" in lines[1598 - 1]
    budget = cadata.load("osce_field_operations_budget_2017").set_index(["item", "indicator"])
    row = budget.loc[("post_soviet_presences", "osce_post_soviet_presences_share")]
    assert pd.isna(row["low"]) and row["high"] == 50 and row["as_printed"] == "less than half"
    # "28,935" in Table 1's percent column is 28.935, in the table and in facts (line 5633)
    assert "28,935" in lines[5633 - 1]
    assert facts.set_index("fact_id").loc["sabirov-5633-t6", "value"] == 28.935


def test_every_derived_fact_equals_its_row() -> None:
    facts = cadata.load("facts")
    derived = facts[facts["source_table"].notna()]
    assert len(derived) >= 150
    for name, group in derived.groupby("source_table"):
        frame = cadata.load(str(name))
        key = SCHEMAS[str(name)]["primaryKey"]
        rows = {"|".join(str(v) for v in r[key]): r for _, r in frame.iterrows()}
        for _, fact in group.iterrows():
            row = rows[str(fact["row_key"])]
            for column in OBSERVATION_COLUMNS + ["paper_id", "page", "line", "quote"]:
                a, b = fact[column], row[column]
                assert (pd.isna(a) and pd.isna(b)) or str(a) == str(b), (name, fact["row_key"], column)


def test_facts_hold_every_observation_once() -> None:
    facts = cadata.load("facts")
    # Ergashev's Table 1 is in facts once, from ca_fighter_estimates (25 cells, 3 printed "-")
    table1 = facts[(facts["line"].between(7639, 7647)) & (facts["paper_id"] == "ergashev")]
    assert set(table1["source_table"]) == {"ca_fighter_estimates"} and len(table1) == 22
    # the "0,00" of categories not yet created are not observations
    shares = facts[facts["source_table"] == "kz_hotline_report_shares"]
    assert len(shares) == 56 - 10 and not (shares["as_printed"] == "0,00").any()
    printed = facts[["paper_id", "line", "as_printed", "indicator", "row_key"]].astype(str)
    assert not printed.duplicated().any()


def test_the_readme_questions_take_one_line() -> None:
    kyrgyz = cadata.find_facts(iso3="KGZ")
    tables_with_kgz = {n for n in THEMED if (cadata.load(n)["iso3"] == "KGZ").any()}
    assert tables_with_kgz <= set(kyrgyz["source_table"].dropna())
    uzbek = cadata.find_facts(indicator="foreign_fighters", iso3="UZB")
    assert {"ergashev", "spinghar"} <= set(uzbek["paper_id"]) and len(uzbek) >= 7
    series = cadata.load("facts").query("indicator == 'hotline_reports' and source_table == 'kz_hotline_reports'")
    assert series.groupby("year_start")["value"].first().to_dict() == {
        2011: 258, 2012: 365, 2013: 612, 2014: 2088, 2015: 2156, 2016: 2295, 2017: 3251}
    percent = cadata.find_facts(unit="percent")
    assert len(percent) == int((cadata.load("facts")["unit"] == "percent").sum())
    assert {"kz_hotline_report_shares", "pew_muslim_attitudes", "kz_internet_users"} <= set(percent["source_table"].dropna())


def test_years_are_integers_and_dates_are_iso() -> None:
    claims = cadata.load("united_cyber_caliphate_claims")
    assert str(claims["date_start"].dtype) == "string" and set(claims["date_start"]) == {"2018-05-23"}
    assert set(claims["year_start"]) == {2018}
    for name in OBSERVATION_TABLES:
        frame = cadata.load(name)
        assert str(frame["year_start"].dtype) == "Int64" and str(frame["year_end"].dtype) == "Int64"


def test_no_attribution_is_the_words_not_stated() -> None:
    for name in OBSERVATION_TABLES:
        values = set(cadata.load(name)["attributed_to"].dropna())
        assert not values & {"not stated", "author"}, name


def test_facts_group_by_indicator_place_year_and_breakdown() -> None:
    facts = cadata.load("facts")
    shares = facts[facts["source_table"] == "kz_hotline_report_shares"]
    groups = shares.groupby(["indicator", "iso3", "year_start", "breakdown"]).size()
    assert (groups == 1).all() and len(groups) == 46
    text = facts[(facts["source_table"].isna()) & (facts["indicator"] == "hotline_report_share")]
    assert set(text["breakdown"]) == {"category=terrorist_extremist_propaganda"}
    assert facts.set_index("fact_id").loc["ergashev-7639-t3", "breakdown"] == "table_column=killed"
