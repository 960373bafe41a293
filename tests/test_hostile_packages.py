"""Hostile data packages: every attack found on 0.1.0, played against a folder or a local
HTTP server on 127.0.0.1, is refused with a message saying what and where.

The servers stop themselves: each handler gives up after a few seconds or when the client
hangs up, and every server is shut down when its test ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cadata
from cadata import _catalog, _descriptor, _http, _paths, _readers, _zippkg, packages
from cadata.cli import main
from cadata.errors import BuildError, CadataError, CuratedDataError, IntegrityError, PackageError
from cadata.export import export

SMALL = ("kz_hotline_reports", "kz_hotline_report_shares")
HANDLER_SECONDS = 10  # no handler runs longer than this

# --- packages to attack ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A package as `cadata export` writes it (Parquet), made once."""
    return export(tmp_path_factory.mktemp("published") / "pkg", "parquet")


def small_package(published: Path, folder: Path, names: tuple[str, ...] = SMALL) -> Path:
    """A copy of two tables of the published package, to be damaged by a test."""
    folder.mkdir(parents=True)
    descriptor = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in names]
    for resource in descriptor["resources"]:
        shutil.copy2(published / resource["path"], folder / resource["path"])
    write_descriptor(folder, descriptor)
    return folder


def recorded_size(folder: Path, name: str) -> int:
    return int(next(r for r in read_descriptor(folder)["resources"] if r["name"] == name)["cadata_bytes"])


def read_descriptor(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return data


def write_descriptor(folder: Path, descriptor: object) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def edit(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    descriptor = read_descriptor(folder)
    change(descriptor)
    write_descriptor(folder, descriptor)


def forge(folder: Path, name: str, table: pa.Table) -> None:
    """Replace a table's Parquet file and record its new hash and size (a hostile publisher)."""
    resource = next(r for r in read_descriptor(folder)["resources"] if r["name"] == name)
    path = folder / resource["path"]
    pq.write_table(table, path)
    data = path.read_bytes()
    edit(folder, lambda d: next(r for r in d["resources"] if r["name"] == name).update(
        hash="sha256:" + hashlib.sha256(data).hexdigest(), cadata_bytes=len(data)))


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CADATA_CACHE", str(folder))
    monkeypatch.delenv(_http.DEADLINE_ENV, raising=False)
    return folder


# --- a hostile HTTP server on 127.0.0.1 ------------------------------------------------------

Route = Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: dict[str, Route]
    seen: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.seen.append(self.path)
        route = self.server.routes.get(self.path) or self.server.routes.get(self.path.partition("?")[0])
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, *args: object) -> None:
        pass


def body(data: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    return route


def redirect(location: str) -> Route:
    return body(b"", 302, {"Location": location})


def endless_zeros(handler: BaseHTTPRequestHandler) -> None:
    """A body without a length that never ends (until the client leaves or 10 seconds pass)."""
    handler.protocol_version = "HTTP/1.0"
    handler.send_response(200)
    handler.end_headers()
    start = time.monotonic()
    while time.monotonic() - start < HANDLER_SECONDS:
        handler.wfile.write(b"\0" * 65536)


def drip(handler: BaseHTTPRequestHandler) -> None:
    """Headers promising 1000 bytes, then one byte every 50 ms."""
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    start = time.monotonic()
    while time.monotonic() - start < HANDLER_SECONDS:
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.05)


def drip_headers(handler: BaseHTTPRequestHandler) -> None:
    """A status line and headers sent one byte every 50 ms, never finished."""
    start = time.monotonic()
    header = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 10_000
    for byte in header:
        if time.monotonic() - start > HANDLER_SECONDS:
            break
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)
    handler.close_connection = True


def folder_routes(folder: Path, prefix: str = "/pkg/") -> dict[str, Route]:
    return {prefix + p.name: body(p.read_bytes()) for p in folder.iterdir() if p.is_file()}


@pytest.fixture()
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.seen = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def url(httpd: _Server, path: str = "/pkg/") -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}{path}"


# --- 1. SQL injection through a resource name ---------------------------------------------------

INJECTION = "x\" AS SELECT 1; COPY (SELECT 'pwned') TO '{target}'; CREATE VIEW \"t"


def test_sql_injection_name_is_refused_and_writes_nothing(published: Path, tmp_path: Path) -> None:
    folder = small_package(published, tmp_path / "pkg")
    target = tmp_path / "pwned.txt"
    edit(folder, lambda d: d["resources"][0].update(name=INJECTION.format(target=target)))
    with pytest.raises(PackageError, match=r"breaks the name rule"):
        cadata.connect(package=folder)
    assert not target.exists()


def test_connect_never_pastes_a_name_into_sql(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with the name rule switched off, a view is registered by name, never built as SQL text."""
    folder = small_package(published, tmp_path / "pkg")
    target = tmp_path / "pwned.txt"
    evil = INJECTION.format(target=target)
    edit(folder, lambda d: d["resources"][0].update(name=evil))
    monkeypatch.setattr(_descriptor, "name_problem", lambda name, resource=False: None)
    monkeypatch.setattr("cadata.sql.name_problem", lambda name: None)
    con = cadata.connect(package=folder)
    assert not target.exists()
    views = {row[0] for row in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
    assert evil in views


def test_connect_serves_the_verified_table_not_a_file_replaced_later(published: Path, tmp_path: Path) -> None:
    folder = small_package(published, tmp_path / "pkg")
    con = cadata.connect(package=folder)
    path = folder / "kz_hotline_reports.parquet"
    table = pq.read_table(path)
    position = table.column_names.index("value")
    pq.write_table(table.set_column(position, "value", pa.array([0.0] * table.num_rows, pa.float64())), path)
    reports = [r[0] for r in con.sql("select value from kz_hotline_reports order by year_start").fetchall()]
    assert reports == [258, 365, 612, 2088, 2156, 2295, 3251]


# --- 2. One name rule, everywhere -------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil", "Kz_Reports", "a/b", "", "x" * 65, "_hidden", "name with space", "tab\tname", "ü", "a.b"])
def test_a_name_breaking_the_rule_is_refused_where_a_package_is_read(published: Path, tmp_path: Path, name: str) -> None:
    folder = small_package(published, tmp_path / "pkg")
    edit(folder, lambda d: d["resources"][0].update(name=name))
    with pytest.raises(CadataError, match=r"breaks the name rule"):
        cadata.load("kz_hotline_report_shares", package=folder)
    with pytest.raises(CadataError, match=r"breaks the name rule"):
        cadata.list_datasets(folder)


def test_the_name_rule_is_documented() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "^[a-z0-9][a-z0-9_]*$" in readme and "test_hostile_packages.py" in readme


def test_export_and_docs_never_write_outside_their_folder(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_package(published, tmp_path / "data" / "pkg")
    edit(folder, lambda d: d["resources"][0].update(name="../../escaped"))
    monkeypatch.setenv(_paths.DATASETS_ENV, str(folder))
    out = tmp_path / "data" / "out"
    with pytest.raises(IntegrityError, match="breaks the name rule"):
        export(out, "both")
    assert main(["docs", "--out", str(tmp_path / "data" / "site")]) == 1
    assert not list(tmp_path.rglob("escaped*"))
    with pytest.raises(IntegrityError, match="not a plain file name"):
        _paths.child(tmp_path, "../escaped.parquet")


def test_build_refuses_a_table_name_breaking_the_rule(checkout: Path) -> None:
    from cadata.build import render

    shutil.copy2(checkout / "schemas" / "uz_labour_migrants.json", checkout / "schemas" / "Uz-Migrants.json")
    with pytest.raises(CuratedDataError, match=r"schemas/Uz-Migrants\.json: table name 'Uz-Migrants' breaks the name rule"):
        render(checkout, None)


# --- 3. Only http and https ---------------------------------------------------------------------


def test_file_url_resource_path_is_refused(published: Path, server: _Server, cache: Path) -> None:
    folder = small_package(published, cache.parent / "www")
    edit(folder, lambda d: d["resources"][0].update(path="file:%2Fetc%2Fhostname"))
    server.routes = folder_routes(folder)
    with pytest.raises(PackageError, match=r"path 'file:%2Fetc%2Fhostname' is not a plain file name"):
        cadata.load("kz_hotline_reports", package=url(server))
    assert not list(cache.rglob("*hostname*")) and not list(cache.glob("*/datapackage.json"))


@pytest.mark.parametrize("target", ["file:///etc/hostname", "ftp://127.0.0.1/x", "data:,hello", "file:%2Fetc%2Fhostname", "/etc"])
def test_fetch_refuses_other_schemes(cache: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    assert main(["fetch", target]) == 1
    assert "only http and https" in capsys.readouterr().err
    with pytest.raises(PackageError, match="only http and https"):
        packages.fetch(target)


def test_load_refuses_a_file_url(cache: Path) -> None:
    with pytest.raises(PackageError, match="only http and https"):
        cadata.load("kz_hotline_reports", package="file:///etc")


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/datapackage.json", "file:///etc/hostname", "data:,{}"])
def test_a_redirect_to_another_scheme_is_refused(server: _Server, cache: Path, location: str) -> None:
    server.routes = {"/pkg/datapackage.json": redirect(location)}
    with pytest.raises(PackageError, match=r"redirects to .*which cadata does not follow \(only http and https URLs\)"):
        packages.fetch(url(server))


def test_a_redirect_to_http_is_followed_without_reading_its_body(published: Path, server: _Server, cache: Path) -> None:
    folder = small_package(published, cache.parent / "www")
    server.routes = {**folder_routes(folder, "/pkg/"), **folder_routes(folder, "/new/")}

    def endless_redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "/new/datapackage.json")
        handler.end_headers()
        _zeros_body(handler)

    server.routes["/pkg/datapackage.json"] = endless_redirect  # resources are read beside the URL given
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", package=url(server)), cadata.load("kz_hotline_reports"))


def _zeros_body(handler: BaseHTTPRequestHandler) -> None:
    start = time.monotonic()
    while time.monotonic() - start < HANDLER_SECONDS:
        handler.wfile.write(b"\0" * 65536)


def test_a_resource_url_never_leaves_the_package() -> None:
    base = "http://127.0.0.1:1/pkg/datapackage.json?token=a"
    assert packages.resource_url(base, "x.parquet") == "http://127.0.0.1:1/pkg/x.parquet?token=a"
    for rel in ("//evil.example/x", "../x", "http://evil.example/x", "file:///etc/hostname"):
        with pytest.raises(PackageError, match="outside the package"):
            packages.resource_url(base, rel)


# --- 4. Bounded downloads ----------------------------------------------------------------------


def _serve_with(published: Path, server: _Server, cache: Path, resource_route: Route) -> str:
    folder = small_package(published, cache.parent / "www")
    server.routes = folder_routes(folder)
    server.routes["/pkg/kz_hotline_reports.parquet"] = resource_route
    return url(server)


def test_an_endless_body_stops_after_the_recorded_size(published: Path, server: _Server, cache: Path) -> None:
    address = _serve_with(published, server, cache, endless_zeros)
    size = recorded_size(published, "kz_hotline_reports")
    with pytest.raises(PackageError, match=rf"kz_hotline_reports\.parquet: sends more than the {size} bytes the package records"):
        packages.fetch(address)
    assert not list(cache.glob("*/datapackage.json")) and not list(cache.glob(".fetch-*"))


def test_a_declared_length_above_the_recorded_size_is_refused_before_reading(published: Path, server: _Server, cache: Path) -> None:
    size = recorded_size(published, "kz_hotline_reports")
    address = _serve_with(published, server, cache, body(b"\0" * (size + 1)))
    with pytest.raises(PackageError, match=rf"sends more than the {size} bytes"):
        packages.fetch(address)


def test_a_dripping_body_is_cut_off_at_the_deadline(published: Path, server: _Server, cache: Path) -> None:
    address = _serve_with(published, server, cache, drip)
    with pytest.raises(PackageError, match=r"not downloaded within 1 s, the deadline per file"):
        packages.fetch(address, deadline=1)


def test_dripping_headers_are_cut_off_at_the_deadline(published: Path, server: _Server, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    address = _serve_with(published, server, cache, drip_headers)
    monkeypatch.setenv(_http.DEADLINE_ENV, "0.5")
    with pytest.raises(PackageError, match=r"not downloaded within 0\.5 s,"):
        cadata.load("kz_hotline_reports", package=address)


def test_the_deadline_is_checked(cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="deadline must be a number of seconds greater than 0"):
        packages.fetch("http://127.0.0.1:9/pkg/", deadline=0)
    monkeypatch.setenv(_http.DEADLINE_ENV, "soon")
    with pytest.raises(PackageError, match=r"\$CADATA_DOWNLOAD_DEADLINE is 'soon'"):
        packages.fetch("http://127.0.0.1:9/pkg/")
    with pytest.raises(SystemExit):
        main(["fetch", "http://127.0.0.1:9/pkg/", "--deadline", "-1"])
    assert "not a number of seconds greater than 0" in capsys.readouterr().err


def test_an_oversized_descriptor_is_refused(server: _Server, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packages, "MAX_DESCRIPTOR_BYTES", 1000)
    server.routes = {"/pkg/datapackage.json": endless_zeros}
    with pytest.raises(PackageError, match=r"larger than 1000 bytes; not a datapackage.json"):
        packages.fetch(url(server))


def test_a_resource_recording_a_huge_size_is_not_downloaded(published: Path, server: _Server, cache: Path) -> None:
    folder = small_package(published, cache.parent / "www")
    edit(folder, lambda d: d["resources"][0].update(cadata_bytes=1 << 40))
    server.routes = folder_routes(folder)
    with pytest.raises(PackageError, match=r"records 1099511627776 bytes, more than cadata downloads"):
        packages.fetch(url(server))
    assert "/pkg/kz_hotline_reports.parquet" not in server.seen


# --- 5. Wrong data under a forged hash ----------------------------------------------------------


def _with_pandas_metadata(table: pa.Table, change: Callable[[dict[str, Any]], None]) -> pa.Table:
    meta = json.loads(table.schema.metadata[b"pandas"])
    change(meta)
    return table.replace_schema_metadata({**table.schema.metadata, b"pandas": json.dumps(meta).encode()})


def _swap_year_and_line(meta: dict[str, Any]) -> None:
    columns = {c["name"]: c for c in meta["columns"]}
    columns["year_start"]["name"], columns["line"]["name"] = "line", "year_start"


def _index_year(meta: dict[str, Any]) -> None:
    meta["index_columns"] = ["year_start"]


def _multiindex_columns(meta: dict[str, Any]) -> None:
    meta["column_indexes"] = [{"name": None, "field_name": None, "pandas_type": "unicode", "numpy_type": "object", "metadata": None}] * 2


@pytest.mark.parametrize("change", [_swap_year_and_line, _index_year, _multiindex_columns], ids=["columns-swapped", "index-columns", "column-index"])
def test_pandas_metadata_in_a_forged_file_changes_nothing(published: Path, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    folder = small_package(published, tmp_path / "pkg")
    table = pq.read_table(folder / "kz_hotline_reports.parquet")
    forge(folder, "kz_hotline_reports", _with_pandas_metadata(table, change))
    expected = cadata.load("kz_hotline_reports")
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", package=folder), expected)
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", backend="arrow", package=folder).to_pandas(), expected)


def test_a_frame_unlike_the_schema_is_named() -> None:
    schema = _catalog.resource("kz_hotline_reports")["schema"]
    frame = cadata.load("kz_hotline_reports")
    assert _readers.mismatched_frame(frame, schema) is None
    swapped = frame[["unit", "indicator", *frame.columns[2:]]]
    assert "columns ['unit', 'indicator'" in str(_readers.mismatched_frame(swapped, schema))
    assert "expected a RangeIndex" in str(_readers.mismatched_frame(frame.set_index(frame.index + 1), schema))
    assert "line: float64 (expected Int64)" in str(_readers.mismatched_frame(frame.astype({"line": "float64"}), schema))
    assert "qualifier: string (expected category of the enum)" in str(_readers.mismatched_frame(frame.astype({"qualifier": "string"}), schema))


def test_an_enum_value_outside_the_schema_is_an_integrity_error(published: Path, tmp_path: Path) -> None:
    folder = small_package(published, tmp_path / "pkg")
    table = pq.read_table(folder / "kz_hotline_report_shares.parquet")
    position = table.column_names.index("category")
    evil = pa.array(["not_a_category"] * table.num_rows).dictionary_encode()
    forge(folder, "kz_hotline_report_shares", table.set_column(position, "category", evil))
    with pytest.raises(IntegrityError, match=r"column category holds 'not_a_category', which its schema's enum does not list"):
        cadata.load("kz_hotline_report_shares", package=folder)


# --- 6. Generated code from curated text --------------------------------------------------------


def test_titles_are_literals_in_generated_code(checkout: Path) -> None:
    from cadata.build import render

    card = checkout / "curated" / "uz_labour_migrants.yaml"
    title = 'Migrants """ + __import__("os").system("echo pwned") + """ C:\\Users\\x'
    text = card.read_text(encoding="utf-8")
    card.write_text("\n".join(f"title: {json.dumps(title)}" if line.startswith("title:") else line for line in text.splitlines()) + "\n", encoding="utf-8")
    outputs = render(checkout, None)
    namespace: dict[str, Any] = {}
    exec(compile(outputs["src/cadata/models.py"], "models.py", "exec"), namespace)  # noqa: S102 (the point of the test)
    assert namespace["UzLabourMigrants"].__doc__.startswith(f"{title} (``uz_labour_migrants``).")
    tables: dict[str, Any] = {}
    exec(compile(outputs["src/cadata/tables.py"], "tables.py", "exec"), tables)  # noqa: S102
    assert tables["uz_labour_migrants"].__doc__.startswith(title)


@pytest.mark.parametrize(
    ("table", "message"),
    [("load", "clashes with a name cadata or Python defines"), ("info", "clashes"), ("sql", "clashes"), ("list", "clashes"),
     ("cast", "clashes"), ("9lives", "is not a Python name")],
)
def test_a_table_name_that_would_shadow_the_api_is_refused(table: str, message: str) -> None:
    from cadata.build import codegen

    schema = {"fields": [{"name": "x", "type": "integer"}]}
    with pytest.raises(BuildError, match=message):
        codegen.render({table: schema}, {table: {"title": "t"}})


def test_a_column_name_that_is_not_a_python_name_is_refused() -> None:
    from cadata.build import codegen

    for column, message in [("validate", "clashes with pandera"), ("two words", "not a Python name"), ("class", "not a Python name")]:
        with pytest.raises(BuildError, match=message):
            codegen.render({"t": {"fields": [{"name": column, "type": "string"}]}}, {"t": {"title": "t"}})


def test_generated_code_is_compiled_before_anything_is_written(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadata.build import codegen

    before = (checkout / "src" / "cadata" / "models.py").read_bytes()
    monkeypatch.setattr(codegen, "_field", lambda f, table: "    broken = (\n")
    assert main(["build", "--root", str(checkout)]) == 1
    assert (checkout / "src" / "cadata" / "models.py").read_bytes() == before


# --- 7. Errors, never tracebacks ----------------------------------------------------------------


def test_a_nul_byte_in_a_path_is_a_clear_error(published: Path, tmp_path: Path) -> None:
    with pytest.raises(cadata.InvalidArgumentError, match="NUL byte"):
        cadata.load("kz_hotline_reports", package=str(tmp_path / "pkg\x00"))
    with pytest.raises(cadata.InvalidArgumentError, match="give a folder, a datapackage.json, a .zip file or an http"):
        cadata.load("kz_hotline_reports", package=17)  # type: ignore[arg-type]
    folder = small_package(published, tmp_path / "pkg")
    edit(folder, lambda d: d["resources"][0].update(path="kz_hotline_reports\x00.parquet"))
    with pytest.raises(PackageError, match="is not a plain file name"):
        cadata.load("kz_hotline_reports", package=folder)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["schema"]["fields"][0].update(constraints=["required"]), r"field 1 \('indicator'\): constraints is a list, expected an object"),
        (lambda r: r.update(cadata_card="seven rows"), r"cadata_card is the text 'seven rows', expected an object"),
        (lambda r: r["cadata_card"].update(rows="7"), r"cadata_card.rows is the text '7', expected a whole number of rows"),
        (lambda r: r["schema"].update(fields={"year": "integer"}), r"a Table Schema needs a non-empty list of fields"),
        (lambda r: r.update(schema=[]), r"the schema is a list, expected an object"),
        (lambda r: r.update(hash=None), r"records no sha256 hash"),
        (lambda r: r.update(cadata_bytes="5684"), r"records no byte count"),
        (lambda r: r.update(format="xlsx"), r"format 'xlsx' is not one of parquet, csv"),
        (lambda r: r["schema"].update(primaryKey=["nope"]), r"primaryKey names \['nope'\], which are not fields"),
        (lambda r: r["schema"].update(foreignKeys=[{"fields": "paper_id"}]), r"foreign key 1 is not of the form"),
    ],
)
def test_a_malformed_descriptor_is_a_clear_error(published: Path, tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str) -> None:
    folder = small_package(published, tmp_path / "pkg")
    edit(folder, lambda d: change(d["resources"][0]))
    with pytest.raises(PackageError, match=message):
        cadata.load("kz_hotline_reports", package=folder)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_deeply_nested_descriptor_is_a_clear_error(published: Path, tmp_path: Path, depth: int) -> None:
    folder = small_package(published, tmp_path / "pkg")
    text = (folder / "datapackage.json").read_text(encoding="utf-8")
    (folder / "datapackage.json").write_text(text[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    with pytest.raises(PackageError, match="nested more than 32 levels deep"):
        cadata.load("kz_hotline_reports", package=folder)


@pytest.mark.parametrize("address", ["http://127.0.0.1:9/my package/", "http://127.0.0.1:9/\x00", "http://[::1/", "http://127.0.0.1:99999/", "http:///x"])
def test_a_malformed_url_is_a_clear_error(cache: Path, address: str) -> None:
    with pytest.raises(PackageError, match=r"white space or control|not a valid URL|no host"):
        cadata.load("kz_hotline_reports", package=address)
    assert main(["fetch", address]) == 1


def test_concurrent_first_fetches_of_one_url_agree(published: Path, server: _Server, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_package(published, cache.parent / "www")
    server.routes = folder_routes(folder)
    for round_ in range(4):
        monkeypatch.setenv("CADATA_CACHE", str(cache / str(round_)))
        with ThreadPoolExecutor(max_workers=8) as pool:
            folders = list(pool.map(lambda _: packages.fetch(url(server)), range(8)))
        assert len(set(folders)) == 1
        assert sorted(p.name for p in folders[0].iterdir()) == sorted(p.name for p in folder.iterdir())
        assert not list((cache / str(round_)).glob(".fetch-*"))


def test_a_cache_entry_that_appeared_meanwhile_is_success(tmp_path: Path) -> None:
    target, staging = tmp_path / "target", tmp_path / "staging"
    for folder in (target, staging):
        folder.mkdir()
        (folder / "datapackage.json").write_text(folder.name)
    packages._swap_in(staging, target, refresh=False)  # another fetch won: keep its copy
    assert (target / "datapackage.json").read_text() == "target"
    packages._swap_in(staging, target, refresh=True)  # a refresh replaces it
    assert (target / "datapackage.json").read_text() == "staging" and not staging.exists()


def test_a_closed_pipe_exits_0_quietly() -> None:
    process = subprocess.Popen([sys.executable, "-m", "cadata", "show", "facts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    err = process.stderr.read()
    assert process.wait(timeout=120) == 0, err
    assert err == b""


# --- 8. Messages that say what to do -----------------------------------------------------------


def test_a_third_party_package_is_never_told_to_reinstall_cadata(published: Path, tmp_path: Path) -> None:
    folder = small_package(published, tmp_path / "pkg")
    path = folder / "kz_hotline_reports.parquet"
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as caught:
        cadata.load("kz_hotline_reports", package=folder)
    assert "reinstall" not in str(caught.value) and "ask its publisher" in str(caught.value)
    assert "reinstall cadata" in _paths.remedy(_paths.datasets_dir())


def test_an_upper_case_hash_is_accepted(published: Path, server: _Server, tmp_path: Path, cache: Path) -> None:
    folder = small_package(published, tmp_path / "pkg")
    edit(folder, lambda d: [r.update(hash="sha256:" + r["hash"][7:].upper()) for r in d["resources"]])
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", package=folder), cadata.load("kz_hotline_reports"))
    server.routes = folder_routes(folder)
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", package=url(server)), cadata.load("kz_hotline_reports"))


def test_a_query_string_is_kept_for_every_file(published: Path, server: _Server, cache: Path) -> None:
    folder = small_package(published, cache.parent / "www")
    routes = folder_routes(folder)

    def token_required(route: Route) -> Route:
        def guarded(handler: BaseHTTPRequestHandler) -> None:
            if not handler.path.endswith("?token=abc"):
                handler.send_error(403)
                return
            route(handler)

        return guarded

    server.routes = {path: token_required(route) for path, route in routes.items()}
    frame = cadata.load("kz_hotline_reports", package=url(server, "/pkg/?token=abc"))
    pd.testing.assert_frame_equal(frame, cadata.load("kz_hotline_reports"))
    assert "/pkg/datapackage.json?token=abc" in server.seen
    assert packages.descriptor_url("https://h/p/datapackage.json?a=1#x") == "https://h/p/datapackage.json?a=1"


# --- 9. CSV injection -------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "@", "\t"])
def test_formula_text_is_refused_at_build_time(checkout: Path, start: str) -> None:
    from cadata.build import render

    path = checkout / "curated" / "kz_hotline_reports.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[1].rstrip("\n").split(",")
    cells[header.index("note")] = f'"{start}HYPERLINK(""http://evil.example"")"'
    lines[1] = ",".join(cells) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"kz_hotline_reports\.csv, row 1 \(line 2\), column note: text .* begins with .*which spreadsheets run as a formula"):
        render(checkout, None)


def test_a_dash_or_a_negative_number_is_not_a_formula() -> None:
    from cadata._formulas import formula_cells

    assert formula_cells(pd.DataFrame({"x": pd.Series(["-", "-5", "a=b", None], dtype="string")})) == []
    assert formula_cells(pd.DataFrame({"x": pd.Series(["=1+1"], dtype="string")})) == [("x", 0, "=1+1")]


def test_no_shipped_text_begins_like_a_formula() -> None:
    from cadata._formulas import formula_cells

    assert [(name, *cell) for name in cadata.list_datasets() for cell in formula_cells(cadata.load(name))] == []


def test_export_refuses_formula_text_from_a_forged_package(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = small_package(published, tmp_path / "pkg")
    table = pq.read_table(folder / "kz_hotline_reports.parquet")
    position = table.column_names.index("note")
    forge(folder, "kz_hotline_reports", table.set_column(position, "note", pa.array(["=cmd|' /C calc'!A0"] * table.num_rows, pa.large_string())))
    monkeypatch.setenv(_paths.DATASETS_ENV, str(folder))
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports, row 1, column note: text .* begins with '='"):
        export(tmp_path / "out", "csv")
    assert not (tmp_path / "out").exists()


# --- Reading what users download: zips and CSV ----------------------------------------------------


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("fmt", ["parquet", "csv", "both"])
def test_every_export_loads_back_equal_to_the_bundled_tables(tmp_path: Path, cache: Path, fmt: Any, as_zip: bool) -> None:
    package = export(tmp_path / ("pkg.zip" if as_zip else "pkg"), fmt, as_zip=as_zip)
    assert cadata.list_datasets(packages.resolve(package)) == cadata.list_datasets()
    for name in cadata.list_datasets():
        pd.testing.assert_frame_equal(cadata.load(name, package=package), cadata.load(name), obj=f"{fmt} {name}")
    for name in SMALL:
        assert cadata.load(name, backend="arrow", package=package).equals(cadata.load(name, backend="arrow"))


def test_a_zip_is_extracted_once_into_the_cache(tmp_path: Path, cache: Path) -> None:
    package = export(tmp_path / "pkg.zip", "parquet", as_zip=True)
    first = packages.resolve(package)
    assert first.parent == cache and packages.resolve(package) == first


def test_a_published_zip_is_fetched_over_http(tmp_path: Path, server: _Server, cache: Path) -> None:
    package = export(tmp_path / "cadata.zip", "csv", as_zip=True)
    server.routes = {"/cadata.zip": body(package.read_bytes())}
    frame = cadata.load("kz_hotline_report_shares", package=url(server, "/cadata.zip"))
    pd.testing.assert_frame_equal(frame, cadata.load("kz_hotline_report_shares"))


def _zip(path: Path, members: dict[str, bytes], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (0o120777 << 16)
            archive.writestr(info, data)
    return path


@pytest.fixture()
def zip_members(published: Path, tmp_path: Path) -> dict[str, bytes]:
    folder = small_package(published, tmp_path / "zipped")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize(
    ("extra", "links", "message"),
    [
        ({"../evil.txt": b"x"}, (), r"member '\.\./evil\.txt' has an absolute or parent path"),
        ({"/tmp/evil.txt": b"x"}, (), r"member '/tmp/evil\.txt' has an absolute or parent path"),
        ({"a/../../evil.txt": b"x"}, (), r"absolute or parent path"),
        ({"C:/evil.txt": b"x"}, (), r"absolute or parent path"),
        ({"link": b"/etc/passwd"}, ("link",), r"member 'link' is a symbolic link"),
    ],
)
def test_an_unsafe_zip_is_refused_whole(tmp_path: Path, cache: Path, zip_members: dict[str, bytes], extra: dict[str, bytes], links: tuple[str, ...], message: str) -> None:
    archive = _zip(tmp_path / "evil.zip", {**zip_members, **extra}, links)
    with pytest.raises(PackageError, match=message):
        cadata.load("kz_hotline_reports", package=archive)
    assert not list(tmp_path.rglob("evil.txt")) and not list(cache.glob("zip-*"))


def test_a_zip_bomb_is_refused(tmp_path: Path, cache: Path, zip_members: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_zippkg, "MAX_MEMBERS", 5)
    many = _zip(tmp_path / "many.zip", {**zip_members, **{f"f{i}": b"" for i in range(10)}})
    with pytest.raises(PackageError, match=r"has 13 members, more than 5"):
        cadata.load("kz_hotline_reports", package=many)
    monkeypatch.setattr(_zippkg, "MAX_EXPANDED_BYTES", 100_000)
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip_members.items():
            archive.writestr(name, data)
        archive.writestr("zeros", b"\0" * 1_000_000)
    with pytest.raises(PackageError, match=r"expands to more than 100000 bytes"):
        cadata.load("kz_hotline_reports", package=big)


def test_a_zip_member_that_differs_from_its_hash_is_refused(tmp_path: Path, cache: Path, zip_members: dict[str, bytes]) -> None:
    data = bytearray(zip_members["kz_hotline_reports.parquet"])
    data[50] ^= 0xFF
    archive = _zip(tmp_path / "changed.zip", {**zip_members, "kz_hotline_reports.parquet": bytes(data)})
    with pytest.raises(IntegrityError, match=rf"member 'kz_hotline_reports\.parquet' has {len(data)} bytes and sha256"):
        cadata.load("kz_hotline_reports", package=archive)


def test_a_zip_with_its_package_in_one_folder_loads(tmp_path: Path, cache: Path, zip_members: dict[str, bytes]) -> None:
    archive = _zip(tmp_path / "wrapped.zip", {f"cadata-0.1.0/{k}": v for k, v in zip_members.items()})
    pd.testing.assert_frame_equal(cadata.load("kz_hotline_reports", package=archive), cadata.load("kz_hotline_reports"))


def test_a_csv_cell_outside_its_enum_is_refused(tmp_path: Path) -> None:
    package = export(tmp_path / "pkg", "csv")
    path = package / "kz_hotline_report_shares.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\nonline_abuse_bullying,", "\nevil,", 1), encoding="utf-8")
    data = path.read_bytes()
    edit(package, lambda d: next(r for r in d["resources"] if r["path"] == path.name).update(
        hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data)))
    with pytest.raises(IntegrityError, match=r"column category holds 'evil', which its schema's enum does not list"):
        cadata.load("kz_hotline_report_shares", package=package)


def test_a_csv_file_unlike_its_schema_is_refused(tmp_path: Path) -> None:
    package = export(tmp_path / "pkg", "csv")
    path = package / "kz_hotline_reports.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",reports,258.0,", ",reports,many,", 1), encoding="utf-8")
    data = path.read_bytes()
    edit(package, lambda d: next(r for r in d["resources"] if r["path"] == path.name).update(
        hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data)))
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.csv: not a CSV file its schema describes"):
        cadata.load("kz_hotline_reports", package=package)


def test_validate_reports_a_hostile_descriptor(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_package(published, tmp_path / "pkg")
    edit(folder, lambda d: d["resources"][0].update(path="../../etc/passwd"))
    monkeypatch.setenv(_paths.DATASETS_ENV, str(folder))
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  kz_hotline_reports" in out and "path '../../etc/passwd' is not a plain file name" in out


# --- Any hostile descriptor: a CadataError or success, never anything else ---------------------

_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30)
)
_JSON = st.recursive(_LEAVES, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=4)), max_leaves=20)
_HOSTILE_TEXT = st.sampled_from([
    "../x", "..", ".", "", "/etc/passwd", "file:%2Fetc%2Fhostname", "kz_hotline_reports\x00.parquet", "http://127.0.0.1:9/x",
    "C:\\x", "x y", "KZ", "kz_hotline_reports", "kz_hotline_reports-csv", "kz_hotline_reports.parquet", "kz_hotline_reports.csv",
    "datapackage.json", INJECTION, "sha256:" + "A" * 64, "a" * 500, "ü", "=cmd", "csv", "parquet", "string", "integer", "enum",
])


class _Deep:
    """A list nested ``depth`` deep, built only when written (hypothesis prints the short form)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    def __repr__(self) -> str:
        return f"_Deep({self.depth})"

    def build(self) -> object:
        value: object = []
        for _ in range(self.depth):
            value = [value]
        return value


_VALUES = st.one_of(_JSON, _HOSTILE_TEXT, st.builds(_Deep, st.integers(20, 600)), st.just("<delete>"))


def _paths_of(value: object, prefix: tuple[object, ...] = (), depth: int = 6) -> list[tuple[object, ...]]:
    found = [prefix]
    if depth and isinstance(value, dict):
        for key, child in value.items():
            found += _paths_of(child, (*prefix, key), depth - 1)
    elif depth and isinstance(value, list):
        for index, child in enumerate(value[:3]):
            found += _paths_of(child, (*prefix, index), depth - 1)
    return found


_BASE = json.loads((_paths.datasets_dir() / "datapackage.json").read_text(encoding="utf-8"))
_BASE["resources"] = [r for r in _BASE["resources"] if r["name"] in SMALL]
_TARGETS = sorted(
    set(_paths_of(_BASE)) | {("resources", 0, k) for k in ("dialect", "encoding", "format", "bytes", "licenses")}
    | {("resources", 0, "schema", k) for k in ("primaryKey", "foreignKeys", "missingValues")}
    | {("resources", 0, "schema", "fields", 0, "constraints", k) for k in ("enum", "required", "minimum", "pattern")},
    key=repr,
)
_MUTATIONS = st.lists(st.tuples(st.sampled_from(_TARGETS), _VALUES), min_size=1, max_size=3)


def _mutated(mutations: list[tuple[tuple[object, ...], object]]) -> object:
    descriptor: object = json.loads(json.dumps(_BASE))
    for path, hostile in mutations:
        value = hostile.build() if isinstance(hostile, _Deep) else hostile
        if not path:
            descriptor = value
            continue
        parent: Any = descriptor
        for key in path[:-1]:
            ok = (isinstance(parent, dict) and key in parent) or (isinstance(parent, list) and isinstance(key, int) and key < len(parent))
            if not ok:
                break
            parent = parent[key]  # type: ignore[index]
        else:
            last = path[-1]
            if isinstance(parent, dict) or (isinstance(parent, list) and isinstance(last, int) and last < len(parent)):
                if value == "<delete>":
                    if isinstance(parent, list) or last in parent:
                        del parent[last]
                else:
                    parent[last] = value
    return descriptor


def _clean(call: Callable[[], object]) -> None:
    """Run a public call: success or a CadataError; anything else fails the test."""
    try:
        call()
    except CadataError as exc:
        assert str(exc).strip()


def _cli_clean(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code in (0, 1, 2) and "Traceback" not in err.getvalue()
    if code:
        assert err.getvalue().startswith("cadata: ")


def _write(folder: Path, descriptor: object, raw: bytes | None) -> None:
    folder.mkdir(parents=True)
    for name in SMALL:
        shutil.copy2(_paths.datasets_dir() / f"{name}.parquet", folder / f"{name}.parquet")
    (folder / "datapackage.json").write_bytes(raw if raw is not None else json.dumps(descriptor).encode())


def _names(descriptor: object) -> list[str]:
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    extra = [r.get("name") for r in resources[:2] if isinstance(r, dict)] if isinstance(resources, list) else []
    return [*SMALL, *(n for n in extra if isinstance(n, str) and n not in SMALL)]


_RAW = st.one_of(st.none(), st.none(), st.none(), st.binary(max_size=100),
                 st.sampled_from([b"", b"\xef\xbb\xbf{}", b'{"resources": [NaN]}', b'{"resources": ' + b"1" * 5000 + b"}",
                                  b"[" * 100_000, b'{"resources": []}', b"\xff\xfe{}", b"null"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations=_MUTATIONS, raw=_RAW)
def test_any_hostile_descriptor_gives_a_cadata_error_or_works(
    mutations: list[tuple[tuple[object, ...], object]], raw: bytes | None, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    descriptor = _mutated(mutations)
    folder = tmp_path_factory.mktemp("hostile") / "pkg"
    _write(folder, descriptor, raw)
    monkeypatch.setenv("CADATA_CACHE", str(folder.parent / "cache"))
    _clean(lambda: cadata.list_datasets(folder))
    _clean(lambda: cadata.connect(package=folder))
    for name in _names(descriptor):
        _clean(lambda: cadata.load(name, package=folder))
        _clean(lambda: cadata.load(name, backend="arrow", package=folder))
        _clean(lambda: cadata.load(name, package=folder / "datapackage.json"))
    monkeypatch.setenv(_paths.DATASETS_ENV, str(folder))
    try:
        for name in _names(descriptor)[:2]:
            from cadata.citation import cite

            _clean(lambda: str(cadata.info(name)))
            for style in ("plain", "bibtex", "apa"):
                _clean(lambda: cite(name, style))  # type: ignore[arg-type]
            _cli_clean(["info", name])
            _cli_clean(["show", name, "--format", "csv"])
        _cli_clean(["list"])
        _clean(lambda: export(folder.parent / "out", "csv"))
    finally:
        monkeypatch.delenv(_paths.DATASETS_ENV)


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.seen = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


_URL_PATHS = st.sampled_from(["/pkg/", "/pkg", "/pkg/datapackage.json", "/pkg/?token=a b", "/pkg/?t=1#frag", "/pkg/%2e%2e/", "/pkg/x.zip"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutations=_MUTATIONS, raw=_RAW, where=_URL_PATHS)
def test_any_hostile_published_package_gives_a_cadata_error_or_works(
    mutations: list[tuple[tuple[object, ...], object]], raw: bytes | None, where: str, hostile_server: _Server,
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
) -> None:
    descriptor = _mutated(mutations)
    folder = tmp_path_factory.mktemp("served") / "pkg"
    _write(folder, descriptor, raw)
    hostile_server.routes = folder_routes(folder)
    hostile_server.routes["/pkg/x.zip"] = body(b"PK\x03\x04" + (raw or b""))
    monkeypatch.setenv("CADATA_CACHE", str(folder.parent / "cache"))
    address = url(hostile_server, where)
    _clean(lambda: packages.fetch(address, deadline=5))
    for name in _names(descriptor)[:2]:
        _clean(lambda: cadata.load(name, package=address))
    _cli_clean(["fetch", address, "--deadline", "5"])


def test_export_from_a_csv_package_says_what_it_lacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = export(tmp_path / "csv-only", "csv")
    monkeypatch.setenv(_paths.DATASETS_ENV, str(source))
    with pytest.raises(IntegrityError, match=r"csv-only: table 'papers' has no Parquet file to export; export --format csv"):
        export(tmp_path / "out", "parquet")
    again = export(tmp_path / "again", "csv")
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in source.iterdir())
