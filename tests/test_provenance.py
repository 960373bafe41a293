"""Provenance against the source text: quotes, lines, pages, and the page map itself."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

import cadata
from cadata.source_text import fold, page_of, quote_near

ROOT = Path(__file__).resolve().parent.parent


def _csv(name: str) -> list[dict[str, str]]:
    with (ROOT / "curated" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


PAGE_STARTS = [(int(r["first_line"]), int(r["page"])) for r in _csv("source_pages.csv")]
REJECTED = {int(r["line"]): r["reason"] for r in _csv("source_pages_rejected.csv")}
#: page numbers that survive in the text: line -> printed page
SURVIVING = {826: 28, 1296: 40, 1457: 44, 2067: 60, 2311: 66, 2397: 68, 3284: 90, 3500: 96,
             3713: 101, 5671: 151, 7185: 189, 7279: 191, 7674: 200, 8042: 209}


def test_source_is_the_expected_file(source_path: Path) -> None:
    assert hashlib.sha256(source_path.read_bytes()).hexdigest() == cadata._paths.SOURCE_SHA256


@pytest.mark.parametrize("name", [n for n in cadata.list_datasets() if n not in ("indicators", "units")])
def test_every_quote_is_verbatim_near_its_line(lines: list[str], name: str) -> None:
    df = cadata.load(name)
    for row in df.itertuples():
        assert quote_near(lines, row.line, row.quote), (name, row.Index, row.line, row.quote)


@pytest.mark.parametrize("name", [n for n in cadata.list_datasets() if n not in ("indicators", "units")])
def test_every_as_printed_cell_is_on_its_line(lines: list[str], name: str) -> None:
    """as_printed is verbatim in the text, on its line (its words may wrap to the line before or after)."""
    df = cadata.load(name)
    if "as_printed" not in df.columns:
        pytest.skip(f"{name} has no as_printed column")
    for row in df.itertuples():
        if pd.isna(row.as_printed):
            continue
        before, here = fold(lines[row.line - 2]), fold(lines[row.line - 1])
        after = fold(lines[row.line]) if row.line < len(lines) else ""
        text = fold(row.as_printed)
        on_line = text in here or any(word in here.split() for word in text.split())
        assert text in f"{before} {here} {after}" and on_line, (name, row.Index, row.line)


@pytest.mark.parametrize("name", [n for n in cadata.list_datasets() if n not in ("indicators", "units")])
def test_every_page_matches_its_line(name: str) -> None:
    df = cadata.load(name)
    for row in df.itertuples():
        assert page_of(row.line, PAGE_STARTS) == row.page, (name, row.Index)


def test_page_map_agrees_with_surviving_page_numbers(lines: list[str]) -> None:
    for line, page in SURVIVING.items():
        number = lines[line - 1].strip()
        assert number in (str(page), str(page) * 2), (line, number)  # "2828" is page 28
        assert page_of(line, PAGE_STARTS) == page
        assert (line, page) in PAGE_STARTS


def test_page_map_is_consecutive_and_covers_the_text(lines: list[str]) -> None:
    pages = [p for _, p in PAGE_STARTS]
    assert pages == list(range(pages[0], pages[0] + len(pages)))
    assert PAGE_STARTS[0][0] == 1
    firsts = [f for f, _ in PAGE_STARTS]
    assert firsts == sorted(firsts) and firsts[-1] <= len(lines)


def test_page_starts_are_the_marked_lines_and_nothing_else(lines: list[str]) -> None:
    """Each page starts on a line led by white space (or a surviving number) after a
    non-blank line; each other line led by white space is rejected with a reason."""
    marked = {i for i, text in enumerate(lines, 1) if re.match(r"^\s+\S", text)}
    starts = {first for first, _ in PAGE_STARTS}
    assert starts - marked <= set(SURVIVING)
    assert marked - starts == set(REJECTED), "every unmarked candidate needs a reason"
    for first in starts - set(SURVIVING) - {1}:
        assert lines[first - 2].strip(), f"page start {first} follows a blank line"


def test_running_headers_sit_on_pages_of_the_right_parity(lines: list[str]) -> None:
    volume = "New challenges and approaches to regional and global security in Central Asia"
    for number, text in enumerate(lines, 1):
        if text.strip() == volume:
            assert page_of(number, PAGE_STARTS) % 2 == 0, number
        if re.fullmatch(r"Session (II|III|IV):?", text.strip()):
            assert page_of(number, PAGE_STARTS) % 2 == 1, number


def test_papers_start_where_their_titles_are(lines: list[str]) -> None:
    for paper in _csv("papers.csv"):
        first = int(paper["first_line"])
        title_start = paper["title"].split()[0]
        window = fold(" ".join(lines[first - 1 : first + 12]))
        assert title_start in window, paper["paper_id"]
        assert paper["authors"].split()[-1] in window, paper["paper_id"]
