"""``cadata.cite_used``: cadata's version and every source paper of every table loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

import cadata
from cadata import loading


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new process: no table loaded yet."""
    monkeypatch.setattr(loading, "_used", {})
    monkeypatch.setattr(loading, "_used_releases", {})


def test_nothing_loaded_cites_cadata_alone() -> None:
    text = cadata.cite_used()
    assert text.splitlines() == [
        f"cadata contributors. cadata: statistical tables on security in Central Asia, version {cadata.__version__} "
        "(2026-12-02). Tables used: none loaded yet."
    ]


def test_every_loader_and_backend_is_counted_and_each_paper_cited_once() -> None:
    cadata.kz_hotline_reports()                      # typed loader
    cadata.load("kz_hotline_report_shares", backend="arrow")
    cadata.load("uz_labour_migrants", backend="polars")
    cadata.load("kz_hotline_reports")                # again: listed once
    assert loading.used_tables() == ["kz_hotline_reports", "kz_hotline_report_shares", "uz_labour_migrants"]
    lines = cadata.cite_used().splitlines()
    assert lines[0].endswith("Tables used: kz_hotline_reports, kz_hotline_report_shares, uz_labour_migrants.")
    assert f"version {cadata.__version__}" in lines[0]
    assert lines[1:] == [  # the volume's order; Sabirov once for two tables
        "Shavkat Sabirov. \u201cCybersecurity Threats: Challenges and Countermeasures.\u201d In New Challenges and "
        "Approaches to Regional and Global Security in Central Asia, pp. 135\u2013153. OSCE Programme Office in Nur-Sultan, n.d.",
        "Bahtier Ergashev. \u201cUzbek-Born Members of Terrorist Organizations in Syria and Iraq: Current State and "
        "Prospects.\u201d In New Challenges and Approaches to Regional and Global Security in Central Asia, pp. 193\u2013212. "
        "OSCE Programme Office in Nur-Sultan, n.d.",
    ]


def test_the_papers_come_from_the_papers_table_and_agree_with_the_cards() -> None:
    cadata.load("fighter_estimates")
    papers = loading.load("papers").set_index("paper_id")
    loading._used.pop("papers")
    card = cadata.info("fighter_estimates")
    bibtex = cadata.cite_used("bibtex")
    assert bibtex.count("@incollection{") == len(card.papers) == 5 and bibtex.startswith("@misc{cadata,\n")
    for paper in card.papers:
        row = papers.loc[paper.paper_id]
        assert paper.pages == f"{row['first_page']}\u2013{row['last_page']}"
        assert f"@incollection{{{paper.paper_id}," in bibtex and f"pages     = {{{row['first_page']}--{row['last_page']}}}" in bibtex
        assert f"author    = {{{row['authors']}}}" in bibtex
    assert f"version = {{{cadata.__version__}}}" in bibtex and "fighter\\_estimates" in bibtex


def test_a_table_of_an_earlier_release_is_cited_under_that_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the source checkout's committed releases/cadata-0.1.0.zip, unpacked into an empty cache
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CADATA_RELEASES_URL", raising=False)
    old = cadata.load("af_isil_presence", version="0.1.0")  # a table only 0.1.0 has
    assert len(old) > 0
    cadata.load("kz_hotline_reports")
    lines = cadata.cite_used().splitlines()
    assert lines[0].endswith(f"version {cadata.__version__} (2026-12-02). Tables used: kz_hotline_reports.")
    assert lines[1] == ("cadata contributors. cadata: statistical tables on security in Central Asia, version 0.1.0 "
                        "(2026-11-28). Tables used: af_isil_presence.")
    assert [line.split(".")[0] for line in lines[2:]] == ["Shavkat Sabirov", "Bahtier Ergashev"]  # 0.1.0's card: Ergashev
    bibtex = cadata.cite_used("bibtex")
    assert "@misc{cadata_0_1_0," in bibtex and "version = {0.1.0}" in bibtex and "year    = {2026}" in bibtex


def test_apa_and_an_unknown_format() -> None:
    cadata.load("pew_muslim_attitudes")
    apa = cadata.cite_used("apa").splitlines()
    assert apa[0].startswith("cadata contributors. (2026). cadata: statistical tables") and f"(Version {cadata.__version__})" in apa[0]
    assert apa[1].startswith("Spinghar, M. R. (n.d.). Radicalization of Youth")
    with pytest.raises(cadata.InvalidArgumentError, match="unknown citation format 'mla': use one of plain, bibtex, apa"):
        cadata.cite_used("mla")  # type: ignore[arg-type]
    with pytest.raises(cadata.CadataError):
        cadata.cite_used(3)  # type: ignore[arg-type]


def test_another_package_is_not_the_bundled_tables(tmp_path: Path) -> None:
    from cadata.export import export

    out = export(tmp_path / "p", "parquet")
    cadata.load("kz_hotline_reports", package=out)
    assert loading.used_tables() == []


def test_it_is_part_of_the_api() -> None:
    assert "cite_used" in cadata.__all__ and "cite_used" in dir(cadata)
