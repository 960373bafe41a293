"""The shipped data's own checks: what this release holds (docs/contracts.md).

These pin today's rows -- the years, footnotes, places, words and attributions that the
curation produced -- so that a change to them is seen and reviewed. They are not the
contract: a user's extension with another year, footnote or source keeps the contract
(tests/test_contracts.py) and is never checked against these.
"""

from __future__ import annotations

import cadata


def values(name: str, column: str) -> set[object]:
    return set(cadata.load(name)[column].dropna())


def test_the_hotline_tables_hold_exactly_2011_to_2017() -> None:
    assert sorted(values("kz_hotline_reports", "year_start")) == list(range(2011, 2018))
    shares = cadata.load("kz_hotline_report_shares")
    assert shares.groupby("year_start").size().to_dict() == {year: 8 for year in range(2011, 2018)}


def test_the_footnotes_register_holds_exactly_1_to_194() -> None:
    footnotes = cadata.load("footnotes")
    assert list(footnotes["footnote"]) == list(range(1, 195))
    cited = footnotes["cited_year"].dropna()
    assert 1900 <= cited.min() and cited.max() <= 2018  # no cited work is later than the volume's last dates


def test_the_field_presence_events_are_these() -> None:
    assert values("osce_field_presence_events", "place") == {
        "Armenia", "Central Asia", "Croatia", "Estonia", "Georgia", "Kazakhstan", "Kyrgyzstan", "Latvia", "Tajikistan", "Uzbekistan"}
    assert values("osce_field_presence_events", "footnote") == {21}
    assert values("osce_field_presence_events", "year_qualifier") == {"by"}
    years = cadata.load("osce_field_presence_events")["year"]
    assert (years.min(), years.max()) == (1994, 2017)


def test_the_printed_quantity_words_are_these() -> None:
    assert values("kg_fighter_study_design", "quantity_words") == {"several"}
    assert values("kg_fighter_study_profile", "quantity_words") == {
        "Almost no one", "Most", "Some", "The majority", "all", "many", "most", "some", "the others"}


def test_the_attributions_are_these() -> None:
    assert values("ca_fighter_estimates", "attributed_to") == {"intelligence services", "open sources"}
    assert values("fighter_estimates", "attributed_to") == {
        "Afghanistan Institute for Strategic Studies", "Bruce Hoffman", "Evgeny Sysoev, head of the SCO-RATS executive committee",
        "Karin and Zenn", "Ministry of Internal Affairs of Kyrgyzstan", "The Soufan Center",
        "Valery Semerikov, Deputy Secretary General of the CSTO", "analysts (Akram Andeshmand, Vahid Muzhda and others)",
        "independent experts and journalists from Uzbekistan", "intelligence services", "official sources (via Byman, Brookings)",
        "open sources", "unofficial information obtained by the author", "various estimates (not named)"}
    assert values("uz_labour_migrants", "attributed_to") == {"Official data", "Some independent experts"}
    assert values("pew_muslim_attitudes", "attributed_to") == {
        "Pew Research Center, \u201cThe World\u2019s Muslims: Religion, Politics and Society\u201d"}


def test_the_other_snapshots_are_these() -> None:
    assert values("uz_labour_migrants", "destination") == {"Kazakhstan", "Russia", "Russia and Kazakhstan"}
    assert values("uz_labour_migrants", "destination_iso3") == {"KAZ", "RUS"}
    assert values("fighter_estimates", "source_table") == {"ca_fighter_estimates"}
    assert values("kg_fighter_study_age", "item") == {1, 2}
    assert values("kg_youth_media_study_results", "figure") == {1}


def test_fighter_estimates_keep_the_printed_word_and_the_country_apart() -> None:
    """place is as printed ("Uzbeks", "Tajik citizens"); iso3 is the country (for foreign
    fighters, the one they come from); no column holds a country name of cadata's choosing."""
    frame = cadata.load("fighter_estimates")
    pairs = set(zip(frame["place"].dropna(), frame.loc[frame["place"].notna(), "iso3"].fillna(""), strict=True))
    assert {("Uzbeks", "UZB"), ("Kyrgyz", "KGZ"), ("Tajik citizens", "TJK"), ("Uzbekistan", "UZB")} <= pairs
    assert "origin" not in frame.columns and "country" not in frame.columns
