"""Robustness of the public API and CLI: any input gives a clear error, never a traceback,
a file read outside the package, a write into it, or a network connection."""

from __future__ import annotations

import contextlib
import os
import io
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cadata
from cadata import loading
from cadata.cli import main

NAMES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", ".", "..", "../datapackage", "/etc/passwd", "kz_hotline_reports/../x", "KZ_HOTLINE_REPORTS",
                     "kz_hotline_reports.parquet", "kz_hotline_reports\x00", "ĸz_hotline_reports", "a" * 5000]),
    st.builds(lambda a, b: f"{a}/{b}", st.text(max_size=20), st.text(max_size=20)),
)


@settings(max_examples=150, deadline=None)
@given(NAMES)
def test_any_name_is_a_table_or_a_clear_error(name: str) -> None:
    if name in cadata.list_datasets():
        return
    for call in (cadata.load, cadata.info):
        with pytest.raises(cadata.UnknownDatasetError) as caught:
            call(name)
        message = str(caught.value)
        assert message.startswith("unknown dataset") and "cadata list" in message
        assert len(message) < 600


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(NAMES, st.sampled_from(["show", "info", "list", "--format", "csv", "json", "xml", "build", "--check", "--only", "-h"])), max_size=5))
def test_any_command_line_exits_cleanly(argv: list[str]) -> None:
    if argv[:1] == ["build"] or "-h" in argv or "--help" in argv:
        return  # build rewrites files; help exits 0: both tested elsewhere
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip()


def test_concurrent_loads_agree() -> None:
    names = cadata.list_datasets() * 20
    loading._cache.clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        frames = list(pool.map(cadata.load, names))
    for name, frame in zip(names, frames, strict=True):
        pd.testing.assert_frame_equal(frame, cadata.load(name))


GUARDED = textwrap.dedent(
    """
    import os, sys
    package_dir = os.path.dirname(__import__("importlib.util").util.find_spec("cadata").origin)
    checkout_data = os.path.join(os.path.dirname(os.path.dirname(package_dir)), "datasets")  # editable install
    data_dirs = [package_dir, checkout_data]
    allowed_reads = data_dirs + [sys.prefix, sys.base_prefix, os.path.dirname(os.__file__)]
    def hook(event, args):
        if event == "socket.connect" or event == "socket.getaddrinfo":
            raise RuntimeError(f"network used: {event} {args}")
        if event == "open":
            path, mode = args[0], args[1]
            if not isinstance(path, str):
                return
            full = os.path.abspath(path)
            writing = mode is not None and any(c in str(mode) for c in "wax+")
            if writing and any(full.startswith(d) for d in data_dirs):
                raise RuntimeError(f"write into the package: {full}")
            if not writing and full.endswith((".parquet", ".json")) and not any(full.startswith(a) for a in allowed_reads):
                raise RuntimeError(f"read outside the package: {full}")
    sys.addaudithook(hook)
    import cadata
    for name in cadata.list_datasets():
        frame = cadata.load(name)
        assert len(frame) > 0
        str(cadata.info(name))
    print("ok", len(cadata.list_datasets()), flush=True)
    """
)
#: End without interpreter shutdown: a native library's thread once aborted the child at exit,
#: after every load had passed; what run_guarded tests is the loads, not the teardown.
EXIT_AT_ONCE = "\nos._exit(0)\n"


def run_guarded(cwd: str, pythonpath: str | None = None) -> subprocess.CompletedProcess[str]:
    """Load every table with sockets blocked and writes to the data refused (an audit hook)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable, "-c", GUARDED + EXIT_AT_ONCE], cwd=cwd, capture_output=True, text=True, env=env)


def test_loads_offline_without_writing_from_any_directory() -> None:
    result = run_guarded("/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")


def test_the_guard_catches_network_and_writes(tmp_path: Path) -> None:
    """The audit hook is not a no-op: a connection and a write into the data both fail."""
    for extra, message in [
        ("import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)", "network used"),
        ("from cadata import _paths; open(_paths.datasets_dir() / 'x.json', 'w')", "write into the package"),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", GUARDED + "\n" + extra], cwd=str(tmp_path), capture_output=True, text=True,
            env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert result.returncode != 0 and message in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cadata.find_facts(iso3=1), r"iso3 must be text \(a str\), not int"),  # type: ignore[arg-type]
        (lambda: cadata.find_facts(place=["KAZ"]), r"place must be text"),  # type: ignore[arg-type]
        (lambda: cadata.erratum({}), r"erratum id must be text \(a str\), not dict"),  # type: ignore[arg-type]
        (lambda: cadata.search(None), r"search text must be text \(a str\), not NoneType"),  # type: ignore[arg-type]
        (lambda: cadata.search(""), r"search text is empty, which would match every fact"),
        (lambda: cadata.search("   "), r"search text is empty"),
        (lambda: cadata.find_facts(text=""), r"text is empty"),
        (lambda: cadata.search("Soufan\udcff"), r"search text 'Soufan\\udcff' is not valid text: it holds a lone surrogate"),
        (lambda: cadata.erratum("E00\ud800"), r"erratum id .* lone surrogate"),
        (lambda: cadata.find_facts(iso3="\udcff"), r"iso3 .* lone surrogate"),
        (lambda: cadata.cite_row("kz_hotline_reports", {"year_start": 2017}), r"key must be text"),
        (lambda: cadata.load("kz_hotline_reports", backend=["arrow"]), r"unknown backend"),  # type: ignore[call-overload]
    ],
    ids=["iso3=1", "place list", "erratum({})", "search(None)", "search('')", "search blank", "find_facts text ''",
         "surrogate search", "surrogate erratum", "surrogate find_facts", "cite_row dict key", "backend list"],
)
def test_bad_api_arguments_are_clear_errors(call: object, message: str) -> None:
    with pytest.raises(cadata.InvalidArgumentError, match=message) as caught:
        call()  # type: ignore[operator]
    assert isinstance(caught.value, cadata.CadataError) and isinstance(caught.value, TypeError | ValueError)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.none(), st.binary(max_size=5), st.lists(st.text(max_size=3), max_size=2),
                 st.sampled_from(["\udcff", "a\ud800b", "", " ", "UZB", "E001"])))
def test_any_register_argument_is_an_answer_or_a_clear_error(value: object) -> None:
    for call in (lambda: cadata.search(value), lambda: cadata.find_facts(iso3=value, text=value), lambda: cadata.erratum(value)):  # type: ignore[arg-type]
        try:
            call()
        except cadata.CadataError as exc:
            assert str(exc).strip()


@pytest.mark.parametrize("argv", [[b"search", b"Soufan\xff"], [b"erratum", b"E\xed\xa0\x80"], [b"info", b"kz\xff"], [b"search", b""]])
def test_shell_arguments_that_are_not_utf8_or_empty_exit_2(argv: list[bytes]) -> None:
    result = subprocess.run([sys.executable, "-m", "cadata", *argv], capture_output=True)
    assert result.returncode == 2, result
    assert b"Traceback" not in result.stderr and result.stderr.strip() and result.stdout == b""


def test_a_file_name_that_is_not_utf8_is_printed_escaped(tmp_path: Path) -> None:
    out = bytes(tmp_path) + b"/pkg-\xff.zip"
    result = subprocess.run([sys.executable, "-m", "cadata", "export", "--out", out, "--zip"], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert b"pkg-\\udcff.zip" in result.stdout and Path(os.fsdecode(out)).is_file()
