"""Mutation suite: each kind of damage to a copy of the curated inputs is rejected by
the build, with the file, the row and the rule named, and the outputs left as they were."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cadata.build import render, write
from cadata.errors import CuratedDataError


def set_cell(table: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """A mutation setting one cell of curated/TABLE.csv (row 1 = first data row)."""

    def mutate(root: Path) -> None:
        path = root / "curated" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows[row - 1][column] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    return mutate


def replace_text(relative: str, old: str, new: str) -> Callable[[Path], None]:
    """A mutation replacing text in one input file (the text must be there)."""

    def mutate(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def duplicate_row(table: str, row: int) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / "curated" / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join([*lines, lines[row]]), encoding="utf-8")

    return mutate


def write_bytes(relative: str, data: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / relative
        path.write_bytes(path.read_bytes() + data)

    return mutate


@dataclass(frozen=True)
class Mutation:
    kind: str
    mutate: Callable[[Path], None]
    expected: str  # a regular expression one of the reported problems must match


R = r"kz_hotline_reports\.csv"
S = r"kz_hotline_report_shares\.csv"
F = r"ca_fighter_estimates\.csv"
MUTATIONS = [
    Mutation("wrong type", set_cell("kz_hotline_reports", 3, "low", "6x2"),
             rf"{R}, row 3 \(line 4\), column low: '6x2' is not a number"),
    Mutation("value above maximum", set_cell("kz_hotline_reports", 2, "year_start", "3031"),
             rf"{R}, row 2 \(line 3\), column year_start: breaks maximum 2100"),
    Mutation("share out of range", set_cell("kz_hotline_report_shares", 5, "low", "120.0"),
             rf"{S}, row 5 \(line 6\): breaks percent_in_range"),
    Mutation("negative count", set_cell("ca_fighter_estimates", 3, "low", "-900"),
             rf"{F}, row 3 \(line 4\): breaks count_not_negative"),
    Mutation("shares no longer sum to 100", set_cell("kz_hotline_report_shares", 9, "low", "43.47"),
             rf"{S}, row 9 \(line 10\): breaks shares_sum_to_100"),
    Mutation("low > high", set_cell("ca_fighter_estimates", 1, "high", "2000"),
             rf"{F}, row 1 \(line 2\): breaks low_le_high"),
    Mutation("duplicated key", duplicate_row("kz_hotline_reports", 1),
             rf"{R}, row (1|8) \(line (2|9)\): breaks primaryKey \(unique\)"),
    Mutation("unknown category", set_cell("kz_hotline_report_shares", 4, "category", "phishing"),
             rf"{S}, row 4 \(line 5\), column category: category 'phishing' is not in"),
    Mutation("unknown country code", set_cell("ca_fighter_estimates", 2, "iso3", "UZ"),
             rf"{F}, row 2 \(line 3\): breaks iso3_matches_country"),
    Mutation("code of another country", set_cell("ca_fighter_estimates", 7, "iso3", "UZB"),
             rf"{F}, row 7 \(line 8\): breaks iso3_matches_country"),
    Mutation("quote not in the source", set_cell("ca_fighter_estimates", 4, "quote", "Uzbekistan 3,000–3,500 300 900 11"),
             rf"{F}, row 4 \(line 5\), column quote: quote .* is not in the source near line 7639"),
    Mutation("line moved away from its quote", set_cell("ca_fighter_estimates", 3, "line", "7645"),
             rf"{F}, row 3 \(line 4\), column quote: quote .* is not in the source near line 7645"),
    Mutation("page that does not match the line", set_cell("ca_fighter_estimates", 3, "page", "200"),
             rf"{F}, row 3 \(line 4\), column page: page 200 does not match line 7639"),
    Mutation("missing provenance: quote", set_cell("ca_fighter_estimates", 3, "quote", ""),
             rf"{F}, row 3 \(line 4\), column quote: breaks required"),
    Mutation("missing provenance: page", set_cell("kz_hotline_reports", 2, "page", ""),
             rf"{R}, row 2 \(line 3\), column page: breaks required"),
    Mutation("unknown paper (broken reference)", set_cell("ca_fighter_estimates", 3, "paper_id", "ergashov"),
             rf"{F}, row 3 \(line 4\): breaks foreign_key_paper_id"),
    Mutation("line outside its paper", replace_text("curated/papers.csv", "ergashev,Uzbek-Born Members of Terrorist Organizations in Syria and Iraq: Current State and Prospects,Bahtier Ergashev,IV,7371,8194", "ergashev,Uzbek-Born Members of Terrorist Organizations in Syria and Iraq: Current State and Prospects,Bahtier Ergashev,IV,7650,8194"),
             r"papers\.csv, row 11 \(line 12\), column line: line 7371 is outside paper 'ergashev'"),
    Mutation("value no longer as printed", set_cell("ca_fighter_estimates", 3, "low", "901"),
             rf"{F}, row 3 \(line 4\): breaks estimate_matches_print"),
    Mutation("total no longer as printed", set_cell("kz_hotline_reports", 7, "low", "3250"),
             rf"{R}, row 7 \(line 8\): breaks estimate_matches_print"),
    Mutation("broken cross-table link (a year without a total)", set_cell("kz_hotline_reports", 1, "year_start", "2010"),
             rf"{S}, row \d+ \(line \d+\): breaks reports_derived_by_rule"),
    Mutation("missing column", replace_text("curated/kz_hotline_reports.csv", ",note,paper_id,", ",note,paper,"),
             rf"{R}: header is .*missing \['paper_id'\], unexpected \['paper'\]"),
    Mutation("file not UTF-8", write_bytes("curated/ca_fighter_estimates.csv", b"Kyrgyzstan,KGZ,killed,70,70,,70,\xff\n"),
             rf"{F}: not UTF-8 .*byte \d+"),
    Mutation("data card not YAML", write_bytes("curated/kz_hotline_reports.yaml", b"\nrow: a: b\n"),
             r"kz_hotline_reports\.yaml: not valid YAML"),
]


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_suite_has_at_least_15_kinds() -> None:
    assert len({m.kind for m in MUTATIONS}) >= 15


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.kind for m in MUTATIONS])
def test_mutation_is_rejected_with_its_location(checkout: Path, source_path: Path, mutation: Mutation) -> None:
    outputs_before = {k: v for k, v in _snapshot(checkout).items() if not k.startswith("curated/")}
    mutation.mutate(checkout)
    with pytest.raises(CuratedDataError) as caught:
        write(checkout, render(checkout, source_path))
    problems = caught.value.problems
    assert any(re.search(mutation.expected, p) for p in problems), problems
    outputs_after = {k: v for k, v in _snapshot(checkout).items() if not k.startswith("curated/")}
    assert outputs_after == outputs_before, "a failed build must leave every output as it was"
