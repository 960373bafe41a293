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
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "year_start")
    field["type"] = "string"
    for bound in ("minimum", "maximum"):  # bounds on text would be refused before the file is read
        field.get("constraints", {}).pop(bound, None)
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(IntegrityError, match=r"kz_hotline_reports\.parquet: columns are .*year_start: integer.*the schema says .*year_start: string"):
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


def _rewrite_parquet(datasets_copy: Path, name: str, change: object, update_descriptor: bool) -> None:
    """Rewrite a table's Parquet file through pyarrow; optionally record its new hash and size."""
    import hashlib

    import pyarrow.parquet as pq

    path = datasets_copy / f"{name}.parquet"
    table = change(pq.read_table(path))  # type: ignore[operator]
    pq.write_table(table, path)
    if update_descriptor:
        descriptor = datasets_copy / "datapackage.json"
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        resource = next(r for r in package["resources"] if r["name"] == name)
        data = path.read_bytes()
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resource["cadata_bytes"] = len(data)
        descriptor.write_text(json.dumps(package), encoding="utf-8")


def _renamed(table: object) -> object:
    names = list(table.column_names)  # type: ignore[attr-defined]
    names[names.index("year_start")] = "reports_total"
    return table.rename_columns(names)  # type: ignore[attr-defined]


def _retyped(table: object) -> object:
    import pyarrow as pa

    at = table.column_names.index("year_start")  # type: ignore[attr-defined]
    return table.set_column(at, "year_start", table.column(at).cast(pa.float64()))  # type: ignore[attr-defined]


def _row_deleted(table: object) -> object:
    return table.slice(0, table.num_rows - 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize("update_descriptor", [False, True], ids=["hash-unchanged", "hash-forged"])
@pytest.mark.parametrize(
    ("change", "message"),
    [(_renamed, r"reports_total: integer.*the schema says .*year_start: integer"), (_retyped, r"year_start: number.*the schema says .*year_start: integer"), (_row_deleted, r"has 6 rows, datapackage.json records 7")],
    ids=["column-renamed", "column-retyped", "row-deleted"],
)
def test_rewritten_parquet_is_refused(datasets_copy: Path, change: object, message: str, update_descriptor: bool) -> None:
    _rewrite_parquet(datasets_copy, "kz_hotline_reports", change, update_descriptor)
    expected = message if update_descriptor else r"(bytes|sha256)"
    with pytest.raises(IntegrityError, match=rf"kz_hotline_reports\.parquet.*{expected}"):
        cadata.load("kz_hotline_reports")


def test_missing_resource_is_reported_by_validate(datasets_copy: Path) -> None:
    from cadata.validation import validate_package

    descriptor = datasets_copy / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "ca_fighter_estimates"]
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    reports = {r.name: r for r in validate_package()}
    stray = reports["ca_fighter_estimates.parquet"]
    assert not stray.ok and "not described by datapackage.json" in stray.errors[0]
    with pytest.raises(cadata.UnknownDatasetError):
        cadata.load("ca_fighter_estimates")
