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


def test_duplicate_key_is_rejected(checkout: Path) -> None:
    path = checkout / "curated" / "kz_hotline_reports.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(CuratedDataError) as caught:
        render(checkout, None)
    assert any(re.search(r"kz_hotline_reports\.csv, row (1|8) \(line (2|9)\).*breaks primaryKey", p) for p in caught.value.problems), caught.value.problems


def test_missing_column_is_named(checkout: Path) -> None:
    path = checkout / "curated" / "kz_hotline_reports.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",note,paper_id,page,line,quote", ",note,paper,page,line,quote"), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"missing \['paper_id'\], unexpected \['paper'\]"):
        render(checkout, None)
