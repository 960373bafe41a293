"""Verified means the bytes that were parsed; a rebuild is one switch as readers see it;
threads share the caches safely, and the caches are bounded. Each test plays the attack
with real threads and a bounded amount of work (no timing)."""

from __future__ import annotations

import csv
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import cadata
from cadata import _catalog, _paths, loading
from cadata._cache import Lru
from cadata.build import render, write
from cadata.errors import IntegrityError


def _other_parquet(path: Path) -> bytes:
    """A valid Parquet file with the same columns and rows as ``path`` but other values."""
    table = pq.read_table(path)
    index = table.column_names.index("low")
    changed = table.set_column(index, "low", pa.array([1.0] * table.num_rows, table.schema.field("low").type))
    sink = pa.BufferOutputStream()
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), sink)
    return bytes(sink.getvalue().to_pybytes())


def _swapping(path: Path, versions: list[bytes], stop: threading.Event) -> threading.Thread:
    """A thread that keeps replacing ``path`` by each version in turn, until ``stop``."""

    def run() -> None:
        turn = 0
        while not stop.is_set():
            temp = path.with_name(f".swap-{turn % 2}")
            temp.write_bytes(versions[turn % len(versions)])
            os.replace(temp, path)
            turn += 1

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_load_parses_only_the_bytes_it_hashed(datasets_copy: Path) -> None:
    """While the file flips between the described bytes and another valid Parquet file, every
    load (pandas, Arrow, polars) gives the described table or IntegrityError, never the other one."""
    name = "kz_hotline_reports"
    path = datasets_copy / f"{name}.parquet"
    described = path.read_bytes()
    expected = cadata.load(name)
    stop = threading.Event()
    swapper = _swapping(path, [described, _other_parquet(path)], stop)

    def loads(worker: int) -> list[str]:
        seen = []
        for turn in range(40):
            loading._cache.clear()
            backend = ("pandas", "arrow", "polars")[(worker + turn) % 3]
            try:
                table = cadata.load(name, backend=backend)  # type: ignore[call-overload]
            except IntegrityError:
                seen.append("refused")
                continue
            column = table["low"]
            lows = column.to_pylist() if backend == "arrow" else list(column)
            seen.append("described" if lows == list(expected["low"]) else f"other: {lows}")
        return seen

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            outcomes = [o for worker in pool.map(loads, range(4)) for o in worker]
    finally:
        stop.set()
        swapper.join(timeout=60)
    assert set(outcomes) <= {"described", "refused"}, [o for o in outcomes if o.startswith("other")][:3]


def test_duckdb_views_are_the_verified_tables(datasets_copy: Path) -> None:
    con = cadata.connect()
    path = datasets_copy / "kz_hotline_reports.parquet"
    path.write_bytes(_other_parquet(path))  # after connect: the views must not read the path again
    rows = con.sql("select low from kz_hotline_reports order by year_start").fetchall()
    assert [r[0] for r in rows] == [258, 365, 612, 2088, 2156, 2295, 3251]


def _edit_notes(root: Path, tables: list[str]) -> None:
    """Append to the first note of each table: a build B that differs from A in a few files."""
    for table in tables:
        path = root / "curated" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows[0]["note"] = (rows[0]["note"] + " " if rows[0]["note"] else "") + "(build B)"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def test_loads_during_real_rebuilds_see_one_build_or_the_other(checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cadata build` rewrites the datasets 20 times (between two builds A and B) while 4 threads
    load tables from them: no load fails, and each gives the table of A or of B."""
    names = ["kz_hotline_reports", "ca_fighter_estimates", "uz_labour_migrants", "errata", "facts"]
    changed = ["kz_hotline_reports", "ca_fighter_estimates", "uz_labour_migrants"]
    monkeypatch.setenv(_paths.DATASETS_ENV, str(checkout / "datasets"))
    _edit_notes(checkout, changed)
    build_b = render(checkout, None)
    build_a = {rel: (checkout / rel).read_bytes() for rel in build_b}
    assert sum(build_a[r] != build_b[r] for r in build_b) >= len(changed) + 1  # their Parquet files, datapackage.json
    frames_a = {n: cadata.load(n) for n in names}
    write(checkout, build_b)
    frames_b = {n: cadata.load(n) for n in names}
    assert not frames_a["uz_labour_migrants"].equals(frames_b["uz_labour_migrants"])
    done = threading.Event()
    problems: list[str] = []
    loads = [0]

    def reader(worker: int) -> None:
        turn = 0
        while not done.is_set() or turn < len(names):
            name = names[(worker + turn) % len(names)]
            turn += 1
            try:
                frame = cadata.load(name)
            except Exception as exc:  # noqa: BLE001 (any failure is what the test looks for)
                problems.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
            if not (frame.equals(frames_a[name]) or frame.equals(frames_b[name])):
                problems.append(f"{name}: a table of neither build")
            loads[0] += 1

    threads = [threading.Thread(target=reader, args=(w,), daemon=True) for w in range(4)]
    for thread in threads:
        thread.start()
    try:
        for turn in range(20):
            write(checkout, build_a if turn % 2 == 0 else build_b)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert problems == [], problems[:5]
    assert loads[0] >= 4 * len(names)


def _small_descriptor(folder: Path, number: int) -> Path:
    """A package folder whose datapackage.json lists two of the shipped resources."""
    package = json.loads((_paths.datasets_dir() / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] in ("uz_labour_migrants", "kz_hotline_reports")]
    package["title"] = f"copy {number}"
    folder.mkdir(parents=True)
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder


def test_threads_share_the_descriptor_cache_safely(tmp_path: Path) -> None:
    """More package folders than the cache holds, read by 8 threads at once, one of them
    rewritten meanwhile: no RuntimeError or KeyError escapes, each answer is its folder's."""
    folders = [_small_descriptor(tmp_path / f"p{i}", i) for i in range(_catalog.CACHE_SIZE + 4)]

    def work(worker: int) -> int:
        for turn in range(150):
            number = (worker * 7 + turn) % len(folders)
            folder = folders[number]
            if worker == 0 and turn % 10 == 0:  # a new version of one descriptor
                descriptor = folder / "datapackage.json"
                os.utime(descriptor, ns=(turn * 1_000_000, turn * 1_000_000))
            assert _catalog.package(folder)["title"] == f"copy {number}"
            assert _catalog.resource("uz_labour_migrants", folder)["name"] == "uz_labour_migrants"
            assert _catalog.list_datasets(folder) == ["kz_hotline_reports", "uz_labour_migrants"]
        return turn

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(work, range(8))) == [149] * 8
    assert len(_catalog._cache) <= _catalog.CACHE_SIZE


def test_caches_stay_bounded_across_rebuilds(datasets_copy: Path) -> None:
    """Each rebuild is a new descriptor, so new cache keys: the caches keep only the newest."""
    descriptor = datasets_copy / "datapackage.json"
    for turn in range(loading.CACHE_SIZE + 16):
        os.utime(descriptor, ns=(turn * 1_000_000_000, turn * 1_000_000_000))
        cadata.load("uz_labour_migrants")
        assert len(loading._cache) <= loading.CACHE_SIZE
    assert len(_catalog._cache) <= _catalog.CACHE_SIZE
    first = Lru[str, int](2)
    first.put("a", 1)
    first.put("b", 2)
    assert first.get("a") == 1  # used: "b" is now the oldest
    first.put("c", 3)
    assert (first.get("a"), first.get("b"), first.get("c"), len(first)) == (1, None, 3, 2)


def test_a_damaged_file_is_still_damage_not_a_rebuild(datasets_copy: Path) -> None:
    """The retry does not hide damage: nothing moved, so the message says what differs."""
    path = datasets_copy / "uz_labour_migrants.parquet"
    path.write_bytes(path.read_bytes()[:-1] + b"\0")
    with pytest.raises(IntegrityError, match=r"uz_labour_migrants\.parquet.*sha256 is .*reinstall cadata") as caught:
        cadata.load("uz_labour_migrants")
    assert "rebuild" not in str(caught.value)


def test_a_file_changing_under_both_attempts_says_so(datasets_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no build holds the lock (another writer), a file that changes between the two reads
    is reported as a change during the read, not as a broken install."""
    path = datasets_copy / "uz_labour_migrants.parquet"
    good = path.read_bytes()
    real = loading._integrity.read_verified
    calls = [0]

    def changing(resource: dict[str, object], file: Path) -> tuple[bytes, object]:
        calls[0] += 1
        file.write_bytes(good[:-1] + bytes([calls[0]]))  # a different version on each read
        os.utime(file, ns=(calls[0] * 1_000_000_000, calls[0] * 1_000_000_000))
        return real(resource, file)  # type: ignore[return-value]

    monkeypatch.setattr(loading._integrity, "read_verified", changing)
    with pytest.raises(IntegrityError, match=r"datasets changed during the read \(a rebuild\?\)"):
        cadata.load("uz_labour_migrants")
    assert calls[0] == 2
