"""The curated tables agree cell by cell with the independent second transcription."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_transcriptions", ROOT / "checks" / "compare_transcriptions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


COMPARE = _script()


@pytest.mark.parametrize("table", sorted([*COMPARE.COMPARED, *COMPARE.MERGED, "observation_model"]))
def test_curated_matches_second_transcription(table: str) -> None:
    assert COMPARE.compare(table) == []


def test_comparison_reports_a_changed_cell(tmp_path: Path) -> None:
    curated = tmp_path / "curated"
    curated.mkdir()
    text = (ROOT / "curated" / "kz_hotline_reports.csv").read_text(encoding="utf-8")
    (curated / "kz_hotline_reports.csv").write_text(text.replace(",2088,2088,,2088,", ",2089,2089,,2089,"), encoding="utf-8")
    problems = COMPARE.compare("kz_hotline_reports", curated_dir=curated)
    assert problems == [
        "kz_hotline_reports ('2014',) as_printed: curated '2089', second transcription '2088'",
        "kz_hotline_reports ('2014',) reports: curated '2089', second transcription '2088'",
    ]


def test_every_erratum_was_confirmed_by_an_independent_review() -> None:
    import csv

    import cadata

    with (ROOT / "checks" / "second_transcription" / "errata_review.csv").open(encoding="utf-8", newline="") as handle:
        review = {r["erratum_id"]: r["verdict"] for r in csv.DictReader(handle)}
    errata = set(cadata.load("errata")["erratum_id"])
    assert errata == set(review), errata ^ set(review)
    assert set(review.values()) == {"confirmed"}
