"""``cadata diff OLD NEW``: what changed between two data packages, table by table and cell by cell.

OLD and NEW are each a release version (``0.1.0``), ``current`` (the bundled data), a
package folder, its datapackage.json, a .zip or an http(s) URL. For each table:

- rows added and removed, by primary key (the key's values joined by ``|``, as
  ``cadata cite-row`` takes them); a key whose columns were renamed is matched by its
  values in order; rows whose key values changed are paired by their provenance
  (``paper_id``, ``line``, ``as_printed``) when that pairing is one to one, and the
  key change is listed as a changed cell of the column ``(key)``;
- each changed cell of a column both versions have: the column, the old and the new
  value (compared vectorised; a missing value equals a missing value, 28935 equals 28935.0);
- schema changes, apart: columns added, removed, renamed (a removed and an added column
  holding the same values in every matched row, or of the same type and agreeing in 80% of
  them: its differing cells are changed cells, under the new name), retyped, enum values changed, and a
  changed primary key;
- tables added and removed; a table that ``deprecated.json`` says was merged into another
  (``facts``) or renamed is reported as such, with the rows it became.

``cadata.diff(old, new)`` (this module is ``cadata.differences``) returns a ``Diff`` whose DataFrames hold the same.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cadata.errors import InvalidArgumentError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Format = Literal["text", "csv", "json"]
FORMATS: tuple[Format, ...] = ("text", "csv", "json")
#: The columns of ``Diff.records()`` (and of datasets/changes.csv, before version and reason).
RECORD_COLUMNS = ["table", "change", "key", "column", "old", "new"]
#: Provenance columns that pair a row whose key changed with its old self.
PAIRING = ("paper_id", "line", "as_printed")
#: The share of matched rows in which a removed and an added column of the same type must
#: agree to be reported as one renamed column (its differing cells are then changed cells).
RENAMED_SHARE = 0.8
PackageRef = str | os.PathLike[str]


class Diff:
    """The differences between two packages: ``tables`` (a summary row per table), ``rows``
    (rows added or removed), ``cells`` (changed cells) and ``schema`` (schema changes).

    A plain class, not a dataclass (dataclasses costs start-up time)."""

    def __init__(self, old: str, new: str, tables: pd.DataFrame, rows: pd.DataFrame, cells: pd.DataFrame, schema: pd.DataFrame) -> None:
        self.old = old
        self.new = new
        self.tables = tables
        self.rows = rows
        self.cells = cells
        self.schema = schema

    @property
    def empty(self) -> bool:
        """True when the packages hold the same tables, schemas and cells."""
        return self.rows.empty and self.cells.empty and self.schema.empty

    def records(self) -> pd.DataFrame:
        """Every difference as one flat table: table, change, key, column, old, new."""
        import pandas as pd

        rows = self.rows.assign(column="", old="", new="")
        cells = self.cells.assign(change="cell changed")
        parts = [frame[RECORD_COLUMNS] for frame in (self.schema.assign(key=""), rows, cells) if not frame.empty]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="string") for c in RECORD_COLUMNS})
        return pd.concat(parts, ignore_index=True).astype("string")

    def to_csv(self) -> str:
        return str(self.records().to_csv(index=False, lineterminator="\n"))

    def to_json(self) -> str:
        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(frame.to_json(orient="records", force_ascii=False))  # type: ignore[no-any-return]

        document = {
            "old": self.old, "new": self.new, "tables": rows(self.tables), "schema": rows(self.schema),
            "rows": rows(self.rows), "cells": rows(self.cells),
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_text(self) -> str:
        lines = [f"cadata diff {self.old} -> {self.new}"]
        if self.empty:
            return "\n".join([*lines, "no differences: the same tables, schemas and cells"])
        for summary in _dicts(self.tables):
            if summary["status"] == "same":
                continue
            head = f"{summary['table']}: {summary['status']}"
            if summary["status"] in ("changed", "renamed"):
                head += (f" ({summary['old_rows']} -> {summary['new_rows']} rows: {summary['added']} added, "
                         f"{summary['removed']} removed, {summary['changed_rows']} changed in {summary['changed_cells']} cells; "
                         f"{summary['schema_changes']} schema changes)")
            elif summary["status"] in ("added", "removed"):
                head += f" ({summary['new_rows'] if summary['status'] == 'added' else summary['old_rows']} rows)"
            if summary["status"] == "merged":
                head = f"{summary['table']}: {summary['note']}"
            lines += ["", head + (f"; {summary['note']}" if summary["note"] and summary["status"] != "merged" else "")]
            table = summary["table"]
            for s in _dicts(self.schema[self.schema["table"] == table]):
                if s["change"].startswith("table "):
                    continue
                detail = f"{s['old']} -> {s['new']}" if s["old"] and s["new"] else (s["new"] or s["old"])
                named = s["column"] and not (s["change"] == "column renamed" and s["column"] == s["old"])
                lines.append(f"  schema: {s['change']}" + (f" {s['column']}" if named else "") + (f": {detail}" if detail else ""))
            for r in _dicts(self.rows[self.rows["table"] == table]):
                lines.append(f"  {r['change']}: {r['key']}")
            for c in _dicts(self.cells[self.cells["table"] == table]):
                lines.append(f"  changed {c['key']} {c['column']}: {c['old']!r} -> {c['new']!r}")
        same = int((self.tables["status"] == "same").sum())
        lines += ["", f"{same} table(s) unchanged"]
        return "\n".join(lines)

    def render(self, fmt: str) -> str:
        if fmt == "csv":
            return self.to_csv()
        if fmt == "json":
            return self.to_json()
        if fmt == "text":
            return self.to_text()
        raise InvalidArgumentError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        changed = int((self.tables["status"] != "same").sum())
        return f"<cadata.Diff {self.old} -> {self.new}: {changed} table(s) differ, {len(self.cells)} cells, {len(self.rows)} rows, {len(self.schema)} schema changes>"


def _dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts (missing as "")."""
    return [{str(k): ("" if v is None or v is _NA() else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _NA() -> object:
    import pandas as pd

    return pd.NA


def folder_of(ref: PackageRef) -> tuple[Path, str]:
    """The local folder of a package reference, and how to name it: a version (``current``, a
    release of releases.json) or any package (folder, datapackage.json, .zip, URL)."""
    from cadata import releases

    if isinstance(ref, str) and (releases.is_current(ref) or ref in {str(r["version"]) for r in releases._recorded()}):
        label = releases.current_version() if releases.is_current(ref) else ref
        return releases.package_folder(ref), label
    if isinstance(ref, str) and releases._VERSION.fullmatch(ref) and not Path(ref).exists():
        releases.entry(ref)  # UnknownVersionError, listing the releases
    from cadata.packages import resolve

    return resolve(ref), os.fspath(ref)


def _tables(folder: Path) -> dict[str, str]:
    """A package's tables: table name -> the resource to read (the Parquet one when both exist)."""
    from cadata import _catalog
    from cadata._descriptor import table_name

    names: dict[str, str] = {}
    for resource in _catalog.package(folder)["resources"]:
        name = str(resource["name"])
        table = table_name(name)
        if table not in names or name == table:
            names[table] = name
    return names


def _frame(folder: Path, resource_name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A verified table (enums as strings) and its schema."""
    from cadata.loading import to_frame, verified

    entry = verified(resource_name, folder)
    return to_frame(entry.resource, entry.path, entry.arrow, categoricals=False), entry.resource["schema"]


def text(value: Any) -> str:
    """A cell as text in a diff: missing is "", 28935.0 is "28935", True is "true"."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, dict)) and bool(pd.isna(value))):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series))


def equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality of two aligned columns; missing equals missing; 1 equals 1.0."""
    import numpy as np

    if _numeric(a) and _numeric(b):
        x = a.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        y = b.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        return (x == y) | (np.isnan(x) & np.isnan(y))  # type: ignore[no-any-return]
    sa = a.map(text).to_numpy(dtype=object)
    sb = b.map(text).to_numpy(dtype=object)
    return sa == sb  # type: ignore[no-any-return]


def _keys(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """Each row's key: its key columns' values joined by ``|`` (``row N`` without a key); unique."""
    if not columns:
        return [f"row {i + 1}" for i in range(len(frame))]
    joined = ["|".join(values) for values in zip(*(frame[c].map(text) for c in columns), strict=True)] if len(frame) else []
    seen: dict[str, int] = {}
    out = []
    for key in joined:
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


def _fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(f["name"]): f for f in schema.get("fields", []) if isinstance(f, dict)}


def _primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else [str(c) for c in key]


def _enum(field: dict[str, Any]) -> list[str] | None:
    constraints = field.get("constraints")
    enum = constraints.get("enum") if isinstance(constraints, dict) else None
    return [text(v) for v in enum] if isinstance(enum, list) else None


class _Collect:
    def __init__(self) -> None:
        self.tables: list[dict[str, Any]] = []
        self.rows: list[dict[str, str]] = []
        self.cells: list[dict[str, str]] = []
        self.schema: list[dict[str, str]] = []

    def schema_change(self, table: str, change: str, column: str = "", old: str = "", new: str = "") -> None:
        self.schema.append({"table": table, "change": change, "column": column, "old": old, "new": new})


def _compare_table(out: _Collect, table: str, old: pd.DataFrame, old_schema: dict[str, Any], new: pd.DataFrame,
                   new_schema: dict[str, Any], old_name: str, status: str = "changed", note: str = "") -> None:
    import pandas as pd

    first_schema, first_cell = len(out.schema), len(out.cells)
    old_fields, new_fields = _fields(old_schema), _fields(new_schema)
    old_pk, new_pk = _primary_key(old_schema), _primary_key(new_schema)
    if old_pk != new_pk:
        out.schema_change(table, "primary key changed", "", ", ".join(old_pk), ", ".join(new_pk))
    if new_pk and all(c in old.columns for c in new_pk):
        old_key_cols = new_pk
    elif len(old_pk) == len(new_pk):
        old_key_cols = old_pk
    else:
        old_key_cols, new_pk = [], []
    old_keys, new_keys = _keys(old, old_key_cols), _keys(new, new_pk)
    o = old.set_axis(pd.Index(old_keys), axis=0)
    n = new.set_axis(pd.Index(new_keys), axis=0)
    old_set, new_set = set(old_keys), set(new_keys)
    removed = [k for k in old_keys if k not in new_set]
    added = [k for k in new_keys if k not in old_set]
    pairs: list[tuple[str, str]] = [(k, k) for k in new_keys if k in old_set]
    # rows whose key changed: paired by their provenance when one to one
    if removed and added and all(c in old.columns and c in new.columns for c in PAIRING):
        def marks(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], str]:
            """Each row's provenance -> its key, for the provenances only one row has."""
            ids = list(zip(*(frame.loc[keys, c].map(text) for c in PAIRING), strict=True))
            counts: dict[tuple[str, ...], int] = {}
            for i in ids:
                counts[i] = counts.get(i, 0) + 1
            return {i: k for i, k in zip(ids, keys, strict=True) if counts[i] == 1}

        old_marks, new_marks = marks(o, removed), marks(n, added)
        moved = [(old_marks[m], new_marks[m]) for m in new_marks if m in old_marks]
        for old_key, new_key in moved:
            out.cells.append({"table": table, "key": new_key, "column": "(key)", "old": old_key, "new": new_key})
        pairs += moved
        gone = {a for a, _ in moved}
        came = {b for _, b in moved}
        removed = [k for k in removed if k not in gone]
        added = [k for k in added if k not in came]
    old_rows = o.loc[[a for a, _ in pairs]]
    new_rows = n.loc[[b for _, b in pairs]]
    common = [c for c in new.columns if c in old.columns]
    gone_cols = [c for c in old.columns if c not in new.columns]
    new_cols = [c for c in new.columns if c not in old.columns]
    renamed: dict[str, str] = {}
    # a removed and an added column are one renamed column when they hold the same values in
    # every matched row; failing that, the same type and the same values in most (RENAMED_SHARE)
    for share in (1.0, RENAMED_SHARE):
        for g in gone_cols:
            if g in renamed or not pairs or old_rows[g].isna().all():
                continue
            kind = old_fields.get(g, {}).get("type")
            candidates = sorted(new_cols, key=lambda c: new_fields.get(c, {}).get("type") != kind)
            for a in candidates:
                if a in renamed.values() or (share < 1 and new_fields.get(a, {}).get("type") != kind):
                    continue
                if equal(old_rows[g].reset_index(drop=True), new_rows[a].reset_index(drop=True)).mean() >= share:
                    renamed[g] = a
                    break
    for g in gone_cols:
        if g in renamed:
            out.schema_change(table, "column renamed", g, g, renamed[g])
        else:
            out.schema_change(table, "column removed", g, str(old_fields.get(g, {}).get("type", "")), "")
    for a in new_cols:
        if a not in renamed.values():
            out.schema_change(table, "column added", a, "", str(new_fields.get(a, {}).get("type", "")))
    for c in common:
        before, after = old_fields.get(c, {}), new_fields.get(c, {})
        if before.get("type") != after.get("type"):
            out.schema_change(table, "column retyped", c, str(before.get("type", "")), str(after.get("type", "")))
        e1, e2 = _enum(before), _enum(after)
        if e1 != e2 and (e1 is not None or e2 is not None):
            lost = [v for v in (e1 or []) if v not in (e2 or [])]
            gained = [v for v in (e2 or []) if v not in (e1 or [])]
            if e1 is None or e2 is None:
                out.schema_change(table, "enum added" if e1 is None else "enum removed", c, "; ".join(e1 or []), "; ".join(e2 or []))
            elif lost or gained:
                out.schema_change(table, "enum values changed", c, "; ".join(lost), "; ".join(gained))
    keys = [b for _, b in pairs]
    compared = [(c, c) for c in common if c not in new_pk] + [(g, a) for g, a in renamed.items() if a not in new_pk]
    for old_column, column in compared:  # a key's change is the "(key)" cell
        before_s, after_s = old_rows[old_column].reset_index(drop=True), new_rows[column].reset_index(drop=True)
        differs = ~equal(before_s, after_s)
        for i in differs.nonzero()[0]:
            out.cells.append({"table": table, "key": keys[i], "column": column, "old": text(before_s.iloc[i]), "new": text(after_s.iloc[i])})
    changed_keys = {cell["key"] for cell in out.cells[first_cell:]}
    out.rows += [{"table": table, "key": k, "change": "row removed"} for k in removed]
    out.rows += [{"table": table, "key": k, "change": "row added"} for k in added]
    schema_changes = len(out.schema) - first_schema
    cells = len(out.cells) - first_cell
    if status == "changed" and not (removed or added or cells or schema_changes):
        status = "same"
    out.tables.append({
        "table": table, "old_table": old_name, "status": status, "old_rows": len(old), "new_rows": len(new),
        "added": len(added), "removed": len(removed), "changed_rows": len(changed_keys), "changed_cells": cells,
        "schema_changes": schema_changes, "note": note,
    })


def _summary(out: _Collect, table: str, old_name: str, status: str, old_rows: int, new_rows: int, note: str = "") -> None:
    out.tables.append({
        "table": table, "old_table": old_name, "status": status, "old_rows": old_rows, "new_rows": new_rows,
        "added": new_rows if status == "added" else 0, "removed": old_rows if status == "removed" else 0,
        "changed_rows": 0, "changed_cells": 0, "schema_changes": 1, "note": note,
    })


def diff(old: PackageRef, new: PackageRef = "current", table: str | None = None) -> Diff:
    """What changed from package ``old`` to package ``new`` (each a version, ``current``, a
    folder, datapackage.json, .zip or URL), for every table or only ``table``."""
    import pandas as pd

    from cadata.loading import _deprecated

    if table is not None and not isinstance(table, str):
        raise InvalidArgumentError(f"table={table!r}: give a table name as text")
    old_folder, old_label = folder_of(old)
    new_folder, new_label = folder_of(new)
    old_tables, new_tables = _tables(old_folder), _tables(new_folder)
    moved = {
        name: entry for name, entry in _deprecated().items()
        if isinstance(entry, dict) and name in old_tables and name not in new_tables
    }
    renames = {name: str(e["replacement"]) for name, e in moved.items() if not e.get("fact_ids") and e.get("replacement") in new_tables}
    if table is not None:
        known = set(old_tables) | set(new_tables)
        if table not in known:
            from cadata.errors import UnknownDatasetError

            raise UnknownDatasetError(f"no table {table!r} in {old_label} or {new_label}; their tables: {', '.join(sorted(known))}")
    out = _Collect()
    for name in sorted(set(old_tables) | set(new_tables)):
        if table is not None and name != table and renames.get(name) != table:
            continue
        if name in old_tables and name in new_tables:
            o, os_ = _frame(old_folder, old_tables[name])
            n, ns = _frame(new_folder, new_tables[name])
            _compare_table(out, name, o, os_, n, ns, name)
        elif name in renames:
            o, os_ = _frame(old_folder, old_tables[name])
            n, ns = _frame(new_folder, new_tables[renames[name]])
            out.schema_change(renames[name], "table renamed", "", name, renames[name])
            _compare_table(out, renames[name], o, os_, n, ns, name, "renamed", f"renamed from {name} (deprecated.json)")
        elif name in old_tables:
            o, _ = _frame(old_folder, old_tables[name])
            entry = moved.get(name)
            if entry is not None and entry.get("fact_ids"):
                ids = [str(i) for i in entry["fact_ids"]]
                target = str(entry["replacement"])
                found = _present(new_folder, new_tables.get(target), ids)
                note = f"merged into {target} in {entry['since']} (deprecated.json): {', '.join(ids)}"
                if found < len(ids):
                    note += f" ({len(ids) - found} of them not in {new_label})"
                out.schema_change(name, "table merged", "", name, f"{target}: {', '.join(ids)}")
                _summary(out, name, name, "merged", len(o), 0, note)
            else:
                out.schema_change(name, "table removed", "", name, "")
                _summary(out, name, name, "removed", len(o), 0)
        elif name not in renames.values():
            n, _ = _frame(new_folder, new_tables[name])
            out.schema_change(name, "table added", "", "", name)
            _summary(out, name, "", "added", 0, len(n))
    string = "string"
    tables = pd.DataFrame(out.tables, columns=["table", "old_table", "status", "old_rows", "new_rows", "added", "removed",
                                               "changed_rows", "changed_cells", "schema_changes", "note"])
    return Diff(
        old_label, new_label, tables,
        pd.DataFrame(out.rows, columns=["table", "key", "change"], dtype=string),
        pd.DataFrame(out.cells, columns=["table", "key", "column", "old", "new"], dtype=string),
        pd.DataFrame(out.schema, columns=["table", "change", "column", "old", "new"], dtype=string),
    )


def _present(folder: Path, resource: str | None, fact_ids: list[str]) -> int:
    """How many of ``fact_ids`` the package's ``facts`` table holds."""
    if resource is None:
        return 0
    frame, _ = _frame(folder, resource)
    return int(frame["fact_id"].isin(fact_ids).sum()) if "fact_id" in frame.columns else 0
