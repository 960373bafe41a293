"""Robustness of the public API and CLI: any input gives a clear error, never a traceback,
a file read outside the package, a write into it, or a network connection."""

from __future__ import annotations

import contextlib
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
    print("ok", len(cadata.list_datasets()))
    """
)


def run_guarded(cwd: str, pythonpath: str | None = None) -> subprocess.CompletedProcess[str]:
    """Load every table with sockets blocked and writes to the data refused (an audit hook)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable, "-c", GUARDED], cwd=cwd, capture_output=True, text=True, env=env)


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
