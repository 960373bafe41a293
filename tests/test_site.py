"""The static site of data cards: every page, link, chart and download is there; Chromium renders it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

import cadata
from cadata.cli import main

ROOT = Path(__file__).resolve().parent.parent
#: Where the render test writes its screenshots, so that a person can look.
SCREENSHOTS = Path(os.environ.get("CADATA_SCREENSHOTS", ROOT / "build" / "site-screenshots"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--mute-audio"]
BROWSER_TIMEOUT = 90  # seconds per page, an upper bound; a page takes about two
SHOT_PAGES = ["index.html", "tables/fighter_estimates.html", "tables/kz_hotline_report_shares.html", "tables/kg_fighter_study_profile.html"]
WIDTHS = {"375": "375,1400", "1280": "1280,1400"}
#: (query, a table the search must list first or among the first three)
QUERIES = [("hotline reports", "kz_hotline_reports"), ("foreign fighters Soufan", "fighter_estimates"), ("budget field operations", "osce_field_operations_budget_2017")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "--out", str(out)]) == 0
    return out


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site / "tables").glob("*.html")), *sorted((site / "compare").glob("*.html"))]


def test_every_table_has_a_page_listed_in_the_index(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "bytes" not in index and "Tables by topic" in index and "Tables by country" in index
    for name in cadata.list_datasets():
        assert f'href="tables/{name}.html"' in index
        page = (site / "tables" / f"{name}.html").read_text(encoding="utf-8")
        card = cadata.info(name)
        assert card.title.replace("'", "&#x27;") in page and "How to cite" in page and "Columns" in page
        assert f"{card.rows} rows" in page and "Evidence" in page and "Downloads" in page
    assert 'id="country-UZB"' in index and 'href="tables/fighter_estimates.html">fighter_estimates</a> (' in index


def test_every_link_and_image_resolves_offline(site: Path) -> None:
    ids: dict[Path, set[str]] = {}
    for page in _pages(site):
        ids[page.resolve()] = set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"]+)"', text):
            assert not target.startswith(("http:", "https:", "//")), (page, target)  # works offline: no CDN
            path, _, fragment = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page.resolve()
            assert resolved.is_file(), (page, target)
            if fragment and resolved.suffix == ".html" and not fragment.startswith("q="):
                assert html_unescape(unquote(fragment)) in {html_unescape(i) for i in ids[resolved]}, (page, target)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_every_table_page_has_a_chart_chosen_by_its_model_or_says_why(site: Path) -> None:
    for name in cadata.list_datasets():
        page = (site / "tables" / f"{name}.html").read_text(encoding="utf-8")
        charted = '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in page
        assert charted != ('<p class="why">No chart:' in page), name
        if charted:
            assert re.search(r'class="chart" role="img"[^>]* aria-label="[^"]{40,}"', page), name  # alt text
    page = {n: (site / "tables" / f"{n}.html").read_text(encoding="utf-8") for n in ("kz_hotline_reports", "fighter_estimates", "papers")}
    assert "Line chart" in page["kz_hotline_reports"] and "<polyline" in page["kz_hotline_reports"]
    fighters = page["fighter_estimates"]
    assert "Range plot" in fighters and 'class="open"' in fighters  # "over n" drawn open
    assert re.search(r"<title>[^<]*source: (The )?Soufan Center[^<]*printed page \d+, line \d+</title>", fighters)
    assert "Soufan Center: " in fighters  # labelled directly
    assert "No chart: papers is a register" in page["papers"]
    missing = [n for n in cadata.list_datasets() if "not printed (-)" in (site / "tables" / f"{n}.html").read_text(encoding="utf-8")]
    assert missing, "a printed '-' is drawn as absent somewhere"


def test_downloads_match_their_sha256_and_json_ld_describes_the_table(site: Path) -> None:
    for name in cadata.list_datasets():
        page = (site / "tables" / f"{name}.html").read_text(encoding="utf-8")
        found = re.findall(r'<a href="\.\./(downloads/[^"]+)" download>[^<]*</a> <code class="sha">sha256 ([0-9a-f]{64})</code>', page)
        assert {Path(p).suffix for p, _ in found} >= {".csv", ".parquet", ".json", ".txt", ".bib", ".zip"}, name
        for path, digest in found:
            assert hashlib.sha256((site / path).read_bytes()).hexdigest() == digest, (name, path)
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
        assert ld["@type"] == "Dataset" and ld["name"] == name and ld["license"] and ld["citation"] and ld["isBasedOn"]["name"]
        assert {d["encodingFormat"] for d in ld["distribution"]} == {"text/csv", "application/vnd.apache.parquet", "application/json"}
        assert len(ld["variableMeasured"]) == len(cadata.info(name).fields)
    assert len(json.loads((site / "downloads" / "fighter_estimates.json").read_text(encoding="utf-8"))) == cadata.info("fighter_estimates").rows


def test_errata_link_both_ways(site: Path) -> None:
    errata = (site / "tables" / "errata.html").read_text(encoding="utf-8")
    shares = (site / "tables" / "kz_hotline_report_shares.html").read_text(encoding="utf-8")
    assert 'href="kz_hotline_report_shares.html#row-2016%7Cracism_chauvinism_xenophobia"' in errata
    assert 'id="row-2016|racism_chauvinism_xenophobia"' in shares and 'href="errata.html#row-E022"' in shares
    assert 'id="row-E022"' in errata


def test_estimates_side_by_side_have_a_chart_per_indicator_and_country(site: Path) -> None:
    from cadata.triangulate import comparable

    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Estimates side by side" in index
    for indicator, iso3 in comparable():
        name = f"{indicator}-{iso3}"
        assert f'href="compare/{name}.html"' in index
        page = (site / "compare" / f"{name}.html").read_text(encoding="utf-8")
        svg = (site / "charts" / "compare" / f"{name}.svg").read_text(encoding="utf-8")
        assert "</svg>" in svg and f'src="../charts/compare/{name}.svg"' in page
    assert {("foreign_fighters", c) for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")} | {("fighters_relocated", "AFG")} <= set(comparable())
    uzb = (site / "charts" / "compare" / "foreign_fighters-UZB.svg").read_text(encoding="utf-8")
    assert "Soufan Center: more than 1,500" in uzb and "undated" in uzb  # labelled marks, text kept in the SVG


# --- in a real browser ------------------------------------------------------------------------

#: Injected first into a copy of each page: records script errors, then (on load) the images and
#: charts that did not load or have no size, and the search results.
CHECK = """<script>window.__e=[];window.addEventListener('error',function(e){__e.push(String(e.message||(e.target&&(e.target.src||e.target.href))))},true);
(function(){var c=console.error;console.error=function(){__e.push([].join.call(arguments,' '));c.apply(console,arguments);};})();
window.addEventListener('load',function(){var bad=[],n=0;document.querySelectorAll('img,svg.chart').forEach(function(x){n++;var r=x.getBoundingClientRect();
if(!(r.width>0&&r.height>0)||(x.tagName==='IMG'&&!(x.complete&&x.naturalWidth>0)))bad.push(x.getAttribute('src')||'inline chart');});
var hits=[].map.call(document.querySelectorAll('#results a'),function(a){return a.getAttribute('data-table');});
var p=document.createElement('pre');p.id='cadata-check';p.textContent=JSON.stringify({errors:__e,bad:bad,charts:n,hits:hits,text:document.body.innerText.length});document.body.appendChild(p);});</script>"""


def _chromium() -> str | None:
    found = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("Chromium is not installed: .ci/run installs it (apt-get install -y chromium); CI does not skip the render test")
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); the pages were checked without rendering")
    return found


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
                          capture_output=True, text=True, timeout=BROWSER_TIMEOUT)


def _check(browser: str, site: Path, page: Path, tmp: Path, fragment: str = "") -> dict[str, object]:
    copy = page.with_name(f"_check_{page.name}")
    copy.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + CHECK, 1), encoding="utf-8")
    try:
        result = _run(browser, tmp / "profile", "--window-size=1280,1400", "--dump-dom", copy.as_uri() + fragment)
    finally:
        copy.unlink()
    found = re.search(r'<pre id="cadata-check">(.*?)</pre>', result.stdout, re.S)
    assert found, (page, result.stderr[-2000:])
    report: dict[str, object] = json.loads(html_unescape(found.group(1)))
    report["console"] = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    report["dom"] = result.stdout
    return report


def test_chromium_renders_every_page_without_errors(site: Path, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    for page in _pages(site):
        report = _check(browser, site, page, tmp_path)
        assert report["errors"] == [] and report["console"] == [], (page, report["errors"], report["console"])
        assert report["bad"] == [], (page, report["bad"])  # every image and chart loaded, with a size
        if page.parent.name == "tables":
            name = page.stem
            assert f"{cadata.info(name).rows} rows" in str(report["dom"]), name
            has_chart = 'class="chart"' in page.read_text(encoding="utf-8")
            assert report["charts"] == (1 if has_chart else 0), name


def test_chromium_search_finds_the_expected_table(site: Path, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    for query, table in QUERIES:
        report = _check(browser, site, site / "index.html", tmp_path, "#q=" + query.replace(" ", "+"))
        hits = report["hits"]
        assert isinstance(hits, list) and table in hits[:3], (query, hits)
        assert report["errors"] == [] and report["console"] == []


def test_chromium_screenshots_at_phone_and_desktop_width(site: Path, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser is not None
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    for page in SHOT_PAGES:
        for width, size in WIDTHS.items():
            shot = SCREENSHOTS / f"{Path(page).stem}-{width}.png"
            result = _run(browser, tmp_path / "profile", f"--window-size={size}", f"--screenshot={shot}", (site / page).as_uri())
            assert shot.is_file() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    print(f"screenshots in {SCREENSHOTS}")
