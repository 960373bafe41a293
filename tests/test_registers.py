"""The registers against the source: papers, footnotes, facts, events, errata; and their API."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import cadata
from cadata.cli import main
from cadata.source_text import fold


def test_papers_pages_and_titles(lines: list[str]) -> None:
    papers = cadata.load("papers").set_index("paper_id")
    assert len(papers) == 12
    assert (papers.loc["sabirov", "first_page"], papers.loc["sabirov", "last_page"]) == (135, 153)
    assert papers.loc["karatayeva", "first_page"] == 154  # the one paper on an even page
    assert papers.loc["ergashev", "first_page"] == 193
    for paper_id, row in papers.iterrows():
        assert fold(str(row["quote"])) in fold(lines[int(row["line"]) - 1]), paper_id
        assert row["first_line"] <= row["line"] <= row["last_line"]


def test_every_table_refers_to_papers_by_foreign_key() -> None:
    for name in cadata.list_datasets():
        schema = cadata.info(name)
        resource_schema = cadata._catalog.resource(name)["schema"]
        if name != "papers" and "paper_id" in [f.name for f in schema.fields]:
            assert {"fields": "paper_id", "reference": {"resource": "papers", "fields": "paper_id"}} in resource_schema["foreignKeys"], name


def test_footnotes_are_1_to_194_and_on_their_lines(lines: list[str]) -> None:
    notes = cadata.load("footnotes")
    assert list(notes["footnote"]) == list(range(1, 195))
    for row in notes.itertuples():
        first = lines[int(row.line) - 1]
        assert re.match(rf"^\s*{row.footnote}\b", first) or str(row.footnote) in first, row.footnote
        assert str(row.footnote) in lines[int(row.marker_line) - 1], row.footnote  # the marker's digits
        assert int(row.marker_line) < int(row.line)  # the marker precedes its footnote
        if not pd.isna(row.urls):
            squashed = re.sub(r"\s+", "", str(row.text))
            for url in str(row.urls).split(" "):
                assert url in squashed, (row.footnote, url)
    assert notes["marker_line"].is_monotonic_increasing
    assert int(notes["extraction_damaged"].sum()) >= 3  # the Persian-script footnotes, at least


def test_find_facts_by_country_unit_and_word() -> None:
    uzbek = cadata.find_facts(iso3="UZB")
    assert len(uzbek) and set(uzbek["iso3"]) == {"UZB"}
    assert {"fighter_estimates", "ca_fighter_estimates"} <= set(uzbek["source_table"].dropna())
    percent = cadata.find_facts(unit="percent")
    assert len(percent) and (percent["unit"].str.lower() == "percent").all()
    soufan = cadata.search("Soufan")
    assert len(soufan) >= 4 and soufan["attributed_to"].fillna("").str.contains("Soufan").any()


def test_facts_link_back_to_themed_rows() -> None:
    facts = cadata.load("facts")
    row = facts[(facts["source_table"] == "kz_hotline_reports") & (facts["row_key"] == "2017")].iloc[0]
    assert row["as_printed"] == "3251" and row["value"] == 3251 and row["line"] == 5656
    assert cadata.find_facts(table="kz_hotline_report_shares").shape[0] == 56 - 10  # not the placeholder zeros


def test_cite_row_gives_page_line_and_quote(capsys: pytest.CaptureFixture[str]) -> None:
    text = cadata.cite_row("kz_hotline_reports", "2017")
    assert "printed page 150, source line 5656" in text and "258 365 612 2088 2156 2295 3251" in text and "Sabirov" in text
    assert main(["cite-row", "ca_fighter_estimates", "UZB|killed"]) == 0
    assert "7639" in capsys.readouterr().out
    with pytest.raises(cadata.CadataError, match="has no row with key"):
        cadata.cite_row("kz_hotline_reports", "1999")


def test_search_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "Soufan"]) == 0
    assert "nearly 9,000" in capsys.readouterr().out
    assert main(["search", "zzzz-no-such-word"]) == 0
    assert "no fact mentions" in capsys.readouterr().out


def test_frictionless_checks_the_foreign_keys(datasets_copy: object) -> None:
    """A paper missing from papers breaks every row that cites it, for frictionless too."""
    import hashlib
    import json
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from cadata.validation import frictionless_errors

    folder = Path(str(datasets_copy))
    table = pq.read_table(folder / "papers.parquet")
    pq.write_table(table.filter(pc.not_equal(table["paper_id"].cast(pa.string()), "sabirov")), folder / "papers.parquet")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    data = (folder / "papers.parquet").read_bytes()
    for resource in descriptor["resources"]:
        if resource["name"] == "papers":
            resource.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), cadata_bytes=len(data))
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    errors = frictionless_errors(folder / "datapackage.json")
    assert any("foreign-key" in e and '"sabirov" not found in the lookup table "papers"' in e for e in errors)
