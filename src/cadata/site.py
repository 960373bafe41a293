"""``cadata docs``: a static site of data cards, one page per table, with SVG charts.

Charts need matplotlib (the ``docs`` extra); the pages work offline (no scripts, no
external assets).
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cadata import __version__, _catalog, _paths
from cadata._optional import require
from cadata.cards import DatasetInfo, info
from cadata.citation import cite

if TYPE_CHECKING:
    import pandas as pd

PREVIEW_ROWS = 15
CSS = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;font-size:.85rem;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}code,pre{background:#f6f6f6}pre{padding:.75rem;overflow-x:auto;white-space:pre-wrap}
.scroll{overflow-x:auto}img{max-width:100%;border:1px solid #eee}nav a{margin-right:1rem}
"""


def _page(title: str, body: str, up: str = "") -> str:
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f"<nav><a href=\"{up}index.html\">All tables</a></nav>\n{body}\n"
        f"<footer><p>cadata {__version__}</p></footer></body></html>\n"
    )


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row) + "</tr>"
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
        "<table><tr><th>column</th><th>type</th><th>unit</th><th>required</th><th>derived</th><th>meaning</th></tr>"
        f"{rows}</table>"
    )


# --- charts -------------------------------------------------------------------------------------


def _figure() -> tuple[object, object]:
    matplotlib = require("matplotlib", "docs", "cadata docs (charts)")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "cadata"  # deterministic ids
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(8, 4.2))


def _save(fig: object, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]


def _hotline_reports(frame: pd.DataFrame, path: Path) -> str:
    fig, ax = _figure()
    ax.bar(frame["year_start"].astype(int), frame["value"].astype(int), color="#3b6ea5")  # type: ignore[attr-defined]
    for year, reports in zip(frame["year_start"], frame["value"].astype(int), strict=True):
        ax.annotate(str(reports), (int(year), int(reports)), ha="center", va="bottom", fontsize=8)  # type: ignore[attr-defined]
    ax.set(title="Reports received by the hotline per year (Table 1, p. 150)", xlabel="year", ylabel="reports")  # type: ignore[attr-defined]
    _save(fig, path)
    return "Bars: reports per year, as printed in the totals row of Sabirov's Table 1."


def _hotline_shares(frame: pd.DataFrame, path: Path) -> str:
    fig, ax = _figure()
    for category, group in frame.groupby("category", observed=True):
        existed = group[group["category_existed"].astype(bool)]
        ax.plot(existed["year_start"].astype(int), existed["value"].astype(float), marker="o", label=str(category))  # type: ignore[attr-defined]
    ax.set(title="Share of the year's reports by category (Table 1, p. 150)", xlabel="year", ylabel="percent")  # type: ignore[attr-defined]
    ax.legend(fontsize=7, ncol=2)  # type: ignore[attr-defined]
    _save(fig, path)
    return "Lines: each category's printed share, from the year the text says it was created."


def _fighter_ranges(frame: pd.DataFrame, path: Path) -> str:
    import pandas as pd

    countries = frame[frame["iso3"].notna() & (frame["indicator"] == "foreign_fighters")]
    order = sorted(countries["iso3"].astype(str).unique())
    fig, ax = _figure()
    for position, iso3 in enumerate(order):
        rows = countries[countries["iso3"] == iso3].reset_index(drop=True)
        for k, row in rows.iterrows():
            y = position + (k - (len(rows) - 1) / 2) * 0.08  # one mark per source, side by side
            low = None if pd.isna(row["low"]) else float(row["low"])
            high = None if pd.isna(row["high"]) else float(row["high"])
            if low is not None and high is not None and low == high:
                ax.plot([low], [y], "o", color="#3b6ea5", markersize=4)  # type: ignore[attr-defined]
            elif low is not None and high is not None:
                ax.plot([low, high], [y, y], color="#3b6ea5", marker="|")  # type: ignore[attr-defined]
            elif low is not None:  # "over n": open to the right
                ax.annotate("", xy=(low * 1.6, y), xytext=(low, y), arrowprops={"arrowstyle": "->", "color": "#c0504d"})  # type: ignore[attr-defined]
                ax.plot([low], [y], marker="|", color="#c0504d")  # type: ignore[attr-defined]
            elif high is not None:  # "up to n": open to the left
                ax.annotate("", xy=(high / 1.6, y), xytext=(high, y), arrowprops={"arrowstyle": "->", "color": "#9bbb59"})  # type: ignore[attr-defined]
    ax.set_yticks(range(len(order)), order)  # type: ignore[attr-defined]
    ax.set_xscale("log")  # type: ignore[attr-defined]
    ax.set(title="Estimates of fighters by country of origin, one mark per source", xlabel="persons (log scale)")  # type: ignore[attr-defined]
    _save(fig, path)
    return (
        "Each mark is one printed estimate of fighters from a country: a bar from low to high, a dot "
        "for a single number; red arrows are open-ended \"over n\" estimates, green ones \"as many as n\"."
    )


CHARTS: dict[str, Callable[[pd.DataFrame, Path], str]] = {
    "kz_hotline_reports": _hotline_reports,
    "kz_hotline_report_shares": _hotline_shares,
    "fighter_estimates": _fighter_ranges,
}


def _table_page(name: str, folder: Path) -> str:
    from cadata.loading import load

    card = info(name)
    frame = load(name)
    parts = [f"<h1>{html.escape(card.title)}</h1>", f"<p><code>{name}</code> &middot; {card.rows} rows</p>"]
    parts.append(f"<p>{html.escape(card.description)}</p>")
    parts.append(
        "<table>"
        + "".join(
            f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>"
            for k, v in [("One row", card.row), ("Unit", card.unit), ("Population", card.population), ("Period", card.period), ("Printed pages", card.pages), ("License", card.license)]
        )
        + "</table>"
    )
    parts.append("<h2>Source</h2><ul>" + "".join(f"<li>{html.escape(p.citation)}</li>" for p in card.papers) + "</ul>")
    if name in CHARTS:
        image = _paths.child(folder / "charts", f"{name}.svg")
        caption = CHARTS[name](frame, image)
        parts.append(f"<h2>Chart</h2><figure><img src=\"../charts/{name}.svg\" alt=\"{html.escape(caption)}\"><figcaption>{html.escape(caption)}</figcaption></figure>")
    if card.caveats:
        parts.append("<h2>Caveats</h2><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in card.caveats) + "</ul>")
    if "note" in frame.columns:
        noted = frame[frame["note"].notna()]
        if len(noted):
            keys = [k for k in card.primary_key if k in frame.columns]
            parts.append(f"<h2>Conflicts and notes in the rows ({len(noted)})</h2>" + _table(noted[[*keys, "as_printed", "note", "line"] if "as_printed" in frame.columns else [*keys, "note", "line"]]))
    parts.append("<h2>Columns</h2>" + _schema(card))
    parts.append(f"<h2>Preview (first {min(PREVIEW_ROWS, len(frame))} of {len(frame)} rows)</h2>" + _table(frame.head(PREVIEW_ROWS)))
    parts.append(f"<h2>How to cite</h2><pre>{html.escape(cite(name, 'plain'))}</pre><pre>{html.escape(cite(name, 'bibtex'))}</pre>")
    parts.append(f"<p>Load it: <code>cadata.load(\"{name}\")</code> &middot; <code>cadata info {name}</code></p>")
    return _page(f"{name} - cadata", "\n".join(parts), up="../")


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
        (staging / "tables").mkdir()
        (staging / "charts").mkdir()
        rows = []
        for name in _catalog.list_datasets():
            _paths.child(staging / "tables", f"{name}.html").write_text(_table_page(name, staging), encoding="utf-8")
            resource = _catalog.resource(name)
            card = info(name)
            size = resource.get("cadata_bytes")
            shown = f"{size:,} bytes" if isinstance(size, int) else "?"
            rows.append(
                f"<tr><td><a href=\"tables/{name}.html\">{html.escape(name)}</a></td><td>{card.rows}</td>"
                f"<td>{shown}</td><td>{html.escape(card.title)}</td></tr>"
            )
        index = (
            f"<h1>cadata {__version__}: tables on security in Central Asia</h1>"
            "<p>Curated, validated tables from the OSCE volume <em>New Challenges and Approaches to Regional and "
            "Global Security in Central Asia</em>. Every row carries its paper, printed page, source line and a verbatim quote.</p>"
            f"<table><tr><th>table</th><th>rows</th><th>size</th><th>what it holds</th></tr>{''.join(rows)}</table>"
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
