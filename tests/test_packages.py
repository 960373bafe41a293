"""Using a published data package: fetched over HTTP from 127.0.0.1, verified, then offline."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

import cadata
from cadata.cli import main
from cadata.errors import IntegrityError
from cadata.export import export
from cadata.packages import PackageError


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path, ThreadingHTTPServer]]:
    """An exported package served on 127.0.0.1, and an empty cache."""
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    folder = export(tmp_path / "www" / "pkg", "parquet")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pkg/", folder, server
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_then_load_offline(served: tuple[str, Path, ThreadingHTTPServer], capsys: pytest.CaptureFixture[str]) -> None:
    url, _, server = served
    assert main(["fetch", url]) == 0
    assert f"{len(cadata.list_datasets())} tables" in capsys.readouterr().out
    server.shutdown()  # from now on, no network
    server.server_close()
    for name in ("kz_hotline_reports", "fighter_estimates"):
        pd.testing.assert_frame_equal(cadata.load(name, package=url), cadata.load(name))


def test_local_folder_package(served: tuple[str, Path, ThreadingHTTPServer]) -> None:
    _, folder, _ = served
    pd.testing.assert_frame_equal(cadata.load("uz_labour_migrants", package=folder), cadata.load("uz_labour_migrants"))
    pd.testing.assert_frame_equal(
        cadata.load("uz_labour_migrants", package=folder / "datapackage.json"), cadata.load("uz_labour_migrants")
    )


def _edit(folder: Path, change: object) -> None:
    descriptor = folder / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    change(package)  # type: ignore[operator]
    descriptor.write_text(json.dumps(package), encoding="utf-8")


def test_bad_hash_is_refused_and_nothing_cached(served: tuple[str, Path, ThreadingHTTPServer], tmp_path: Path) -> None:
    url, folder, _ = served
    _edit(folder, lambda p: p["resources"][0].update(hash="sha256:" + "0" * 64))
    with pytest.raises(IntegrityError, match=r"the download is corrupt or the package was changed"):
        cadata.load("kz_hotline_reports", package=url)
    assert not any((tmp_path / "cache").glob("*/datapackage.json"))


def test_missing_resource_file_is_refused(served: tuple[str, Path, ThreadingHTTPServer]) -> None:
    url, folder, _ = served
    (folder / "kz_hotline_reports.parquet").unlink()
    with pytest.raises(PackageError, match=r"kz_hotline_reports\.parquet: cannot download"):
        cadata.load("kz_hotline_reports", package=url)


def test_unknown_table_in_package(served: tuple[str, Path, ThreadingHTTPServer]) -> None:
    _, folder, _ = served
    _edit(folder, lambda p: p.update(resources=[r for r in p["resources"] if r["name"] != "pew_muslim_attitudes"]))
    with pytest.raises(cadata.UnknownDatasetError):
        cadata.load("pew_muslim_attitudes", package=folder)


def test_schema_this_version_cannot_read(served: tuple[str, Path, ThreadingHTTPServer]) -> None:
    url, folder, _ = served
    _edit(folder, lambda p: p["resources"][0]["schema"]["fields"][0].update(type="geopoint"))
    with pytest.raises(PackageError, match=r"type 'geopoint', which this version of cadata cannot read"):
        cadata.load("kz_hotline_reports", package=url)


def test_unreachable_url_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    with pytest.raises(PackageError, match="cannot download"):
        cadata.load("kz_hotline_reports", package="http://127.0.0.1:9/pkg/")
    assert main(["fetch", "http://127.0.0.1:9/nothing/"]) == 1


@pytest.fixture()
def no_cache_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CADATA_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)


def test_no_home_and_no_passwd_entry_is_a_clear_error(no_cache_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import pwd

    from cadata.packages import cache_dir

    monkeypatch.delenv("HOME", raising=False)

    def no_entry(uid: int) -> object:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(PackageError, match=r"HOME is not set and this user has no home directory; set \$CADATA_CACHE"):
        cache_dir()
    assert main(["fetch", "http://127.0.0.1:9/pkg/"]) == 1
    err = capsys.readouterr().err
    assert "set $CADATA_CACHE to a folder" in err and "Traceback" not in err


def test_cache_that_is_a_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cache").write_text("not a folder")
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path / "cache"))
    assert main(["fetch", "http://127.0.0.1:9/pkg/"]) == 1
    assert f"$CADATA_CACHE is {tmp_path / 'cache'}, which is not a folder" in capsys.readouterr().err
    with pytest.raises(PackageError, match="not a folder"):
        cadata.load("kz_hotline_reports", package="http://127.0.0.1:9/pkg/")
    assert (tmp_path / "cache").read_text() == "not a folder"


def test_relative_xdg_cache_home_is_ignored(no_cache_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadata.packages import cache_dir

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache_dir() == tmp_path / "home" / ".cache" / "cadata"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "cadata"
