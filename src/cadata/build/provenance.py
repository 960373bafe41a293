"""Provenance checks of curated rows: paper, page, line and quote."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cadata.build.inputs import Paper, where
from cadata.source_text import page_of, quote_near

if TYPE_CHECKING:
    import pandas as pd


def check(
    path: Path,
    df: pd.DataFrame,
    papers: dict[str, Paper],
    page_starts: Sequence[tuple[int, int]],
    source: Sequence[str] | None,
) -> list[str]:
    """Every provenance problem of a curated table, with its file, row and column."""
    import pandas as pd

    problems: list[str] = []
    if not {"paper_id", "page", "line", "quote"} <= set(df.columns):
        return problems  # a vocabulary (units, indicators), not rows of the volume
    for number, row in enumerate(df.to_dict("records")):
        paper_id, page, line, quote = row["paper_id"], row["page"], row["line"], row["quote"]
        if any(pd.isna(v) for v in (paper_id, page, line, quote)):
            continue  # reported by the schema's required constraint
        paper = papers.get(str(paper_id))
        if paper is None:
            problems.append(f"{where(path, number, 'paper_id')}: unknown paper {paper_id!r}; see curated/papers.csv")
            continue
        if not paper.first_line <= line <= paper.last_line:
            problems.append(
                f"{where(path, number, 'line')}: line {line} is outside paper {paper_id!r} "
                f"(lines {paper.first_line}-{paper.last_line}); fix line or paper_id"
            )
        expected_page = page_of(int(line), page_starts)
        if expected_page != page:
            problems.append(
                f"{where(path, number, 'page')}: page {page} does not match line {line}, "
                f"which is on printed page {expected_page} (curated/source_pages.csv)"
            )
        if source is not None and not quote_near(source, int(line), str(quote)):
            problems.append(
                f"{where(path, number, 'quote')}: quote {str(quote)[:60]!r} is not in the source "
                f"near line {line}; copy it verbatim from the text"
            )
    return problems
