"""The site's source pages: the volume's text, one page per printed page, a link target per line.

Written when the source text is at hand (``$CADATA_SOURCE`` or ``../shared/source/``, with the
sha256 the rows' ``line`` field names) and so is the map of lines to printed pages
(``curated/source_pages.csv``, in a source checkout). Each line has an ``id`` (``L5624``) and
links back to the rows that cite it, so a row's "printed page, line" and the line's rows point
at each other. Without the text the evidence view still shows every row's page, line and
quote, and says why the pages are not there.
"""

from __future__ import annotations

import csv
import hashlib
import html
from collections.abc import Callable
from pathlib import Path

from cadata import _paths
from cadata.source_text import page_of, read_lines

#: (table, row key, row anchor) of the rows that cite a line, by line number.
Citing = dict[int, list[tuple[str, str, str]]]


def page_starts() -> list[tuple[int, int]] | None:
    """(first line, printed page) in order, from the checkout's curated/source_pages.csv; None without it."""
    root = _paths.checkout_root()
    path = root / "curated" / "source_pages.csv" if root is not None else None
    if path is None or not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return [(int(r["first_line"]), int(r["page"])) for r in csv.DictReader(handle)]
    except (OSError, KeyError, ValueError, UnicodeDecodeError):
        return None


def why_absent() -> str | None:
    """Why the source pages cannot be written, or None if they can."""
    path = _paths.source_text_path()
    if path is None:
        return (f"The source text ({_paths.SOURCE_FILENAME}) was not found (set ${_paths.SOURCE_ENV}), so the printed "
                "pages are not part of this site; each row's page, line and quote are above.")
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"The source text {path} cannot be read ({error.strerror}), so the printed pages are not part of this site."
    if digest != _paths.SOURCE_SHA256:
        return f"{path} is not the text the rows cite (its sha256 differs), so the printed pages are not part of this site."
    if page_starts() is None:
        return "The map of source lines to printed pages (curated/source_pages.csv) is not at hand outside a source checkout."
    return None


def href(line: object, starts: list[tuple[int, int]] | None, up: str = "../") -> str | None:
    """The link to a source line's place on its printed page, or None."""
    if starts is None or not isinstance(line, int | float) or line != line:
        return None
    page = page_of(int(line), starts)
    return None if page is None else f"{up}source/page-{page}.html#L{int(line)}"


def write(folder: Path, starts: list[tuple[int, int]], citing: Citing, render_page: Callable[[str, str, str], str]) -> list[int]:
    """Write source/page-N.html for every printed page; returns the pages written."""
    path = _paths.source_text_path()
    assert path is not None
    lines = read_lines(path)
    (folder / "source").mkdir(exist_ok=True)
    pages = [p for _, p in starts]
    for k, (first, page) in enumerate(starts):
        last = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(lines)
        body = []
        for number in range(first, min(last, len(lines)) + 1):
            tables: dict[str, list[str]] = {}
            for t, key, a in citing.get(number, []):
                tables.setdefault(t, []).append(f'<a href="../tables/{t}.html#{a}">{html.escape(key)}</a>')
            refs = "<br>".join(f"<strong>{html.escape(t)}</strong>: {', '.join(links)}" for t, links in tables.items())
            body.append(f'<tr id="L{number}"><td class="ln"><a href="#L{number}">{number}</a></td>'
                        f'<td class="src">{html.escape(lines[number - 1])}</td><td class="refs">{refs}</td></tr>')
        around = []
        if k:
            around.append(f'<a href="page-{pages[k - 1]}.html">&larr; page {pages[k - 1]}</a>')
        if k + 1 < len(pages):
            around.append(f'<a href="page-{pages[k + 1]}.html">page {pages[k + 1]} &rarr;</a>')
        text = (f"<h1>Printed page {page}</h1><p>Source lines {first}-{last} of the volume's plain-text extraction, verbatim "
                f"(the text every row's <code>line</code> counts in). The rows that cite a line link from it. {' '.join(around)}</p>"
                f'<div class="scroll"><table class="source"><tr><th>line</th><th>text</th><th>rows citing it</th></tr>{"".join(body)}</table></div>')
        (folder / "source" / f"page-{page}.html").write_text(render_page(f"Printed page {page} - cadata", text, "../"), encoding="utf-8")
    return pages
