"""The build: deterministic, checked for staleness, atomic, and strict about bad rows."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from cadata import _paths
from cadata.build import render, stale, write
from cadata.errors import CuratedDataError

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_committed_outputs_are_up_to_date() -> None:
    outputs = render(ROOT, _paths.source_text_path())
    assert stale(ROOT, outputs) == []


def test_rebuild_is_byte_identical(checkout: Path) -> None:
    first = render(checkout, None)
    second = render(checkout, None)
    assert first == second
    write(checkout, first)
    assert stale(checkout, render(checkout, None)) == []


def test_check_names_hand_edited_and_unexpected_files(checkout: Path) -> None:
    parquet = checkout / "datasets" / "kz_hotline_reports.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-1] + b"\0")
    (checkout / "datasets" / "leftover.parquet").write_bytes(b"x")
    problems = stale(checkout, render(checkout, None))
    assert any(p.startswith("datasets/kz_hotline_reports.parquet: stale or edited by hand") for p in problems)
    assert any(p.startswith("datasets/leftover.parquet: not produced by the build") for p in problems)
    assert len(problems) == 2


def _edit_cell(checkout: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of a curated CSV (row 1 = first data row)."""
    import csv

    path = checkout / "curated" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[row - 1][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


BAD_ROWS = [
    # (table, row, column, value, expected message pattern)
    ("kz_hotline_reports", 3, "reports", "6x2", r"kz_hotline_reports\.csv, row 3 \(line 4\), column reports: '6x2' is not an integer"),
    ("kz_hotline_reports", 2, "year", "2031", r"kz_hotline_reports\.csv, row 2 \(line 3\), column year: breaks maximum"),
    ("kz_hotline_report_shares", 5, "share_pct", "120.0", r"kz_hotline_report_shares\.csv, row 5 \(line 6\), column share_pct: breaks maximum"),
    ("kz_hotline_report_shares", 4, "category", "phishing", r"kz_hotline_report_shares\.csv, row 4 \(line 5\), column category: category 'phishing' is not in"),
    ("ca_fighter_estimates", 1, "high", "2000", r"ca_fighter_estimates\.csv, row 1 \(line 2\).*breaks low_le_high"),
    ("ca_fighter_estimates", 2, "iso3", "UZ", r"ca_fighter_estimates\.csv, row 2 \(line 3\), column iso3: breaks enum"),
    ("ca_fighter_estimates", 7, "iso3", "UZB", r"ca_fighter_estimates\.csv, row \d+ \(line \d+\).*breaks (primaryKey|iso3_matches_country)"),
    ("ca_fighter_estimates", 3, "quote", "", r"ca_fighter_estimates\.csv, row 3 \(line 4\), column quote: breaks required"),
    ("ca_fighter_estimates", 3, "paper_id", "", r"ca_fighter_estimates\.csv, row 3 \(line 4\), column paper_id: breaks required"),
    ("ca_fighter_estimates", 3, "page", "200", r"ca_fighter_estimates\.csv, row 3 \(line 4\), column page: page 200 does not match line 7639"),
    ("ca_fighter_estimates", 3, "line", "7645", r"ca_fighter_estimates\.csv, row 3 \(line 4\), column quote: quote .* is not in the source near line 7645"),
    ("ca_fighter_estimates", 3, "low", "901", r"ca_fighter_estimates\.csv, row 3 \(line 4\).*breaks estimate_matches_print"),
    ("kz_hotline_report_shares", 9, "share_pct", "43.47", r"kz_hotline_report_shares\.csv, row 9 \(line 10\).*breaks shares_sum_to_100"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "pattern"), BAD_ROWS, ids=[f"{b[0]}-{b[2]}-{b[3] or 'empty'}" for b in BAD_ROWS])
def test_bad_curated_row_stops_the_build_with_its_location(
    checkout: Path, source_path: Path, table: str, row: int, column: str, value: str, pattern: str
) -> None:
    before = _snapshot(checkout)
    _edit_cell(checkout, table, row, column, value)
    with pytest.raises(CuratedDataError) as caught:
        write(checkout, render(checkout, source_path))
    assert any(re.search(pattern, p) for p in caught.value.problems), caught.value.problems
    after = _snapshot(checkout)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {f"curated/{table}.csv"}, "a failed build must leave every output as it was"


def test_duplicate_key_is_rejected(checkout: Path) -> None:
    path = checkout / "curated" / "kz_hotline_reports.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(CuratedDataError) as caught:
        render(checkout, None)
    assert any(re.search(r"kz_hotline_reports\.csv, row (1|8) \(line (2|9)\).*breaks primaryKey", p) for p in caught.value.problems), caught.value.problems


def test_missing_column_is_named(checkout: Path) -> None:
    path = checkout / "curated" / "kz_hotline_reports.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("year,reports,as_printed,note,paper_id,page,line,quote", "year,reports,as_printed,note,paper,page,line,quote"), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"missing \['paper_id'\], unexpected \['paper'\]"):
        render(checkout, None)
