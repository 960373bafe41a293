"""Pinned releases: the real 0.1.0 from a local server, verified, cached, offline; the release zip."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import subprocess
import threading
import warnings
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from frictionless import Package

import cadata
from cadata import loading, releases
from cadata.cli import main
from cadata.errors import IntegrityError, InvalidArgumentError, UnknownDatasetError, UnknownVersionError

ROOT = Path(__file__).resolve().parent.parent
ZIP_010 = ROOT / "releases" / "cadata-0.1.0.zip"


class _Counting(SimpleHTTPRequestHandler):
    """Serves a folder and counts the requests it gets."""

    requests: list[str]

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def release_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ThreadingHTTPServer, Path]]:
    """releases/ served on 127.0.0.1 as $CADATA_RELEASES_URL, an empty cache, no table cached in memory."""
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy2(ZIP_010, www / ZIP_010.name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=str(www)))
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(releases.RELEASES_ENV, f"http://127.0.0.1:{server.server_address[1]}/{{file}}")
    loading._cache.clear()
    try:
        yield server, www
    finally:
        server.shutdown()
        server.server_close()
        loading._cache.clear()


def _requests(server: ThreadingHTTPServer) -> list[str]:
    return server.requests  # type: ignore[attr-defined, no-any-return]


def test_releases_json_records_the_committed_0_1_0_zip() -> None:
    entry = releases.entry("0.1.0")
    data = ZIP_010.read_bytes()
    assert entry == {"version": "0.1.0", "date": "2026-11-28", "file": "cadata-0.1.0.zip",
                     "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "doi": None}
    assert len(data) < 2_000_000


def test_0_1_0_zip_holds_the_tagged_commits_files() -> None:
    """Every Parquet file of the zip is the one v0.1.0 (commit 68ee586) shipped, byte for byte."""
    try:
        shipped = subprocess.run(["git", "show", "68ee586:datasets/datapackage.json"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git clone with the history of 0.1.0")
    recorded = {r["name"]: r["hash"] for r in json.loads(shipped)["resources"]}
    with zipfile.ZipFile(ZIP_010) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        assert descriptor["version"] == "0.1.0"
        for resource in descriptor["resources"]:
            assert resource["hash"] == recorded[resource["name"]]
            assert "sha256:" + hashlib.sha256(archive.read(resource["path"])).hexdigest() == resource["hash"]
        assert len(descriptor["resources"]) == len(recorded) == 37


def test_load_0_1_0_gives_0_1_0_while_the_bundled_data_is_current(release_server: tuple[ThreadingHTTPServer, Path]) -> None:
    server, _ = release_server
    assert cadata.__version__ == "0.2.0"
    old = cadata.load("facts", version="0.1.0")
    assert len(_requests(server)) == 1
    new = cadata.load("facts")
    # the "28,935" in a column of percentages (Sabirov's Table 1, line 5633): 28935 in 0.1.0, 28.935 in 0.2.0
    assert old.set_index("fact_id").loc["sabirov-5633-t6", "low"] == 28935
    assert new.set_index("fact_id").loc["sabirov-5633-t6", "low"] == pytest.approx(28.935)
    # 0.1.0's columns: kz_hotline_reports.year and reports; 0.2.0's year_start and value
    hotline = cadata.load("kz_hotline_reports", version="0.1.0")
    assert {"year", "reports"} <= set(hotline.columns) and "year_start" not in hotline.columns
    assert hotline.set_index("year").loc[2017, "reports"] == 3251
    assert {"year_start", "value"} <= set(cadata.load("kz_hotline_reports").columns)
    # a table merged into facts in 0.2.0 is a real table of 0.1.0: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        merged = cadata.load("af_isil_presence", version="0.1.0")
    assert len(merged) == 3 and "af_isil_presence" not in cadata.list_datasets()
    assert cadata.load("kz_hotline_reports", version="0.2.0").equals(cadata.load("kz_hotline_reports"))
    assert cadata.load("kz_hotline_reports", version="current").equals(cadata.load("kz_hotline_reports"))
    assert len(_requests(server)) == 1


def test_the_changed_values_are_the_printed_ones(lines: list[str]) -> None:
    """Sabirov's Table 1 prints "28,935" in a column of percentages (line 5633), and 3251 for 2017."""
    assert "28,935" in lines[5633 - 1].split()
    assert any("3251" in line for line in lines[5600:5700])


def test_second_load_reads_no_network(release_server: tuple[ThreadingHTTPServer, Path]) -> None:
    server, www = release_server
    cadata.load("papers", version="0.1.0")
    assert _requests(server) == ["/cadata-0.1.0.zip"]
    loading._cache.clear()  # not even the in-memory tables: only the disk cache
    (www / ZIP_010.name).unlink()  # and the server has nothing any more
    assert len(cadata.load("papers", version="0.1.0", backend="arrow")) == len(cadata.load("papers", version="0.1.0"))
    assert main(["fetch", "--version", "0.1.0"]) == 0
    assert _requests(server) == ["/cadata-0.1.0.zip"]
    listed = {r.version: r for r in cadata.versions()}
    assert listed["0.1.0"].cached and not listed["0.1.0"].bundled
    assert listed["0.2.0"].bundled and listed["0.2.0"].cached


def test_tampered_zip_is_refused_and_nothing_is_cached(release_server: tuple[ThreadingHTTPServer, Path], tmp_path: Path) -> None:
    server, www = release_server
    data = bytearray(ZIP_010.read_bytes())
    data[len(data) // 2] ^= 0x01
    (www / ZIP_010.name).write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match=r"release zip of cadata 0\.1\.0 has .* sha256 .*releases\.json records .*nothing was cached"):
        cadata.load("facts", version="0.1.0")
    cache = tmp_path / "cache"
    assert not list(cache.rglob("*.parquet")) and not list(cache.rglob("datapackage.json"))
    assert not any(p.name.startswith(".fetch-") for p in cache.rglob("*"))
    assert {r.version: r.cached for r in cadata.versions()}["0.1.0"] is False
    (www / ZIP_010.name).write_bytes(bytes(data) + b"x")  # one byte longer: stopped at the recorded size
    with pytest.raises(IntegrityError):
        releases.fetch("0.1.0")
    (www / ZIP_010.name).write_bytes(ZIP_010.read_bytes())  # the real one is accepted afterwards
    assert len(cadata.load("facts", version="0.1.0")) > 0
    assert len(_requests(server)) == 3


def test_fetch_command(release_server: tuple[ThreadingHTTPServer, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "--version", "0.1.0"]) == 0
    assert "cadata 0.1.0, 37 tables, cached and verified" in capsys.readouterr().out
    assert main(["versions"]) == 0
    out = capsys.readouterr().out
    assert "0.1.0" in out and "cached" in out and "0.2.0" in out and "bundled" in out
    assert main(["fetch", "--version", "9.9.9"]) == 1
    assert "no release '9.9.9'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["fetch"])
    assert stopped.value.code == 2


def test_unknown_and_bad_versions() -> None:
    with pytest.raises(UnknownVersionError, match=r"no release '0\.0\.9'.*0\.1\.0.*0\.2\.0 \(bundled\)"):
        cadata.load("facts", version="0.0.9")
    with pytest.raises(InvalidArgumentError):
        cadata.load("facts", version=1)  # type: ignore[call-overload]
    with pytest.raises(InvalidArgumentError, match="either package= or version="):
        cadata.load("facts", package=str(ROOT / "datasets"), version="0.1.0")  # type: ignore[call-overload]


def test_a_name_a_version_lacks(release_server: tuple[ThreadingHTTPServer, Path]) -> None:
    with pytest.raises(UnknownDatasetError, match=r"cadata 0\.1\.0 has no table 'indicators'"):
        cadata.load("indicators", version="0.1.0")


def test_default_url_is_the_one_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(releases.RELEASES_ENV, raising=False)
    entry = releases.entry("0.1.0")
    assert releases.url_of(entry) == "https://github.com/cadata-project/cadata/releases/download/v0.1.0/cadata-0.1.0.zip"
    monkeypatch.setenv(releases.RELEASES_ENV, "https://mirror.example/cadata/")
    assert releases.url_of(entry) == "https://mirror.example/cadata/cadata-0.1.0.zip"


def test_release_url_is_on_the_packages_homepage() -> None:
    """The download template and datapackage.json's homepage name the same code host."""
    descriptor = json.loads((ROOT / "datasets" / "datapackage.json").read_text())
    assert releases.DEFAULT_URL.startswith(descriptor["homepage"] + "/releases/download/")


@pytest.fixture(scope="module")
def release_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return releases.build_zip(tmp_path_factory.mktemp("release") / f"cadata-{cadata.__version__}.zip")


def test_release_zip_validates_with_zero_errors_and_warnings(release_zip: Path) -> None:
    report = Package(str(release_zip)).validate()
    assert report.valid, report.flatten(["type", "note"])
    assert report.stats["errors"] == 0 and report.stats["warnings"] == 0
    assert not any(task.warnings for task in report.tasks)


def test_release_zip_is_deterministic_and_loads_back_to_the_bundled_data(release_zip: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    again = releases.build_zip(tmp_path / release_zip.name)
    assert again.read_bytes() == release_zip.read_bytes()
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    assert cadata.diff(str(release_zip), "current").empty
    with zipfile.ZipFile(release_zip) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 2, 0, 0, 0)}
        assert json.loads(archive.read("datapackage.json"))["created"] == "2026-12-02T00:00:00Z"


def test_record_adds_a_release_and_keeps_its_doi(release_zip: Path, tmp_path: Path) -> None:
    listing = tmp_path / "releases.json"
    document = json.loads(releases.RELEASES_FILE.read_text(encoding="utf-8"))
    document["releases"][0]["doi"] = "10.5281/zenodo.1"
    listing.write_text(json.dumps(document))
    try:
        item = releases.record(release_zip, cadata.__version__, "2026-12-02", listing)
        assert item["sha256"] == hashlib.sha256(release_zip.read_bytes()).hexdigest() and item["doi"] is None
        releases.record(ZIP_010, "0.1.0", "2026-11-28", listing)
        recorded = json.loads(listing.read_text())["releases"]
        assert [r["version"] for r in recorded] == ["0.1.0", cadata.__version__]
        assert recorded[0]["doi"] == "10.5281/zenodo.1"
    finally:
        releases._recorded.cache_clear()


def test_a_checkout_reads_its_committed_release_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without $CADATA_RELEASES_URL a source checkout uses releases/cadata-0.1.0.zip, checked the same way."""
    monkeypatch.delenv(releases.RELEASES_ENV, raising=False)
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    assert releases.local_copy(releases.entry("0.1.0")) == ZIP_010
    assert len(cadata.load("kz_hotline_reports", version="0.1.0")) == 7
    assert {r.version: r.cached for r in cadata.versions()}["0.1.0"]


def test_diff_of_a_url_against_the_bundled_data(release_server: tuple[ThreadingHTTPServer, Path]) -> None:
    server, _ = release_server
    url = f"http://127.0.0.1:{server.server_address[1]}/cadata-0.1.0.zip"
    result = cadata.diff(url, "current", table="kz_hotline_reports")
    assert result.old == url and not result.empty
    renamed = result.schema[result.schema["change"] == "column renamed"]
    assert ("year", "year_start") in set(zip(renamed["old"], renamed["new"]))
    assert _requests(server) == ["/cadata-0.1.0.zip"]
