"""Triangulation (cadata.compare): every estimate once, its source chain, and agreement.

The expected estimates, chains and the known conflict are read from the source text here
(the ``lines`` fixture), not taken from cadata's own tables.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import cadata
from cadata.cli import main
from cadata.source_text import fold
from cadata.triangulate import (
    is_conflict,
    is_requoted,
    quantity_key,
    range_relation,
    value_bounds,
    year_span,
    years_relation,
)

ROOT = Path(__file__).resolve().parent.parent

#: Every estimate of fighters from each country that the volume prints, read from the text:
#: (line of the number, the number as printed). Afghanistan: ISIL fighters in the country.
PRINTED: dict[tuple[str, str], list[tuple[int, str]]] = {
    ("foreign_fighters", "UZB"): [(4091, "500"), (7595, "more than 1,500"), (7601, "500"), (7639, "3,000–3,500"),
                                  (7639, "300"), (7972, "some3,000"), (7974, "no more than 1,500")],
    ("foreign_fighters", "KGZ"): [(4092, "500"), (4689, "over 500"), (7601, "200"), (7647, "500–600"), (7647, "Over 600")],
    ("foreign_fighters", "TJK"): [(4092, "386"), (7594, "over 1,000"), (7643, "2,000"), (7643, "Over 1,000")],
    ("foreign_fighters", "KAZ"): [(4092, "400"), (7645, "500"), (7645, "200")],
    ("foreign_fighters", "TKM"): [(4092, "360"), (7601, "360"), (7641, "500")],
    ("fighters_relocated", "AFG"): [(2643, "about 7,000"), (7768, "as many as 3,000")],
}


def _near(lines: list[str], line: int, before: int = 1, after: int = 1) -> str:
    return fold(" ".join(lines[line - 1 - before : line + after]))


def _footnote(lines: list[str], number: int, after: int) -> str:
    """The text of footnote ``number``: the first line after ``after`` that starts with it, and the next two."""
    for i in range(after, len(lines)):
        if re.match(rf"^\s*{number}\s", lines[i]):
            return fold(" ".join(lines[i : i + 3]))
    raise AssertionError(f"footnote {number} not found after line {after}")


def _row(comparison: cadata.Comparison, line: int, printed: str) -> dict[str, object]:
    frame = comparison.estimates.astype(object).where(comparison.estimates.notna(), None)
    rows = [r for r in frame.to_dict("records") if r["line"] == line and r["as_printed"] == printed]
    assert len(rows) == 1, (line, printed, rows)
    return {str(k): v for k, v in rows[0].items()}


@pytest.mark.parametrize(("indicator", "iso3"), list(PRINTED), ids=[f"{i}-{c}" for i, c in PRINTED])
def test_every_estimate_in_the_volume_is_listed_once(lines: list[str], indicator: str, iso3: str) -> None:
    expected = PRINTED[(indicator, iso3)]
    for line, printed in expected:
        assert fold(printed) in _near(lines, line), (line, printed)  # the list is the text's
    comparison = cadata.compare(indicator, iso3=iso3)
    listed = sorted(zip(comparison.estimates["line"].astype(int), comparison.estimates["as_printed"].astype(str), strict=True))
    assert listed == sorted(expected)
    assert comparison.estimates["fact_id"].is_unique
    assert comparison.estimates["chain"].notna().all()


def test_fighters_in_afghanistan_are_fighters_relocated_not_foreign_fighters(lines: list[str]) -> None:
    assert cadata.compare("foreign_fighters", iso3="AFG").estimates.empty  # the volume counts no fighters from Afghanistan
    assert "ISIL fighters" in _near(lines, 7768) and "northern provinces" in _near(lines, 7768)
    assert "concentrated" in _near(lines, 2641) and "territory of Afghanistan" in _near(lines, 2642)
    relocated = cadata.compare("fighters_relocated", iso3="AFG")
    assert set(relocated.estimates["place"]) == {"Afghanistan", "northern Afghanistan"}


def test_soufan_chain_runs_to_the_sputnik_article(lines: list[str]) -> None:
    assert "According to the Soufan Center" in _near(lines, 7592, 0, 0)
    assert "1,500 Uzbeks.184" in lines[7595 - 1]
    note = _footnote(lines, 184, 7595)
    assert "Sputnik, 27 October 2017" in note
    row = _row(cadata.compare("foreign_fighters", iso3="UZB"), 7595, "more than 1,500")
    assert row["footnote"] == 184 and row["cited_footnote"] == 184
    assert "Soufan Center" in str(row["attributed_source"]) and row["attributed_kind"] == "think_tank"
    assert "Sputnik" in str(row["cited_source"]) and row["cited_kind"] == "media"
    assert str(row["chain"]).index("Soufan") < str(row["chain"]).index("footnote 184") < str(row["chain"]).index("Sputnik")


def test_official_sources_chain_runs_to_brookings(lines: list[str]) -> None:
    assert "According to official sources" in lines[4091 - 1]
    assert lines[4093 - 1].rstrip().endswith("68")
    assert "Byman" in _footnote(lines, 68, 4093) and "Brookings" in _footnote(lines, 68, 4093)
    row = _row(cadata.compare("foreign_fighters", iso3="TJK"), 4092, "386")
    assert row["attributed_source_id"] == "official_sources_spinghar" and row["attributed_kind"] == "government"
    assert "Brookings" in str(row["cited_source"]) and row["cited_kind"] == "think_tank"
    assert not bool(cadata.load("sources_cited").set_index("source_id").at["official_sources_spinghar", "named"])


def test_csto_chain_runs_to_interfax(lines: list[str]) -> None:
    assert "Deputy Secretary General of the CSTO Valery Semerikov" in _near(lines, 2634)
    assert "cause concern.39" in lines[2644 - 1]
    assert "INTERFAX.RU, 8 February 2018" in _footnote(lines, 39, 2644)
    row = _row(cadata.compare("fighters_relocated", iso3="AFG"), 2643, "about 7,000")
    assert "Semerikov" in str(row["attributed_source"]) and row["attributed_kind"] == "international_organization"
    assert row["cited_source_id"] == "interfax"


def test_ibid_is_followed_back_to_its_footnote(lines: list[str]) -> None:
    assert "According to Bruce Hoffman" in lines[5960 - 1]
    assert "100 in Russia.134" in lines[5965 - 1]
    assert _footnote(lines, 134, 5965).startswith("134 Ibid.")
    assert all(_footnote(lines, n, 5943).startswith(f"{n} Ibid.") for n in (132, 133))
    assert "Council on Foreign Relations" in _footnote(lines, 131, 5930)
    row = _row(cadata.compare("armed_group_fighters", iso3="SYR"), 5961, "an estimated 10,000–20,000")
    assert row["footnote"] == 134 and row["cited_footnote"] == 131 and row["cited_source_id"] == "cfr"
    assert "Ibid., = footnote 131" in str(row["chain"])


def test_ministry_chain_and_an_estimate_with_no_source(lines: list[str]) -> None:
    assert "according to the Ministry of Internal Affairs of Kyrgyzstan" in _near(lines, 4689)
    assert "conducted.92" in lines[4690 - 1] and "24.kg" in _footnote(lines, 92, 4690)
    kgz = cadata.compare("foreign_fighters", iso3="KGZ")
    row = _row(kgz, 4689, "over 500")
    assert row["attributed_source_id"] == "kg_ministry_internal_affairs" and row["cited_source_id"] == "news_24kg"
    # "At the lowest estimate, their number was no more than 1,500.": no source named, no footnote
    assert "ccording" not in _near(lines, 7974) and not re.search(r"1,500\.\d", lines[7974 - 1])
    lowest = _row(cadata.compare("foreign_fighters", iso3="UZB"), 7974, "no more than 1,500")
    assert lowest["attributed_source_id"] is None and lowest["footnote"] is None and lowest["cited_source_id"] is None
    assert str(lowest["chain"]).endswith("no source named in the text")


def test_known_conflict_ergashev_text_against_his_table(lines: list[str]) -> None:
    """Ergashev's lowest estimate for Uzbekistan, "no more than 1,500" (line 7974), against his
    Table 1's 3,000–3,500 according to open sources (line 7639): erratum E037."""
    lowest = re.search(r"no more than ([\d,]+)", _near(lines, 7974))
    table = re.match(r"Uzbekistan ([\d,]+)–([\d,]+) ", lines[7639 - 1])
    assert lowest and table
    high = float(lowest.group(1).replace(",", ""))
    low, _ = (float(g.replace(",", "")) for g in table.groups())
    assert high < low  # the printed ranges do not meet: a conflict by the rule
    uzb = cadata.compare("foreign_fighters", iso3="UZB")
    a = _row(uzb, 7974, "no more than 1,500")["fact_id"]
    b = _row(uzb, 7639, "3,000–3,500")["fact_id"]
    pair = uzb.pairs[((uzb.pairs["a"] == a) & (uzb.pairs["b"] == b)) | ((uzb.pairs["a"] == b) & (uzb.pairs["b"] == a))]
    assert len(pair) == 1
    assert pair.iloc[0]["ranges"] == "disjoint" and bool(pair.iloc[0]["conflict"])
    assert pair.iloc[0]["years"] == "undated"  # the lowest estimate is not dated, and the pair says so
    assert "E037" in str(pair.iloc[0]["errata"])
    assert {a, b} <= set(uzb.conflicts["a"]) | set(uzb.conflicts["b"])
    erratum = cadata.erratum("E037")  # the volume's own conflict, as recorded
    assert "no more than 1,500" in erratum.printed and "3,000–3,500" in erratum.conflicts_with


def test_same_number_from_different_sources_and_years(lines: list[str]) -> None:
    """360 Turkmen in 2013 (Karin and Zenn, line 7601) and 360 by the beginning of 2016 (official
    sources, line 4092): equal, of different years, not re-quoted (different sources); E007."""
    assert "360 Turkmen and 200 Kyrgyz in 2013" in lines[7601 - 1]
    assert "360 Turkmen" in lines[4092 - 1] and "beginning of 2016" in lines[4093 - 1]
    tkm = cadata.compare("foreign_fighters", iso3="TKM")
    pair = tkm.pairs[tkm.pairs["ranges"] == "equal"].iloc[0]
    assert {pair["a_as_printed"], pair["b_as_printed"]} == {"360"}
    assert pair["years"] == "disjoint" and not bool(pair["conflict"]) and not bool(pair["requoted"])
    assert pair["errata"] == "E007"
    tjk = cadata.compare("foreign_fighters", iso3="TJK")  # Soufan's "over 1,000" = Table 1's "Over 1,000"
    equal = tjk.pairs[tjk.pairs["ranges"] == "equal"].iloc[0]
    assert equal["years"] == "same" and not bool(equal["requoted"]) and not bool(equal["same_scope"])


def test_year_filter_keeps_covering_and_undated_estimates() -> None:
    kaz = cadata.compare("foreign_fighters", iso3="KAZ", year=2016)
    assert sorted(kaz.estimates["years"]) == ["2011–", "2011–", "2016"]
    assert cadata.compare("foreign_fighters", iso3="KAZ", year=2010).estimates.empty
    uzb = cadata.compare("foreign_fighters", iso3="UZB", year=2013)
    assert set(uzb.estimates[~uzb.estimates["dated"].astype(bool)]["line"]) == {7972, 7974}
    assert 4091 not in set(uzb.estimates["line"])  # 2016 only


def test_rules() -> None:
    over_500, five_hundred, up_to_1500 = value_bounds(500, None), value_bounds(500, 500), value_bounds(None, 1500)
    assert range_relation(over_500, five_hundred) == "contains"  # closed bounds: "over 500" touches 500
    assert range_relation(five_hundred, over_500) == "within"
    assert range_relation(value_bounds(500, 600), value_bounds(550, 700)) == "overlap"
    assert range_relation(up_to_1500, value_bounds(3000, 3500)) == "disjoint"
    assert range_relation(value_bounds(None, None), five_hundred) == "no_number"
    assert years_relation(year_span(2011, None), year_span(2016, 2016)) == "overlap"  # "since 2011" runs on
    assert years_relation(year_span(2013, 2013), year_span(2016, 2016)) == "disjoint"
    assert years_relation(year_span(None, None), year_span(2016, 2016)) == "undated"
    assert is_conflict("disjoint", "undated") and is_conflict("disjoint", "same") and not is_conflict("disjoint", "disjoint")
    a = {"low": 500.0, "high": 500.0, "qualifier": None, "named_sources": {"karin_zenn"}}
    assert is_requoted(a, {**a, "named_sources": {"karin_zenn", "sputnik"}})
    assert not is_requoted(a, {**a, "named_sources": set()})  # unnamed sources never match
    assert not is_requoted(a, {**a, "low": 400.0, "high": 400.0})
    assert quantity_key("theatre=syria; organization=isil") == "" == quantity_key(None)
    assert quantity_key("destination=Russia; status=legal") != quantity_key("destination=Kazakhstan; status=total")


def test_every_error_is_a_cadata_error() -> None:
    for bad in ({"indicator": "foreign_fightrs"}, {"indicator": 5}, {"indicator": "foreign_fighters", "iso3": "U1"},
                {"indicator": "foreign_fighters", "iso3": 7}, {"indicator": "foreign_fighters", "year": True},
                {"indicator": "foreign_fighters", "year": "2016"}, {"indicator": "foreign_fighters", "year": 99999}):
        with pytest.raises(cadata.CadataError):
            cadata.compare(**bad)  # type: ignore[arg-type]
    with pytest.raises(cadata.CadataError, match="did you mean foreign_fighters"):
        cadata.compare("foreign_fightrs")
    assert "no estimates" in str(cadata.compare("foreign_fighters", iso3="FRA"))


def test_compare_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "foreign_fighters", "--iso3", "uzb"]) == 0
    out = capsys.readouterr().out
    assert "7 estimates" in out and "Sputnik" in out and "E037" in out and "undated" in out
    assert main(["compare", "fighters_relocated", "--iso3", "AFG", "--year", "2018"]) == 0
    assert "SCO-RATS" in capsys.readouterr().out
    assert main(["compare", "nope"]) == 1
    assert "unknown indicator" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["compare", "foreign_fighters", "--year", "soon"])
    assert exit_.value.code == 2


def test_compare_loads_lazily() -> None:
    code = "import sys, cadata; assert 'cadata.triangulate' not in sys.modules; cadata.compare; assert 'cadata.triangulate' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert "compare" in cadata.__all__ and "Comparison" in cadata.__all__


def test_every_attributed_or_footnoted_fact_has_its_sources() -> None:
    facts = cadata.load("facts")
    sourced = set(facts[facts["attributed_to"].notna() | facts["footnote"].notna()]["fact_id"])
    links = cadata.load("fact_sources")
    assert set(links["fact_id"]) == sourced and links["fact_id"].is_unique
    assert (links["attributed_to"].isna() == links["attributed_source_id"].isna()).all()
    used = set(links["attributed_source_id"].dropna()) | set(links["cited_source_id"].dropna())
    assert used == set(cadata.load("sources_cited")["source_id"])  # the register holds no unused source


def test_a_fact_without_its_sources_stops_the_build(checkout: Path, source_path: Path) -> None:
    from cadata.build import render
    from cadata.errors import CuratedDataError

    path = checkout / "curated" / "fact_sources.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in text if not line.startswith("ergashev-7595-t1,")), encoding="utf-8")
    with pytest.raises(CuratedDataError, match="ergashev-7595-t1"):
        render(checkout, source_path, {"fact_sources"})
    path.write_text("".join(text).replace("ergashev-7595-t1,soufan_center,184,sputnik", "ergashev-7595-t1,soufan_center,185,sputnik"),
                    encoding="utf-8")
    with pytest.raises(CuratedDataError, match="cited_footnote_is_the_facts|one_source_per_footnote"):
        render(checkout, source_path, {"fact_sources"})


def _second_reading() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_sources_cited", ROOT / "checks" / "compare_sources_cited.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_sources_agree_with_their_second_reading() -> None:
    assert _second_reading().compare() == []


def test_second_reading_reports_a_changed_source(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    shutil.copy2(ROOT / "curated" / "sources_cited.csv", curated / "sources_cited.csv")
    text = (ROOT / "curated" / "fact_sources.csv").read_text(encoding="utf-8")
    (curated / "fact_sources.csv").write_text(
        text.replace("spinghar-4092-t4,official_sources_spinghar,68,brookings_byman", "spinghar-4092-t4,open_sources,68,sputnik"),
        encoding="utf-8",
    )
    problems = _second_reading().compare(curated_dir=curated)
    assert any("spinghar-4092-t4 attributed:" in p for p in problems)
    assert any("spinghar-4092-t4 cited:" in p and "Sputnik" in p for p in problems)
    assert any("spinghar-4092-t4 cited kind" in p for p in problems)
