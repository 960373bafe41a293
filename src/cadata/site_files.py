"""The site's downloads (CSV, Parquet, JSON per table, the package zip, cite text and BibTeX),
its schema.org ``Dataset`` JSON-LD, and its client-side search index (a static script:
works from ``file://``, no server, no CDN)."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata import __version__, _catalog, _paths
from cadata.cards import DatasetInfo
from cadata.citation import cite

if TYPE_CHECKING:
    import pandas as pd

ZIP = "cadata-datasets.zip"
VOLUME = "New Challenges and Approaches to Regional and Global Security in Central Asia (OSCE Academy / OSCE)"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_downloads(name: str, frame: pd.DataFrame, out: Path) -> list[tuple[str, str, str]]:
    """Write the table's files into ``out/downloads``; return (label, relative path, sha256)."""
    folder = out / "downloads"
    folder.mkdir(exist_ok=True)
    source = _catalog.snapshot().path.parent / str(_catalog.resource(name)["path"])
    shutil.copyfile(source, _paths.child(folder, f"{name}.parquet"))
    frame.to_csv(_paths.child(folder, f"{name}.csv"), index=False, lineterminator="\n")
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    _paths.child(folder, f"{name}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _paths.child(folder, f"{name}.cite.txt").write_text(cite(name, "plain") + "\n", encoding="utf-8")
    _paths.child(folder, f"{name}.bib").write_text(cite(name, "bibtex") + "\n", encoding="utf-8")
    files = [("CSV", f"{name}.csv"), ("Parquet", f"{name}.parquet"), ("JSON", f"{name}.json"),
             ("Citation (text)", f"{name}.cite.txt"), ("BibTeX", f"{name}.bib")]
    return [(label, f"downloads/{file}", _sha256(folder / file)) for label, file in files]


def write_zip(out: Path) -> tuple[str, str]:
    """The whole package (every Parquet file and datapackage.json) as one zip, byte-stable."""
    folder_in = _catalog.snapshot().path.parent
    folder = out / "downloads"
    folder.mkdir(exist_ok=True)
    target = folder / ZIP
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder_in.iterdir() if p.suffix in (".parquet", ".json")):
            info = zipfile.ZipInfo(f"cadata-{__version__}/{path.name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return f"downloads/{ZIP}", _sha256(target)


def downloads_html(files: list[tuple[str, str, str]], package: tuple[str, str], up: str) -> str:
    items = "".join(
        f'<li><a href="{up}{path}" download>{html.escape(label)}</a> <code class="sha">sha256 {digest}</code></li>' for label, path, digest in files
    )
    return (
        f'<h2 id="downloads">Downloads</h2><ul class="downloads">{items}'
        f'<li><a href="{up}{package[0]}" download>The whole package (zip: every table and datapackage.json)</a> '
        f'<code class="sha">sha256 {package[1]}</code></li></ul>'
    )


def json_ld(card: DatasetInfo, files: list[tuple[str, str, str]]) -> str:
    """schema.org Dataset for a table page."""
    formats = {"CSV": "text/csv", "Parquet": "application/vnd.apache.parquet", "JSON": "application/json"}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": card.name,
        "alternateName": card.title,
        "description": card.description,
        "version": card.version,
        "license": card.license,
        "temporalCoverage": card.period,
        "citation": card.citation,
        "isBasedOn": {"@type": "Book", "name": VOLUME, "author": [p.authors for p in card.papers]},
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f.name, "description": f.description, **({"unitText": f.unit} if f.unit else {})}
            for f in card.fields
        ],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": formats[label], "contentUrl": f"../{path}", "sha256": digest}
            for label, path, digest in files if label in formats
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


# --- search -------------------------------------------------------------------------------------

SEARCH_JS = r"""
(function () {
  var box = document.getElementById('search'), list = document.getElementById('results');
  if (!box || !list || !window.CADATA_SEARCH) return;
  var up = box.getAttribute('data-up') || '';
  function norm(s) { return s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, ''); }
  var docs = window.CADATA_SEARCH.map(function (d) { d.hay = norm(d.title + ' ' + d.name + ' ' + d.text); return d; });
  function run(q) {
    var words = norm(q).split(/\s+/).filter(Boolean), hits = [];
    list.innerHTML = '';
    if (!words.length) return hits;
    docs.forEach(function (d) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var n = d.hay.split(words[i]).length - 1;
        if (!n) return;
        score += n + (norm(d.name + ' ' + d.title).indexOf(words[i]) >= 0 ? 20 : 0);
      }
      hits.push([score, d]);
    });
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1].name < b[1].name ? -1 : 1); });
    hits.slice(0, 12).forEach(function (h) {
      var li = document.createElement('li'), a = document.createElement('a');
      a.href = up + h[1].url; a.textContent = h[1].name + ': ' + h[1].title; a.setAttribute('data-table', h[1].name);
      li.appendChild(a); list.appendChild(li);
    });
    document.getElementById('count').textContent = hits.length + ' table(s) match';
    return hits;
  }
  box.addEventListener('input', function () { run(box.value); });
  box.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { var a = list.querySelector('a'); if (a) { window.location.href = a.href; } e.preventDefault(); }
    if (e.key === 'ArrowDown') { var f = list.querySelector('a'); if (f) { f.focus(); } e.preventDefault(); }
  });
  list.addEventListener('keydown', function (e) {
    var li = document.activeElement && document.activeElement.parentElement;
    if (e.key === 'ArrowDown' && li && li.nextElementSibling) { li.nextElementSibling.firstChild.focus(); e.preventDefault(); }
    if (e.key === 'ArrowUp') { if (li && li.previousElementSibling) { li.previousElementSibling.firstChild.focus(); } else { box.focus(); } e.preventDefault(); }
  });
  var q = /[#&]q=([^&]*)/.exec(window.location.hash);
  if (q) { box.value = decodeURIComponent(q[1].replace(/\+/g, ' ')); run(box.value); }
})();
"""


def search_entry(card: DatasetInfo, frame: pd.DataFrame) -> dict[str, str]:
    """What the search looks in for a table: its card, its columns and its rows' words."""
    words: set[str] = set()
    for column in ("indicator", "place", "iso3", "attributed_to", "as_printed", "category", "quote"):
        if column in frame.columns:
            for value in frame[column].dropna().astype(str):
                words.update(value.split() if column == "quote" else [value])
    text = " ".join([card.description, card.row, card.population, card.period,
                     *(f"{f.name} {f.description}" for f in card.fields), *sorted(words)])
    return {"name": card.name, "title": card.title, "url": f"tables/{card.name}.html", "text": " ".join(text.split())[:20000]}


def write_search(entries: list[dict[str, str]], out: Path) -> None:
    """search-index.js (the index as a script: loads from file://) and search.js."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (out / "search-index.js").write_text(f"window.CADATA_SEARCH = {data};\n", encoding="utf-8")
    (out / "search.js").write_text(SEARCH_JS.lstrip(), encoding="utf-8")


def search_html(up: str) -> str:
    return (
        '<form class="search" role="search" onsubmit="return false"><label for="search">Search tables, columns and facts</label> '
        f'<input id="search" type="search" data-up="{up}" autocomplete="off" placeholder="e.g. fighters Uzbekistan, hotline, budget">'
        '<span id="count" aria-live="polite"></span><ol id="results"></ol></form>'
        f'<script src="{up}search-index.js"></script><script src="{up}search.js"></script>'
    )
