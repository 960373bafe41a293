"""``cadata docs``: a static site of data cards, one page per table.

Each table page has a chart chosen by the observation model (``cadata.site_charts``, inline
SVG) or the reason it has none, the evidence of every row, and downloads
(``cadata.site_files``); the index groups the tables by topic and country and has a
client-side search. The triangulation charts (``cadata.site_compare``) need matplotlib (the
``docs`` extra). The pages work offline and from ``file://`` (no server, no external assets).
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from cadata import __version__, _catalog, _paths
from cadata._optional import require
from cadata.cards import DatasetInfo, info
from cadata.citation import cite

if TYPE_CHECKING:
    import pandas as pd

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#222;line-height:1.45;overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left;overflow-wrap:normal}td{min-width:3em}td.long{min-width:16em}
th{background:#f3f3f3;overflow-wrap:normal}code,pre{background:#f6f6f6}pre{padding:.75rem;overflow-x:auto;white-space:pre-wrap}
.scroll{overflow-x:auto;max-width:100%}img,svg.chart{max-width:100%;height:auto;border:1px solid #eee}nav a{margin-right:1rem}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}.why{background:#f7f4e8;padding:.5rem .75rem;border-left:3px solid #c9b458}
.search{margin:1rem 0}.search input{font-size:1rem;padding:.4rem;width:min(30rem,100%)}#results a:focus,a:focus{outline:2px solid #3b6ea5}
.sha{font-size:.7rem;word-break:break-all}table.source td.src{white-space:pre-wrap;font-family:ui-monospace,monospace;min-width:16em;width:55%}td.ln{white-space:nowrap}td.ln a{color:#777}td.refs{font-size:.75rem;overflow-wrap:anywhere}tr:target td{background:#fff3b0}.downloads li{margin:.3rem 0}tr:target{background:#fff3b0}tr.gap td{color:#777;font-style:italic;font-size:.8rem;background:#f6f6f6}.notice{background:#f3f6fa;border-left:4px solid #3b6ea5;padding:.5rem .8rem}
svg.chart.narrow{display:none}@media (max-width:600px){svg.chart.wide{display:none}svg.chart.narrow{display:block}body{padding:0 .5rem}table{font-size:.75rem}h1{font-size:1.4rem}}
"""


LONG = 60  # characters: a cell this long is at least 16em wide
TEXT_COLUMNS = ("quote", "note", "text", "description", "event")


def _page(title: str, body: str, up: str = "", head: str = "") -> str:
    from cadata.site_files import search_html

    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{html.escape(title)}</title><style>{CSS}</style>{head}</head><body>"
        f"<nav><a href=\"{up}index.html\">All tables</a><a href=\"{up}index.html#by-country\">By country</a></nav>\n"
        f"{search_html(up)}\n{body}\n"
        f"<footer><p>cadata {__version__}</p></footer></body></html>\n"
    )


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _td(value: object, prose: bool = False) -> str:
    """A cell; a long text, or a column of prose, gets a width of its own (a narrow column would
    make its row very tall)."""
    text = _cell(value)
    return f'<td class="long">{text}</td>' if prose or len(text) > LONG else f"<td>{text}</td>"


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(_td(v, c in TEXT_COLUMNS) for c, v in zip(frame.columns, row)) + "</tr>"
        for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    )
    return f"<div class=\"scroll\"><table><tr>{head}</tr>{rows}</table></div>"


def _schema(card: DatasetInfo) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(f.name)}</code></td><td>{f.type}</td><td>{html.escape(f.unit or '')}</td>"
        f"<td>{'yes' if f.required else ''}</td><td>{'derived' if f.derived else ''}</td><td>{html.escape(f.description)}</td></tr>"
        for f in card.fields
    )
    return (
        "<div class=\"scroll\"><table><tr><th>column</th><th>type</th><th>unit</th><th>required</th><th>derived</th><th>meaning</th></tr>"
        f"{rows}</table></div>"
    )


def row_key(row: dict[str, object], keys: list[str]) -> str:
    """A row's primary key as errata's ``affected_rows`` writes it: values joined by "|"."""
    return "|".join("" if row.get(k) is None else str(row[k]) for k in keys)


def anchor(key: str) -> str:
    """The href fragment of a row's id."""
    return "row-" + quote(key.replace(" ", "_"), safe="")


def _errata_links() -> dict[tuple[str, str], list[str]]:
    """(table, row key) -> the errata that name the row."""
    from cadata.loading import load

    links: dict[tuple[str, str], list[str]] = {}
    errata = load("errata")
    for erratum in errata.astype(object).where(errata.notna(), None).to_dict(orient="records"):
        for ref in str(erratum["affected_rows"] or "").split(";"):
            table, _, key = ref.strip().partition(":")
            if key:
                links.setdefault((table, key), []).append(str(erratum["erratum_id"]))
    return links


def _evidence(name: str, frame: pd.DataFrame, card: DatasetInfo, errata: dict[tuple[str, str], list[str]],
              starts: list[tuple[int, int]] | None) -> str:
    """Every row with its printed page, line and verbatim quote (linked to the line on its source
    page when the site has them); errata linked both ways."""
    from cadata import site_source

    keys = [k for k in card.primary_key if k in frame.columns]
    shown = [c for c in ("as_printed", "place", "attributed_to") if c in frame.columns]
    head = "".join(f"<th>{c}</th>" for c in ["row", *shown, "printed page, line", "quote", "errata"])
    body = []
    for record in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        row = {str(k): v for k, v in record.items()}
        key = row_key(row, keys)
        where = ""
        if row.get("paper_id") is not None:
            spot = f"p.&nbsp;{_cell(row.get('page'))}, line&nbsp;{_cell(row.get('line'))}"
            target = site_source.href(row.get("line"), starts)
            if target is not None:
                spot = f"<a href=\"{target}\">{spot}</a>"
            where = f"<a href=\"papers.html#{anchor(str(row['paper_id']))}\">{html.escape(str(row['paper_id']))}</a>, {spot}"
        links = " ".join(f"<a href=\"errata.html#{anchor(e)}\">{e}</a>" for e in errata.get((name, key), []))
        if name == "errata" and row.get("affected_rows"):
            targets = []
            for ref in str(row["affected_rows"]).split(";"):
                table, _, target = ref.strip().partition(":")
                ok = table in _catalog.list_datasets()
                targets.append(f"<a href=\"{table}.html#{anchor(target)}\">{html.escape(ref.strip())}</a>" if ok and target else html.escape(ref.strip()))
            links = " ".join(targets)
        cells = "".join(_td(row.get(c)) for c in shown)
        body.append(f"<tr id=\"row-{html.escape(key.replace(' ', '_'))}\"><td><a href=\"#{anchor(key)}\">{html.escape(key)}</a></td>{cells}"
                    f"<td>{where}</td><td class=\"long\">{_cell(row.get('quote'))}</td><td>{links}</td></tr>")
    absent = "" if starts is not None or "line" not in frame.columns else f"<p class=\"why\">{html.escape(site_source.why_absent() or '')}</p>"
    return (f"<h2 id=\"evidence\">Evidence: all {len(frame)} rows, where each is printed</h2>{absent}"
            f"<div class=\"scroll\"><table><tr>{head}</tr>{''.join(body)}</table></div>")


def _table_page(name: str, frame: pd.DataFrame, errata: dict[tuple[str, str], list[str]], folder: Path, package: tuple[str, str],
                starts: list[tuple[int, int]] | None) -> str:
    from cadata import site_charts, site_files

    card = info(name)
    schema = _catalog.resource(name).get("schema", {})
    files = site_files.write_downloads(name, frame, folder)
    parts = [f"<h1>{html.escape(card.title)}</h1>", f"<p><code>{name}</code> &middot; <strong>{card.rows} rows</strong> &middot; {html.escape(card.period)}</p>"]
    parts.append(f"<p>{html.escape(card.description)}</p>")
    svg, caption = site_charts.chart(name, frame, schema)
    if svg is None:
        parts.append(f"<h2>Chart</h2><p class=\"why\">{html.escape(caption)}</p>")
    else:
        parts.append(f"<h2>Chart</h2><figure><div class=\"scroll\">{svg}</div><figcaption>{html.escape(caption)} "
                     "Hover a mark for its source, page and line.</figcaption></figure>")
    parts.append(site_files.downloads_html(files, package, "../"))
    parts.append(
        "<div class=\"scroll\"><table>"
        + "".join(
            f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>"
            for k, v in [("One row", card.row), ("Unit", card.unit), ("Population", card.population), ("Period", card.period), ("Printed pages", card.pages), ("License", card.license)]
        )
        + "</table></div>"
    )
    parts.append("<h2>Source</h2><ul>" + "".join(f"<li>{html.escape(p.citation)}</li>" for p in card.papers) + "</ul>")
    if card.caveats:
        parts.append("<h2>Caveats</h2><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in card.caveats) + "</ul>")
    if "note" in frame.columns:
        noted = frame[frame["note"].notna()]
        if len(noted):
            keys = [k for k in card.primary_key if k in frame.columns]
            parts.append(f"<h2>Conflicts and notes in the rows ({len(noted)})</h2>" + _table(noted[[*keys, "as_printed", "note", "line"] if "as_printed" in frame.columns else [*keys, "note", "line"]]))
    parts.append("<h2>Columns</h2>" + _schema(card))
    parts.append(_evidence(name, frame, card, errata, starts))
    parts.append(f"<h2>All {len(frame)} rows</h2>" + _table(frame))
    parts.append(f"<h2>How to cite</h2><pre>{html.escape(cite(name, 'plain'))}</pre><pre>{html.escape(cite(name, 'bibtex'))}</pre>")
    parts.append(f"<p>Load it: <code>cadata.load(\"{name}\")</code> &middot; <code>cadata info {name}</code> &middot; <code>cadata cite {name} --format bibtex</code></p>")
    return _page(f"{name} - cadata", "\n".join(parts), up="../", head=site_files.json_ld(card, files))


def _index_rows(names: list[str], cards: dict[str, DatasetInfo]) -> str:
    rows = "".join(
        f"<tr><td><a href=\"tables/{n}.html\">{html.escape(n).replace('_', '_<wbr>')}</a></td><td>{cards[n].rows}</td>"
        f"<td>{html.escape(cards[n].period)}</td><td>{html.escape(cards[n].title)}</td></tr>"
        for n in names
    )
    return f"<div class=\"scroll\"><table><tr><th>table</th><th>rows</th><th>period</th><th>what it holds</th></tr>{rows}</table></div>"


def _index(frames: dict[str, pd.DataFrame], cards: dict[str, DatasetInfo]) -> str:
    """Tables by topic (the paper they come from; the registers apart) and by country (iso3)."""
    from cadata.observation import holds_observations

    topics: dict[str, list[str]] = {}
    for name, card in cards.items():
        observed = holds_observations(_catalog.resource(name).get("schema", {}))
        topic = "; ".join(p.title for p in card.papers) if observed and len(card.papers) == 1 else (
            "Across the volume" if observed else "Registers of the volume (papers, footnotes, sources, errata, ...)")
        topics.setdefault(topic, []).append(name)
    countries: dict[str, list[str]] = {}
    for name, frame in frames.items():
        if "iso3" in frame.columns:
            for iso3 in sorted(frame["iso3"].dropna().astype(str).unique()):
                countries.setdefault(iso3, []).append(name)
    parts = ["<h2 id=\"by-topic\">Tables by topic</h2>"]
    for topic in sorted(topics, key=lambda t: (t.startswith(("Across", "Registers")), t)):
        parts.append(f"<h3>{html.escape(topic)}</h3>" + _index_rows(topics[topic], cards))
    parts.append("<h2 id=\"by-country\">Tables by country</h2><p>The country a number is about (<code>iso3</code>, "
                 "the observation model); a table is listed under every country it has rows for.</p><ul>")
    for iso3, names in sorted(countries.items()):
        links = ", ".join(f"<a href=\"tables/{n}.html\">{n}</a> ({int((frames[n]['iso3'] == iso3).sum())} rows)" for n in names)
        parts.append(f"<li id=\"country-{iso3}\"><strong>{iso3}</strong>: {links}</li>")
    parts.append("</ul>")
    return "".join(parts)


def _citing(frames: dict[str, pd.DataFrame], cards: dict[str, DatasetInfo]) -> dict[int, list[tuple[str, str, str]]]:
    """Source line -> (table, row key, row anchor) of every row that cites it."""
    citing: dict[int, list[tuple[str, str, str]]] = {}
    for name, frame in frames.items():
        if "line" not in frame.columns:
            continue
        keys = [k for k in cards[name].primary_key if k in frame.columns]
        for record in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
            row = {str(k): v for k, v in record.items()}
            if isinstance(row.get("line"), int | float):
                key = row_key(row, keys)
                citing.setdefault(int(row["line"]), []).append((name, key, anchor(key)))
    return citing


#: Written into every site: the files it holds, so that a later `cadata docs` knows what it may replace.
MARKER = ".cadata-docs.json"
_HINT = f" (a folder is replaced only if an earlier `cadata docs` wrote it: it holds {MARKER})"


def _owned(folder: Path) -> set[str] | None:
    """The files an earlier `cadata docs` wrote into ``folder``, from its marker; None if none."""
    import json

    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    files = marker.get("files") if isinstance(marker, dict) and marker.get("written_by") == "cadata docs" else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return {*files, MARKER}


def build_site(out: Path) -> Path:
    """Write the site into ``out`` and return its index.html. ``out`` must be new, empty, or a
    site an earlier `cadata docs` wrote (and nothing else): it is then replaced whole, atomically.
    ``/``, the home and the current folder are refused."""
    import json

    from cadata._outdir import check_replaceable, contents, swap_in

    require("matplotlib", "docs", "cadata docs (charts)")
    out = out.resolve()
    check_replaceable(out, "cadata docs", _owned, hint=_HINT)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cadata-docs-", dir=out.parent))
    try:
        from cadata import site_files
        from cadata.loading import load_any

        (staging / "tables").mkdir()
        (staging / "charts").mkdir()
        package = site_files.write_zip(staging)
        errata = _errata_links()
        names = _catalog.list_datasets()
        frames = {name: load_any(name) for name in names}
        cards = {name: info(name) for name in names}
        from cadata import site_source

        starts = site_source.page_starts() if site_source.why_absent() is None else None
        for name in names:
            _paths.child(staging / "tables", f"{name}.html").write_text(_table_page(name, frames[name], errata, staging, package, starts), encoding="utf-8")
        source_note = html.escape(site_source.why_absent() or "")
        if starts is not None:
            pages = site_source.write(staging, starts, _citing(frames, cards), _page)
            source_note = (f"<a href=\"source/index.html\">The cited lines of the volume</a>, by printed page ({len(pages)} of "
                           f"{len(starts)} printed pages hold one): only the lines rows or errata cite are reproduced, each linked "
                           "to the rows that cite it.")
        site_files.write_search([site_files.search_entry(cards[n], frames[n]) for n in names], staging)
        index = (
            f"<h1>cadata {__version__}: tables on security in Central Asia</h1>"
            "<p>Curated, validated tables from the OSCE volume <em>New Challenges and Approaches to Regional and "
            "Global Security in Central Asia</em>. Every row carries its paper, printed page, source line and a verbatim quote. "
            f"{len(names)} tables; every page has a chart (or says why not), its evidence and its downloads.</p>"
            f"<p>{source_note}</p>"
            f"<p><a href=\"{package[0]}\" download>Download the whole package (zip)</a> <code class=\"sha\">sha256 {package[1]}</code></p>"
            + _index(frames, cards)
        )
        from cadata import site_compare

        index += site_compare.write(staging, _page)  # estimates side by side (cadata compare)
        (staging / "index.html").write_text(_page("cadata tables", index), encoding="utf-8")
        marker = {"written_by": "cadata docs", "version": __version__, "files": sorted(contents(staging))}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        swap_in(staging, out, "cadata docs", _owned, hint=_HINT)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "index.html"
