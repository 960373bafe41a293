"""Cell values checked against the printed page (the source text), not against the code."""

from __future__ import annotations

import pandas as pd
import pytest

import cadata


def test_hotline_totals_are_the_printed_totals_row(lines: list[str]) -> None:
    # Sabirov, Table 1, bottom row (line 5656): "258 365 612 2088 2156 2295 3251"
    assert lines[5656 - 1].split() == ["258", "365", "612", "2088", "2156", "2295", "3251"]
    df = cadata.load("kz_hotline_reports")
    assert dict(zip(df["year_start"], df["value"], strict=True)) == {
        2011: 258, 2012: 365, 2013: 612, 2014: 2088, 2015: 2156, 2016: 2295, 2017: 3251,
    }


def test_text_and_table_conflict_on_2017_is_kept_and_noted(lines: list[str]) -> None:
    assert "3,250 reports" in lines[5555 - 1]
    assert "3,250" in lines[5577 - 1]
    row = cadata.load("kz_hotline_reports").set_index("year_start").loc[2017]
    assert row["value"] == 3251  # the printed table value, not the text's 3,250
    assert "3,250" in row["note"] and "5555" in row["note"] and "5577" in row["note"]


# (category, line of its cells, the seven cells 2011-2017 as printed)
PRINTED_ROWS = [
    ("online_abuse_bullying", 5624, ["32,56 %", "42,47 %", "51,63 %", "42,19 %", "40,07 %", "30,41 %", "27,93 %"]),
    ("internet_fraud", 5626, ["21,71 %", "13,97 %", "24,35 %", "4,41 %", "5,84 %", "6,84 %", "7,47 %"]),
    ("racism_chauvinism_xenophobia", 5633, ["16,28 %", "29,32 %", "15,03 %", "32,18 %", "29,27 %", "28,935", "26,55 %"]),
    ("csam", 5635, ["22,87 %", "6,30 %", "6,05 %", "0,48 %", "0,28 %", "0,35 %", "0,25 %"]),
    ("terrorist_extremist_propaganda", 5642, ["0,00", "0,00", "0,00", "17,91 %", "21,34 %", "23,01 %", "24,64 %"]),
    ("defamation_privacy", 5649, ["6,59 %", "7,95 %", "2,94 %", "2,16 %", "1,72 %", "8,10 %", "12,09 %"]),
    ("copyright_infringement", 5652, ["0,00", "0,00", "0,00", "0,67 %", "0,56 %", "1,13 %", "0,95 %"]),
    ("suicide", 5654, ["0,00", "0,00", "0,00", "0,00", "0,93 %", "1,22 %", "0,12 %"]),
]


@pytest.mark.parametrize(("category", "line", "cells"), PRINTED_ROWS, ids=[r[0] for r in PRINTED_ROWS])
def test_every_share_cell_is_the_printed_cell(lines: list[str], category: str, line: int, cells: list[str]) -> None:
    assert lines[line - 1].rstrip().endswith(" ".join(cells))
    df = cadata.load("kz_hotline_report_shares")
    mine = df[df["category"] == category].sort_values("year_start")
    assert list(mine["as_printed"]) == cells
    assert list(mine["line"]) == [line] * 7
    expected = [float(c.replace(" %", "").replace(",", ".")) for c in cells]
    assert list(mine["value"]) == expected


def test_malformed_2016_cell_is_kept_as_printed() -> None:
    df = cadata.load("kz_hotline_report_shares").set_index(["year_start", "category"])
    row = df.loc[(2016, "racism_chauvinism_xenophobia")]
    assert row["as_printed"] == "28,935" and row["value"] == 28.935
    assert "28,935" in row["note"]


def test_text_percentages_agree_with_table(lines: list[str]) -> None:
    # "created in 2014 which accounted for 17.9 percent ... and 24.6 percent in 2017" (5609-5611)
    assert "17.9 percent" in lines[5610 - 1] and "24.6 percent in 2017" in lines[5611 - 1]
    assert "24.64 percent" in lines[5661 - 1]
    df = cadata.load("kz_hotline_report_shares").set_index(["year_start", "category"])["value"]
    assert round(df[(2014, "terrorist_extremist_propaganda")], 1) == 17.9
    assert df[(2017, "terrorist_extremist_propaganda")] == 24.64


def test_categories_created_later_are_not_observations(lines: list[str]) -> None:
    assert "was created in" in lines[5609 - 1] and lines[5610 - 1].startswith("2014")
    assert "added" in lines[5615 - 1] and "in 2014 and 2015, respectively" in lines[5616 - 1]
    df = cadata.load("kz_hotline_report_shares")
    absent = df[~df["category_existed"]]
    assert sorted(zip(absent["category"], absent["year_start"])) == sorted(
        [("terrorist_extremist_propaganda", y) for y in (2011, 2012, 2013)]
        + [("copyright_infringement", y) for y in (2011, 2012, 2013)]
        + [("suicide", y) for y in (2011, 2012, 2013, 2014)]
    )
    assert (absent["value"] == 0).all()
    assert absent["reports_derived"].isna().all()


def test_derived_counts_reproduce_the_printed_shares() -> None:
    """Derived count / total, rounded to 0.01, gives back every printed share but the malformed one."""
    shares = cadata.load("kz_hotline_report_shares")
    totals = cadata.load("kz_hotline_reports").set_index("year_start")["value"]
    existed = shares[shares["category_existed"]]
    for row in existed.itertuples():
        back = round(row.reports_derived / totals[row.year_start] * 100, 2)
        if row.as_printed == "28,935":
            assert row.reports_derived == 664  # 28.935% of 2295 = 664.06
            continue
        assert back == row.value, row


def test_shares_of_each_year_sum_to_100_within_rounding() -> None:
    sums = cadata.load("kz_hotline_report_shares").groupby("year_start")["value"].sum()
    assert sums.round(3).to_dict() == {
        2011: 100.01, 2012: 100.01, 2013: 100.0, 2014: 100.0, 2015: 100.01, 2016: 99.995, 2017: 100.0,
    }


# Ergashev, Table 1, lines 7639-7647, as printed
FIGHTER_ROWS = {
    "UZB": (7639, "Uzbekistan 3,000–3,500 300 900 - 11"),
    "TKM": (7641, "Turkmenistan 500 - 2 6 -"),
    "TJK": (7643, "Tajikistan 2,000 Over 1,000 300 100 16"),
    "KAZ": (7645, "Kazakhstan 500 200 80 33 33"),
    "KGZ": (7647, "Kyrgyzstan 500–600 Over 600 70 40 47"),
}


def test_fighter_rows_are_the_printed_rows(lines: list[str]) -> None:
    df = cadata.load("ca_fighter_estimates")
    order = ["fighters_open_sources", "fighters_intelligence_services", "killed", "returned", "convicted"]
    for iso3, (line, printed) in FIGHTER_ROWS.items():
        assert lines[line - 1].strip() == printed
        rows = df[df["iso3"] == iso3].set_index("table_column").loc[order]
        assert " ".join([str(rows["place"].iloc[0]), *rows["as_printed"]]) == printed
        assert set(rows["line"]) == {line}


def test_fighter_estimates_keep_their_shape() -> None:
    df = cadata.load("ca_fighter_estimates").set_index(["iso3", "table_column"])
    uzb = df.loc[("UZB", "fighters_open_sources")]
    assert (uzb["low"], uzb["high"], uzb["as_printed"]) == (3000, 3500, "3,000–3,500")
    tjk = df.loc[("TJK", "fighters_intelligence_services")]
    assert tjk["low"] == 1000 and pd.isna(tjk["high"]) and tjk["qualifier"] == "over"
    kgz = df.loc[("KGZ", "fighters_intelligence_services")]
    assert kgz["low"] == 600 and pd.isna(kgz["high"]) and kgz["qualifier"] == "over"
    for key in [("UZB", "returned"), ("TKM", "fighters_intelligence_services"), ("TKM", "convicted")]:
        cell = df.loc[key]
        assert cell["as_printed"] == "-" and pd.isna(cell["low"]) and pd.isna(cell["high"])  # never zero
    kaz = df.loc[("KAZ", "convicted")]
    assert (kaz["low"], kaz["high"]) == (33, 33) and pd.isna(kaz["qualifier"])


def test_fighter_countries_carry_iso3() -> None:
    df = cadata.load("ca_fighter_estimates")
    pairs = set(zip(df["place"].astype(str), df["iso3"].astype(str)))
    assert pairs == {("Uzbekistan", "UZB"), ("Turkmenistan", "TKM"), ("Tajikistan", "TJK"),
                     ("Kazakhstan", "KAZ"), ("Kyrgyzstan", "KGZ")}


def test_uzbekistan_ranking_conflict_is_noted(lines: list[str]) -> None:
    assert "according to all of the sources, both official and" in lines[7655 - 1]
    note = cadata.load("ca_fighter_estimates").set_index(["iso3", "table_column"]).loc[("UZB", "fighters_intelligence_services"), "note"]
    assert "7655" in note
