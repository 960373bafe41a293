"""Shipped files are verified: a changed, truncated or swapped file is refused, by name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import cadata
from cadata.errors import IntegrityError


def test_flipped_byte_is_refused(datasets_copy: Path) -> None:
    path = datasets_copy / "kz_hotline_reports.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.parquet.*sha256 is .*records"):
        cadata.load("kz_hotline_reports")


def test_truncated_file_is_refused(datasets_copy: Path) -> None:
    path = datasets_copy / "ca_fighter_estimates.parquet"
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])
    with pytest.raises(IntegrityError, match=rf"ca_fighter_estimates\.parquet.*has {size // 2} bytes.*records {size}"):
        cadata.load("ca_fighter_estimates")


def test_swapped_files_are_refused(datasets_copy: Path) -> None:
    a, b = datasets_copy / "kz_hotline_reports.parquet", datasets_copy / "ca_fighter_estimates.parquet"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.parquet"):
        cadata.load("kz_hotline_reports")


def test_missing_file_is_refused(datasets_copy: Path) -> None:
    (datasets_copy / "kz_hotline_reports.parquet").unlink()
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.parquet.*missing"):
        cadata.load("kz_hotline_reports")


def test_edited_hash_in_datapackage_is_refused(datasets_copy: Path) -> None:
    descriptor = datasets_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"][0]["hash"] = "sha256:" + "0" * 64
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    name = package["resources"][0]["name"]
    with pytest.raises(IntegrityError, match=rf"{name}\.parquet.*records 0000"):
        cadata.load(name)


def test_retyped_field_in_datapackage_is_refused(datasets_copy: Path) -> None:
    descriptor = datasets_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "kz_hotline_reports")
    resource["schema"]["fields"][1]["type"] = "string"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.parquet: columns are .*reports: integer.*the schema says .*reports: string"):
        cadata.load("kz_hotline_reports")


def test_path_outside_the_folder_is_refused(datasets_copy: Path) -> None:
    descriptor = datasets_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"][0]["path"] = "../../etc/passwd"
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(IntegrityError, match="plain file name"):
        cadata.load(package["resources"][0]["name"])


def test_verdict_is_rechecked_when_the_file_changes(datasets_copy: Path) -> None:
    cadata.load("kz_hotline_reports")  # verified and cached
    path = datasets_copy / "kz_hotline_reports.parquet"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(IntegrityError, match="kz_hotline_reports"):
        cadata.load("kz_hotline_reports")
