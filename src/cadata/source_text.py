"""The volume's text: reading it, folding white space, finding quotes near a line."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from pathlib import Path

QUOTE_WINDOW = 2  # a quote may start up to this many lines before or end this many after its line


def fold(text: str) -> str:
    """Collapse every run of white space (line breaks included) to one space."""
    return re.sub(r"\s+", " ", text).strip()


def read_lines(path: Path) -> list[str]:
    """The text's lines; line n of the file is element n - 1."""
    return path.read_text(encoding="utf-8").split("\n")


def quote_near(lines: Sequence[str], line: int, quote: str, window: int = QUOTE_WINDOW) -> bool:
    """Whether the folded quote occurs in the lines around ``line`` (1-based)."""
    start = max(line - 1 - window, 0)
    return fold(quote) in fold(" ".join(lines[start : line + window]))


def page_of(line: int, page_starts: Sequence[tuple[int, int]]) -> int | None:
    """The printed page holding a line, from (first_line, page) pairs in order."""
    firsts = [first for first, _ in page_starts]
    position = bisect.bisect_right(firsts, line) - 1
    return page_starts[position][1] if position >= 0 else None
