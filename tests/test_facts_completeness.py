"""Completeness of the facts register, proved from the text itself.

Every number-like token of the source is either held by a fact (on its line), dates an event
of the events register, or is excluded for a stated reason, by rule: a page number, a
footnote marker or number, list numbering, a detail of a cited work in a footnote, a year or
decade (a date, not a quantity: dated events are in the events register); or it is one of the
reviewed exceptions in curated/facts_exclusions.csv (identifiers, ordinals, names).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

import cadata

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
YEAR = re.compile(r"(1[89]\d\d|20[0-4]\d)")
PAGE_NUMBER_LINES = {826, 1296, 1457, 2067, 2311, 2397, 3284, 3500, 3713, 5671, 7185, 7279, 7674, 8042}
REASONS = {"identifier", "ordinal_or_era", "list_number", "citation", "other"}


def _exclusions() -> dict[tuple[int, str], str]:
    with (ROOT / "curated" / "facts_exclusions.csv").open(encoding="utf-8", newline="") as handle:
        return {(int(r["line"]), r["number"]): r["reason"] for r in csv.DictReader(handle)}


def _strip_markers(text: str, markers: list[str]) -> str:
    for marker in markers:  # glued to a word, a closing mark or a number; or standing alone
        text = re.sub(rf"(?<=[^\s\d]){marker}(?!\d)|(?<=\d[.,]){marker}(?!\d)|(?<=\s){marker}(?=\s|$|[A-Za-z])", " ", text, count=1)
    return text


def uncovered_tokens(lines: list[str]) -> list[tuple[int, str, str]]:
    """(line, token, text) of every token nothing accounts for."""
    footnotes = cadata.load("footnotes")
    footnote_lines: set[int] = set()
    markers: dict[int, list[str]] = {}
    first_lines = {}
    for row in footnotes.itertuples():
        span = len(str(row.text).split("\n"))
        footnote_lines.update(range(int(row.line), int(row.line) + span))
        first_lines[int(row.line)] = str(row.footnote)
        if not pd.isna(row.marker_line):
            markers.setdefault(int(row.marker_line), []).append(str(row.footnote))
    facts = cadata.load("facts")
    # a hotline category's "0,00" before it existed is held by its table's row, not by a fact
    shares = cadata.load("kz_hotline_report_shares")
    placeholders = shares[~shares["category_existed"].astype(bool)]
    printed: dict[int, list[str]] = {}
    held = [*zip(facts["line"], facts["as_printed"], strict=True), *zip(placeholders["line"], placeholders["as_printed"], strict=True)]
    for line, as_printed in held:
        for near in (int(line), int(line) + 1):  # a number may wrap to the next line
            printed.setdefault(near, []).append(str(as_printed))
    events = cadata.load("events")
    dated: dict[int, list[str]] = {}
    for line, date in zip(events["line"], events["date_as_printed"], strict=True):
        for near in (int(line) - 1, int(line), int(line) + 1):  # a date's day and month may sit on the line before its year
            dated.setdefault(near, []).append(str(date))
    excluded = _exclusions()
    missing = []
    for number, text in enumerate(lines, 1):
        if number in PAGE_NUMBER_LINES or number in footnote_lines:
            continue  # page numbers; footnotes cite works (their facts are checked by the curators' triage)
        clean = _strip_markers(text, markers.get(number, []))
        if number in first_lines:
            clean = clean.replace(first_lines[number], " ", 1)
        for token in TOKEN.findall(clean):
            folded = " ".join(clean.split())
            if re.match(rf"^\s*{re.escape(token)}[.)]\s", text):
                continue  # list numbering
            if any(token in p for p in printed.get(number, [])) or any(token in d for d in dated.get(number, [])):
                continue
            if YEAR.fullmatch(token):
                continue  # a date (events register), not a quantity
            if (number, token) in excluded:
                continue
            missing.append((number, token, folded[:100]))
    return missing


def test_every_number_in_the_text_is_accounted_for(lines: list[str]) -> None:
    missing = uncovered_tokens(lines)
    assert not missing, f"{len(missing)} numbers in no fact, event or exclusion, e.g. {missing[:15]}"


def test_exclusions_are_few_and_reasoned(lines: list[str]) -> None:
    excluded = _exclusions()
    assert set(excluded.values()) <= REASONS, set(excluded.values()) - REASONS
    for (line, token), reason in excluded.items():
        assert token in lines[line - 1], (line, token, reason)
    assert len(excluded) <= 150, "the exceptions list is meant to be small: most numbers are facts or events"
    # no exception duplicates a rule: every listed token would otherwise be uncovered
    assert not [k for k in excluded if YEAR.fullmatch(k[1])], "years are dates by rule; do not list them"


THEMED = [n for n in cadata.list_datasets() if n not in ("papers", "footnotes", "events", "facts", "errata", "indicators", "units",
                                                         "sources_cited", "fact_sources", "osce_field_presence_events")]


@pytest.mark.parametrize("table", THEMED)
def test_every_themed_number_is_a_linked_fact(table: str) -> None:
    """Every printed number of a themed table is one fact, but a "-", a placeholder zero of a
    hotline category before it existed, and the Table 1 cells fighter_estimates repeats."""
    facts = cadata.load("facts")
    linked = facts[facts["source_table"] == table]
    frame = cadata.load(table)
    if "source_table" in frame.columns:
        frame = frame[frame["source_table"].isna()]
    if "category_existed" in frame.columns:
        frame = frame[frame["category_existed"].astype(bool)]
    printed = [p for p in frame["as_printed"].dropna() if p != "-"]
    assert len(linked) == len(printed)
    assert sorted(linked["as_printed"]) == sorted(printed)
