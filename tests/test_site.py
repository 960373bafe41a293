"""The static site of data cards: every page, link, chart and download is there; Chromium renders it."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

import cadata
from cadata.cli import main
from tests.cdp import Browser

ROOT = Path(__file__).resolve().parent.parent
#: Where the render test writes its screenshots, so that a person can look.
SCREENSHOTS = Path(os.environ.get("CADATA_SCREENSHOTS", ROOT / "build" / "site-screenshots"))
SHOT_PAGES = ["index.html", "tables/fighter_estimates.html", "tables/kz_hotline_report_shares.html", "tables/kg_fighter_study_profile.html",
              "source/page-150.html"]
WIDTHS = {375: 1600, 1280: 1400}  # px wide: px high
#: (query, a table the search must list first or among the first three)
QUERIES = [("hotline reports", "kz_hotline_reports"), ("foreign fighters Soufan", "fighter_estimates"), ("budget field operations", "osce_field_operations_budget_2017")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "--out", str(out)]) == 0
    return out


def _pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site / "tables").glob("*.html")), *sorted((site / "compare").glob("*.html")),
            *sorted((site / "source").glob("*.html"))]


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
        charted = '<svg xmlns="http://www.w3.org/2000/svg" class="chart wide" role="img"' in page
        assert charted == ('<svg xmlns="http://www.w3.org/2000/svg" class="chart narrow" role="img"' in page), name  # and one for phones
        assert charted != ('<p class="why">No chart:' in page), name
        if charted:
            assert re.search(r'class="chart wide" role="img"[^>]* aria-label="[^"]{40,}"', page), name  # alt text
    page = {n: (site / "tables" / f"{n}.html").read_text(encoding="utf-8") for n in ("kz_hotline_reports", "fighter_estimates", "papers")}
    assert "Line chart" in page["kz_hotline_reports"] and "<polyline" in page["kz_hotline_reports"]
    fighters = page["fighter_estimates"]
    assert "Range plot" in fighters and 'class="open"' in fighters  # "over n" drawn open
    assert re.search(r"<title>[^<]*source: (The )?Soufan Center[^<]*printed page \d+, line \d+</title>", fighters)
    assert "Soufan Center: " in fighters  # labelled directly
    assert "No chart: papers is a register" in page["papers"]
    kinds = {n: (site / "tables" / f"{n}.html").read_text(encoding="utf-8") for n in
             ("kz_hotline_report_shares", "pew_muslim_attitudes", "kg_youth_media_study_results", "kg_fighter_study_profile",
              "events", "osce_field_presence_events", "errata")}
    shares = kinds["kz_hotline_report_shares"]  # parts of a whole (add up to 100 a year): stacked, not lines
    assert "Stacked bar chart: 7 bar(s) (2011, 2012" in shares and "<polyline" not in shares
    # the printed labels (category_label) on the chart, the code in the hover text
    assert re.search(r"<rect [^>]*><title>Online abuse and bullying, 2011 \[online_abuse_bullying[^\]]*\]: 32,56 % - source: [^<]*printed page 150, line 5624</title>", shares)
    def drawn(page: str) -> str:  # the wide chart's SVG (the page's tables below hold the codes)
        return re.search(r'<svg [^>]*class="chart wide".*?</svg>', page, re.S).group(0)  # type: ignore[union-attr]

    assert ">Online abuse and bullying</text>" in drawn(shares) and "online_abuse_bullying<" not in drawn(shares)  # the legend
    assert "8 category parts (Online abuse and bullying, " in shares and 'named \"not printed\"' not in shares  # no part unprinted
    profile = kinds["kg_fighter_study_profile"]
    assert ">live or lived in Chui Oblast" in drawn(profile) and "chui_oblast<" not in drawn(profile)  # the schema's category labels
    # a caption explains only the kinds of mark its chart draws
    hotline = page["kz_hotline_reports"]
    assert "Line chart: 1 series (KAZ), reports by year, 2011-2017. Hover" in hotline and "open bound" not in hotline and "printed range" not in hotline
    assert "an open red arrow to the left is &quot;up to n&quot;" in fighters and "a bar from low to high is a range" in fighters
    assert "by &lt;year&gt;" not in kinds["events"] and "by &lt;year&gt;" in kinds["osce_field_presence_events"]
    caption = re.search(r"<figcaption>(.*?)</figcaption>", profile, re.S).group(1)  # type: ignore[union-attr]
    assert "a whisker" not in caption and "over n" not in caption and "(no bar)" in caption
    for name in ("pew_muslim_attitudes", "kg_youth_media_study_results", "kg_fighter_study_profile"):  # shares and breakdowns
        assert "Grouped bar chart:" in kinds[name], name
    assert "not printed (the others)" in kinds["kg_fighter_study_profile"]  # no number: no bar, never a zero
    assert 'class="open"' in kinds["kg_youth_media_study_results"]  # "over 60 percent" drawn open
    for name in ("events", "osce_field_presence_events"):  # dated registers: a timeline
        assert "Timeline of" in kinds[name] and re.search(r"<title>[^<]* - printed page \d+, line \d+</title>", kinds[name]), name
    assert 'class="open"' in kinds["osce_field_presence_events"]  # "by 1999"
    assert "No chart: errata is a register" in kinds["errata"]
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


def test_evidence_links_each_row_to_its_line_on_its_printed_page(site: Path) -> None:
    from cadata import site_source

    page = (site / "tables" / "kz_hotline_reports.html").read_text(encoding="utf-8")
    if site_source.why_absent() is not None:  # no source text here: the evidence view says why
        assert site_source.why_absent() in html_unescape(page) and not (site / "source").exists()
        return
    assert 'href="../source/page-150.html#L5656">p.&nbsp;150, line&nbsp;5656</a>' in page
    source = (site / "source" / "page-150.html").read_text(encoding="utf-8")
    assert '<tr id="L5656">' in source and 'href="../tables/kz_hotline_reports.html#row-2011"' in source  # and back
    assert "258 365 612 2088 2156 2295 3251" in source  # the line, verbatim
    assert 'href="../tables/errata.html#row-E022"' in source  # an erratum's line links to the erratum


def test_source_pages_reproduce_only_the_cited_lines(site: Path) -> None:
    from cadata import _paths, site_source
    from cadata.source_text import read_lines

    if site_source.why_absent() is not None:
        pytest.skip(site_source.why_absent() or "")
    path = _paths.source_text_path()
    assert path is not None
    lines = read_lines(path)
    cited: set[int] = set()
    for page in (site / "source").glob("page-*.html"):
        text = page.read_text(encoding="utf-8")
        assert "not reproduced" in text and "OSCE Programme Office in Nur-Sultan" in text, page
        assert "<code>http://www.osce.org/programme-office-in-nur-sultan</code> (as the volume prints it, line 8240)" in text, page
        numbers = [int(n) for n in re.findall(r'<tr id="L(\d+)">', text)]
        assert numbers and all(re.search(rf'<tr id="L{n}">.*?href="\.\./tables/', text) for n in numbers), page  # each cited by a row
        cited |= set(numbers)
    pages = {int(p.stem.split("-")[1]) for p in (site / "source").glob("page-*.html")}
    assert 100 < len(pages) < 209 and 150 in pages  # pages without a cited line are not written (nor linked)
    assert len(cited) < len(lines) / 5
    texts = "\n".join(f.read_text(encoding="utf-8") for f in site.rglob("*") if f.suffix in {".html", ".js", ".json", ".csv", ".txt", ".bib", ".svg"})
    # uncited lines, far from any cited one (a quote may run on into the next line): their text is nowhere in the site
    far = [n for n in range(1, len(lines) + 1) if len(lines[n - 1].strip()) > 60 and not any(abs(n - c) <= 3 for c in cited)]
    assert len(far) > 1000
    for n in far[::50]:
        assert html.escape(lines[n - 1].strip(), quote=False) not in texts and lines[n - 1].strip() not in texts, n
    assert 5658 not in cited and lines[5657].startswith("Figure 2 provides") and "Figure 2 provides" not in texts  # between cited lines, not reproduced


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

#: Evaluated in each loaded page: the images and charts without a size (or not loaded), the
#: number of charts shown (a page holds a wide chart and a narrow one for phones; CSS shows one), every link's resolved URL, the ids, and the page's text.
INSPECT = """(function(){var bad=[],n=0;document.querySelectorAll('img,svg.chart').forEach(function(x){if(getComputedStyle(x).display==='none')return;n++;var r=x.getBoundingClientRect();
if(!(r.width>0&&r.height>0)||(x.tagName==='IMG'&&!(x.complete&&x.naturalWidth>0)))bad.push(x.getAttribute('src')||'inline chart');});
return {bad:bad,charts:n,links:[].map.call(document.querySelectorAll('a[href]'),function(a){return a.href;}),
ids:[].map.call(document.querySelectorAll('[id]'),function(e){return e.id;}),text:document.body.innerText};})()"""
HITS = "[].map.call(document.querySelectorAll('#results a'),function(a){return a.getAttribute('data-table');})"
TAB, ENTER, DOWN = ("Tab", "Tab", 9), ("Enter", "Enter", 13), ("ArrowDown", "ArrowDown", 40)


def _chromium() -> str:
    found = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("Chromium is not installed: .ci/run installs it (apt-get install -y chromium); CI does not skip the render test")
    if found is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); the pages were checked without rendering")
    return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for every page, driven over the DevTools protocol."""
    running = Browser(_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    running.send("Emulation.setDeviceMetricsOverride", width=1280, height=1400, deviceScaleFactor=1, mobile=False)
    yield running
    running.close()


def test_chromium_renders_every_page_without_errors(site: Path, browser: Browser) -> None:
    pages = _pages(site)
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for page in pages:
        browser.open(page.as_uri())
        report = browser.evaluate(INSPECT)
        errors = browser.errors()  # console errors, exceptions and failed loads, read over the DevTools protocol
        assert errors == [], (page, errors)
        assert report["bad"] == [], (page, report["bad"])  # every image and chart loaded, with a size
        ids[page.resolve()] = set(report["ids"])
        links += [(page, link) for link in report["links"]]
        if page.parent.name == "tables":
            name = page.stem
            assert f"{cadata.info(name).rows} rows" in report["text"], name  # the rendered text holds the row count
            has_chart = 'class="chart wide"' in page.read_text(encoding="utf-8")
            assert report["charts"] == (1 if has_chart else 0), name
            assert has_chart or "No chart:" in report["text"], name
    assert len(ids) == len(pages) and links
    for page, link in links:  # every internal link resolves: its file exists, its fragment is an id of the page
        url = urlparse(link)
        assert url.scheme == "file", (page, link)  # offline: nothing outside the site
        target = Path(unquote(url.path)).resolve()
        assert target.is_file(), (page, link)
        if url.fragment and target.suffix == ".html" and not url.fragment.startswith("q="):
            assert unquote(url.fragment) in ids[target], (page, link)


def test_chromium_search_by_keyboard_finds_the_expected_table(site: Path, browser: Browser) -> None:
    for query, table in QUERIES:
        browser.open((site / "index.html").as_uri())
        for _ in range(10):  # the search box is reached with Tab, as a keyboard user does
            browser.key(*TAB)
            if browser.evaluate("document.activeElement.id") == "search":
                break
        assert browser.evaluate("document.activeElement.id") == "search", "Tab never reaches the search box"
        browser.type_text(query)
        hits = browser.evaluate(HITS)
        assert table in hits[:3], (query, hits)
        browser.key(*DOWN)  # into the results, then Enter opens the first one
        assert browser.evaluate("document.activeElement.getAttribute('data-table')") == hits[0]
        browser.events = [e for e in browser.events if e.get("method") != "Page.loadEventFired"]
        browser.key(*ENTER)
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("location.pathname").endswith(f"/tables/{hits[0]}.html"), query
        assert browser.errors() == [], query


def test_chromium_screenshots_at_phone_and_desktop_width(site: Path, browser: Browser) -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    try:
        for width, height in WIDTHS.items():
            browser.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 600)
            for page in SHOT_PAGES:
                if page.startswith("source/") and not (site / page).is_file():
                    continue  # no source text here: no source pages
                browser.open((site / page).as_uri())
                # readable at this width: nothing but the charts' and tables' own scroll boxes is wider than the window
                wide = browser.evaluate("document.documentElement.scrollWidth")
                assert wide <= width, (page, width, wide)
                report = browser.evaluate(INSPECT)
                assert report["bad"] == [] and report["charts"] == (1 if page.startswith("tables/") else 0), (page, width, report["bad"])
                shown = browser.evaluate("[].map.call(document.querySelectorAll('svg.chart'),function(x){return getComputedStyle(x).display==='none'?'':x.getAttribute('class');}).join(' ').trim()")
                assert not page.startswith("tables/") or shown == ("chart narrow" if width < 600 else "chart wide"), (page, width, shown)
                shot = SCREENSHOTS / f"{Path(page).stem}-{width}.png"
                browser.screenshot(shot, width, height)
                assert shot.stat().st_size > 10_000, shot
        browser.send("Emulation.setDeviceMetricsOverride", width=375, height=800, deviceScaleFactor=1, mobile=True)
        for page in sorted((site / "tables").glob("*.html")):  # every table page fits a phone (its tables scroll in their boxes)
            browser.open(page.as_uri())
            report = browser.evaluate(INSPECT)
            assert browser.evaluate("document.documentElement.scrollWidth") <= 375 and report["bad"] == [], page
    finally:
        browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=1400, deviceScaleFactor=1, mobile=False)
    print(f"screenshots in {SCREENSHOTS}")
