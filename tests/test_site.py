"""The static site of data cards: every page, link and image is there; Chromium renders it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import cadata
from cadata.cli import main
from cadata.site import CHARTS

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "--out", str(out)]) == 0
    return out


def test_every_table_has_a_page_listed_in_the_index(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in cadata.list_datasets():
        assert f'href="tables/{name}.html"' in index
        page = (site / "tables" / f"{name}.html").read_text(encoding="utf-8")
        card = cadata.info(name)
        assert card.title.replace("'", "&#x27;") in page and "How to cite" in page and "Columns" in page
        assert f"{card.rows} rows" in page and "Preview" in page


def test_every_link_and_image_resolves(site: Path) -> None:
    for page in [site / "index.html", *sorted((site / "tables").glob("*.html"))]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#]+)"', text):
            assert not target.startswith(("http:", "https:", "//")), (page, target)  # works offline
            assert (page.parent / target).resolve().is_file(), (page, target)


def test_charts_are_svg_where_a_picture_helps(site: Path) -> None:
    assert set(CHARTS) == {"kz_hotline_reports", "kz_hotline_report_shares", "fighter_estimates"}
    for name in CHARTS:
        svg = (site / "charts" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith(("<?xml", "<svg")) and "</svg>" in svg
        assert f'src="../charts/{name}.svg"' in (site / "tables" / f"{name}.html").read_text(encoding="utf-8")


def _chromium() -> str | None:
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")) if p), None)


@pytest.mark.parametrize("page", ["index.html", "tables/fighter_estimates.html"])
def test_chromium_renders_the_page(site: Path, tmp_path: Path, page: str) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); the pages were checked without rendering")
    shot = tmp_path / "page.png"
    result = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,1600", (site / page).as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    dom = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile2'}", "--dump-dom", (site / page).as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    assert "<table>" in dom and "cadata" in dom


def test_estimates_side_by_side_have_a_chart_per_indicator_and_country(site: Path) -> None:
    from cadata.triangulate import comparable

    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Estimates side by side" in index
    for indicator, iso3 in comparable():
        name = f"{indicator}-{iso3}"
        assert f'href="compare/{name}.html"' in index
        page = (site / "compare" / f"{name}.html").read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#]+)"', page):
            assert not target.startswith(("http:", "https:", "//")) and (site / "compare" / target).resolve().is_file(), (name, target)
        svg = (site / "charts" / "compare" / f"{name}.svg").read_text(encoding="utf-8")
        assert "</svg>" in svg and f'src="../charts/compare/{name}.svg"' in page
    assert {("foreign_fighters", c) for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")} | {("fighters_relocated", "AFG")} <= set(comparable())
    uzb = (site / "charts" / "compare" / "foreign_fighters-UZB.svg").read_text(encoding="utf-8")
    assert "Soufan Center: more than 1,500" in uzb and "undated" in uzb  # labelled marks, text kept in the SVG
