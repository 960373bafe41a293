"""The site's source pages: the lines of the volume that rows or errata cite, by printed page.

Written when the source text is at hand (``$CADATA_SOURCE`` or ``../shared/source/``, with the
sha256 the rows' ``line`` field names) and so is the map of lines to printed pages
(``curated/source_pages.csv``, in a source checkout). Only the cited lines are reproduced (the
volume's text is the OSCE's and its authors', not cadata's: see LICENSE-DATA); pages without a
cited line are not written. Each cited line has an ``id`` (``L5624``) and links back to the rows
that cite it, so a row's "printed page, line" and the line's rows point at each other. Without the text the evidence view still shows every row's page, line and
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


#: The line where the volume prints its publisher's address on the web (the Programme Office's page).
PUBLISHER_LINE = 8240
PUBLISHER = "the OSCE Programme Office in Nur-Sultan"


def _publisher(lines: list[str]) -> str:
    """Where to read the volume, as it prints it (line 8240), as text: the site links nowhere outside itself."""
    printed = lines[PUBLISHER_LINE - 1].strip() if len(lines) >= PUBLISHER_LINE else ""
    where = f" at <code>{html.escape(printed)}</code> (as the volume prints it, line {PUBLISHER_LINE})" if printed.startswith("http") else ""
    return f"The volume is published by {PUBLISHER}; read it there{where}."


def cited_pages(starts: list[tuple[int, int]], citing: Citing) -> dict[int, list[int]]:
    """Printed page -> the cited lines on it, in order (only pages with a cited line)."""
    pages: dict[int, list[int]] = {}
    for number in sorted(citing):
        page = page_of(number, starts)
        if page is not None:
            pages.setdefault(page, []).append(number)
    return pages


def write(folder: Path, starts: list[tuple[int, int]], citing: Citing, render_page: Callable[[str, str, str], str]) -> list[int]:
    """Write source/page-N.html for every printed page with a line that a row or an erratum
    cites, holding only those lines (verbatim, each with its ``#L<n>`` anchor and the rows citing
    it), and source/index.html listing them; returns the pages written."""
    path = _paths.source_text_path()
    assert path is not None
    lines = read_lines(path)
    (folder / "source").mkdir(exist_ok=True)
    cited = cited_pages(starts, {n: c for n, c in citing.items() if 1 <= n <= len(lines)})
    pages = list(cited)
    firsts = {p: f for f, p in starts}
    notice = "The volume's text is the OSCE's and its authors', not cadata's (see LICENSE-DATA). " + _publisher(lines)
    for k, page in enumerate(pages):
        numbers = cited[page]
        first = firsts[page]
        following = [f for f, p in starts if f > first]
        last = min(following[0] - 1 if following else len(lines), len(lines))
        body = []
        previous = first - 1
        for number in numbers:
            if number > previous + 1:
                gap = f"line {previous + 1}" if number == previous + 2 else f"lines {previous + 1}-{number - 1}"
                body.append(f'<tr class="gap"><td colspan="3">{gap} not reproduced</td></tr>')
            tables: dict[str, list[str]] = {}
            for t, key, a in citing.get(number, []):
                tables.setdefault(t, []).append(f'<a href="../tables/{t}.html#{a}">{html.escape(key)}</a>')
            refs = "<br>".join(f"<strong>{html.escape(t)}</strong>: {', '.join(links)}" for t, links in tables.items())
            body.append(f'<tr id="L{number}"><td class="ln"><a href="#L{number}">{number}</a></td>'
                        f'<td class="src">{html.escape(lines[number - 1])}</td><td class="refs">{refs}</td></tr>')
            previous = number
        if last > previous:
            gap = f"line {last}" if last == previous + 1 else f"lines {previous + 1}-{last}"
            body.append(f'<tr class="gap"><td colspan="3">{gap} not reproduced</td></tr>')
        around = ['<a href="index.html">all cited pages</a>']
        if k:
            around.insert(0, f'<a href="page-{pages[k - 1]}.html">&larr; page {pages[k - 1]}</a>')
        if k + 1 < len(pages):
            around.append(f'<a href="page-{pages[k + 1]}.html">page {pages[k + 1]} &rarr;</a>')
        text = (f"<h1>Printed page {page}: the {len(numbers)} cited line(s)</h1>"
                f"<p class=\"notice\">Of source lines {first}-{last} (printed page {page} in the volume's plain-text extraction, "
                f"the text every row's <code>line</code> counts in), only the {len(numbers)} line(s) that rows or errata cite "
                f"are reproduced here, verbatim, each linked to the rows citing it; the other lines are not reproduced. {notice}</p>"
                f"<p>{' &middot; '.join(around)}</p>"
                f'<div class="scroll"><table class="source"><tr><th>line</th><th>text</th><th>rows citing it</th></tr>{"".join(body)}</table></div>')
        (folder / "source" / f"page-{page}.html").write_text(render_page(f"Printed page {page} (cited lines) - cadata", text, "../"), encoding="utf-8")
    items = "".join(f'<li><a href="page-{p}.html">printed page {p}</a>: {len(cited[p])} cited line(s)</li>' for p in pages)
    text = (f"<h1>The cited lines of the volume</h1><p class=\"notice\">{len(pages)} of the volume's {len(starts)} printed pages "
            f"hold a line that cadata's rows or errata cite ({sum(len(v) for v in cited.values())} lines); only those lines are "
            f"reproduced, for provenance, and pages without one are not part of this site. {notice}</p>"
            f'<p><a href="../index.html">&larr; all tables</a></p><ul class="pages">{items}</ul>')
    (folder / "source" / "index.html").write_text(render_page("The cited lines of the volume - cadata", text, "../"), encoding="utf-8")
    return pages
