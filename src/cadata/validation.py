"""Validation: the contract of each table (its Table Schema, foreign keys and table rules) as
pandera schemas, plus frictionless on the package.

``check_frame`` is the contract: the build, ``cadata validate`` and a user's own copy or
extension of a table (``cadata.check``) are all checked by it, and by nothing fitted to the
rows that ship (docs/contracts.md); the shipped data's own checks are in the build
(``cadata.build.provenance``) and the tests.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata.rules import needs, rules_for

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

    from cadata.report import ValidationReport


@dataclass(frozen=True)
class Failure:
    """One broken rule: which column and row (0-based position in the table)."""

    rule: str
    column: str | None
    row: int | None
    value: str


@dataclass
class TableReport:
    """The outcome of validating one table."""

    name: str
    rows: int = 0
    failures: list[Failure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors


def pandera_schema(name: str, schema: dict[str, Any], tables: Mapping[str, pd.DataFrame]) -> pa.DataFrameSchema:
    """The pandera schema of a table, generated from its Table Schema and its rules."""
    import pandera.pandas as pa

    from cadata._frame import field_enum, pandas_dtype

    columns = {}
    for f in schema["fields"]:
        constraints = f.get("constraints", {})
        checks = []
        enum = field_enum(f)
        if enum is not None:
            checks.append(pa.Check.isin(enum, error="enum"))
        if "pattern" in constraints:
            checks.append(pa.Check.str_matches(f"(?:{constraints['pattern']})\\Z", error=f"pattern {constraints['pattern']}"))
        if "minimum" in constraints:
            checks.append(pa.Check.ge(constraints["minimum"], error=f"minimum {constraints['minimum']}"))
        if "maximum" in constraints:
            checks.append(pa.Check.le(constraints["maximum"], error=f"maximum {constraints['maximum']}"))
        if "minLength" in constraints:
            checks.append(pa.Check.str_length(min_value=constraints["minLength"], error=f"minLength {constraints['minLength']}"))
        if "maxLength" in constraints:
            checks.append(pa.Check.str_length(max_value=constraints["maxLength"], error=f"maxLength {constraints['maxLength']}"))
        if constraints.get("unique"):
            checks.append(pa.Check(lambda s: ~s.duplicated(keep=False), error="unique"))  # empty cells aside
        columns[f["name"]] = pa.Column(
            None if enum is not None else pandas_dtype(f),
            checks=checks,
            nullable=not constraints.get("required", False),
            name=f["name"],
        )
    rule_checks = [
        pa.Check(lambda df, r=rule: r.check(df, tables), name=rule.name)
        for rule in rules_for(name, [f["name"] for f in schema["fields"]], schema)
    ]
    return pa.DataFrameSchema(
        columns,
        checks=rule_checks,
        unique=schema.get("primaryKey") or None,
        strict=True,
        ordered=True,
        name=name,
    )


_VALUE_CONSTRAINTS = ("pattern", "minimum", "maximum", "minLength", "maxLength")


def keeps_contract(name: str, schema: dict[str, Any], df: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> bool:
    """Whether ``df`` passes every check of ``pandera_schema`` (columns, dtypes, constraints, primary
    key, rules), found with each column's cells as Python values: a few microseconds a column
    where pandera spends milliseconds a check. False at the least doubt (a NaN, an odd type);
    ``check_frame`` then asks pandera, which names each failure."""
    import re

    import pandas as pd

    from cadata._frame import field_enum

    fields = schema["fields"]
    if list(df.columns) != [f["name"] for f in fields] or not df.columns.is_unique:
        return False  # strict and ordered
    dtypes = {"integer": pd.Int64Dtype(), "number": pd.Float64Dtype(), "boolean": pd.BooleanDtype(), "string": pd.StringDtype()}
    try:
        for f in fields:
            column, constraints, enum = df[f["name"]], f.get("constraints", {}), field_enum(f)
            if enum is None:  # the dtype object cadata reads, in its storage: what pandera accepts (tests pin it)
                wanted = dtypes[f["type"]]
                if type(column.dtype) is not type(wanted) or column.dtype != wanted or str(column.dtype) != str(wanted):
                    return False
            checked = enum is not None or constraints.get("unique") or any(k in constraints for k in _VALUE_CONSTRAINTS)
            if not checked and not constraints.get("required"):
                continue
            cells = column.tolist()  # Python scalars; pd.NA (or None) where empty
            values = [v for v in cells if v is not pd.NA and v is not None]
            if any(isinstance(v, float) and v != v for v in values):
                return False  # NaN: empty for pandas or not, pandera decides
            if constraints.get("required") and len(values) != len(cells):
                return False
            if not checked or not values:
                continue
            if not all(isinstance(v, str) for v in values) and (enum is not None or any(k in constraints for k in ("pattern", "minLength", "maxLength"))):
                return False
            if enum is not None and not all(v in enum for v in values):
                return False
            if "pattern" in constraints:  # pandas matches patterns holding \Z with Python's re (tests pin it)
                matches = re.compile(f"(?:{constraints['pattern']})\\Z").match
                if not all(matches(v) for v in values):
                    return False
            if "minimum" in constraints and not all(v >= constraints["minimum"] for v in values):
                return False
            if "maximum" in constraints and not all(v <= constraints["maximum"] for v in values):
                return False
            if "minLength" in constraints and not all(len(v) >= constraints["minLength"] for v in values):
                return False
            if "maxLength" in constraints and not all(len(v) <= constraints["maxLength"] for v in values):
                return False
            if constraints.get("unique") and len(set(values)) != len(values):
                return False
        key = schema.get("primaryKey")
        if key and df.duplicated(subset=[key] if isinstance(key, str) else list(key)).any():
            return False
        for rule in rules_for(name, [f["name"] for f in fields], schema):
            kept = rule.check(df, tables)
            if not isinstance(kept, pd.Series) or kept.dtype != bool or not kept.index.equals(df.index) or not kept.all():
                return False
    except Exception:  # a rule that cannot run, a column of an odd type: pandera reports it
        return False
    return True


def check_frame(name: str, schema: dict[str, Any], df: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> list[Failure]:
    """Every failure of a DataFrame against its contract (lazy: all at once); pandera is
    imported and run only where ``keeps_contract`` finds a doubt."""
    if keeps_contract(name, schema, df, tables):
        return []
    import pandera.errors as pe

    try:
        pandera_schema(name, schema, tables).validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        failures: dict[tuple[str, str | None, int | None], Failure] = {}
        types = {f["name"]: f["type"] for f in schema["fields"]}
        for case in exc.failure_cases.to_dict("records"):
            check = str(case["check"])
            rule = _READABLE.get(check, check)
            if check.startswith("dtype("):
                rule = f"type {types.get(str(case.get('column')), check)}"
            index, column = case.get("index"), case.get("column")
            row = None if index is None or index != index else int(index)
            whole_row = case.get("schema_context") == "DataFrameSchema"  # a rule over whole rows
            col = None if whole_row or column is None or column != column else str(column)
            value = "" if whole_row else str(case.get("failure_case"))
            if check in ("column_in_dataframe", "column_in_schema"):  # the column is the failure case
                col = value = str(case.get("failure_case"))
            failures.setdefault((rule, col, row), Failure(rule, col, row, value))
        return list(failures.values())
    return []


#: pandera's names for failures, in the words of the Table Schema.
_READABLE = {
    "not_nullable": "required",
    "multiple_fields_uniqueness": "primaryKey (unique)",
    "column_in_dataframe": "column present",
    "column_in_schema": "no column outside the schema",
}


def contract_failures(name: str, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame] | None = None) -> list[Failure]:
    """Every breach of a table's contract by ``frame`` (a copy, an extension, a CSV read back).

    The contract is the table's Table Schema (types, required fields, the primary key,
    patterns, closed vocabularies, physical bounds), its foreign keys and its table rules
    (docs/contracts.md); nothing about which rows ship. Columns are converted to the schema's
    dtypes first. Foreign keys and rules that read other tables read ``tables`` where it names
    them (your own registers or extended tables), else the shipped ones. ``row`` is the 0-based
    position in ``frame``.
    """
    import pandas as pd

    from cadata import _catalog

    schema = _catalog.resource(name)["schema"]
    if not isinstance(frame, pd.DataFrame):
        from cadata.errors import InvalidArgumentError

        raise InvalidArgumentError(f"cadata.check({name!r}, frame): frame is a {type(frame).__name__}; pass a pandas DataFrame")
    given = dict(tables or {})
    others: dict[str, pd.DataFrame] = {}
    for other in sorted(needs(name, schema)):
        if other in given:
            others[other] = _typed(other, given[other])
        else:
            from cadata.loading import load_any

            others[other] = load_any(other)
    typed, failures = coerce_frame(frame, schema)
    return failures + check_frame(name, schema, typed, others)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A user's table converted to its schema's dtypes (for the rules of another table)."""
    from cadata import _catalog

    return coerce_frame(frame, _catalog.resource(name)["schema"])[0]


_TRUE, _FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")


def _cell(value: Any, kind: str) -> Any:
    """One cell in its Table Schema type; ValueError if it has another."""
    import math

    if isinstance(value, str):
        text = value.strip()
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean":
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise ValueError(value)
        return value
    if kind == "string":
        return str(value)
    if isinstance(value, bool) or (kind == "boolean" and value in (0, 1)):
        if kind != "boolean":
            raise ValueError(value)
        return bool(value)
    if kind == "boolean":
        raise ValueError(value)
    number = float(value)
    if kind == "integer":
        if not math.isfinite(number) or number != int(number):
            raise ValueError(value)
        return int(number)
    return number


def coerce_frame(frame: pd.DataFrame, schema: dict[str, Any]) -> tuple[pd.DataFrame, list[Failure]]:
    """``frame`` with every schema column in the schema's dtype (enum columns as strings),
    rows renumbered from 0, and a failure for each cell that is not of its type (left empty).
    A table read from CSV (text, or pandas' guesses) converts as it is."""
    import pandas as pd

    from cadata._frame import field_enum, pandas_dtype

    out = frame.reset_index(drop=True).copy()
    failures: list[Failure] = []
    for f in schema["fields"]:
        name = f["name"]
        if name not in out.columns:
            continue  # reported as a missing column
        kind = "string" if field_enum(f) is not None else str(f["type"])
        cells: list[Any] = []
        for row, value in enumerate(out[name].astype(object)):
            if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
                cells.append(None)
                continue
            try:
                cells.append(_cell(value, kind))
            except (ValueError, TypeError, OverflowError):
                failures.append(Failure(f"type {f['type']}", name, row, str(value)))
                cells.append(None)
        out[name] = pd.Series(cells, dtype="string" if kind == "string" else pandas_dtype(f), index=out.index)
    return out, failures


def read_user_table(path: Path) -> tuple[pd.DataFrame, int | None]:
    """A table file to check: CSV (every cell read as text, only an empty cell missing) or
    Parquet; with the file line of row 0 for a CSV (2: the header is line 1), else None."""
    import pandas as pd

    from cadata.errors import CadataError

    if not path.is_file():
        raise CadataError(f"{path}: no such file; give the path of a .csv or .parquet file")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path), None
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"), 2
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise CadataError(f"{path}: cannot be read as {'Parquet' if path.suffix.lower() == '.parquet' else 'UTF-8 CSV'} ({exc})") from None


def describe(failure: Failure) -> str:
    """One failure in words: where (row, column) and which rule, with the value."""
    at = ", ".join(p for p in (f"row {failure.row}" if failure.row is not None else "", f"column {failure.column}" if failure.column else "") if p)
    value = f" (value {failure.value!r})" if failure.column else ""
    return f"{at or 'the table'}: breaks {failure.rule}{value}"


def check(name: str, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame] | None = None) -> None:
    """Raise ``cadata.ContractError`` unless ``frame`` keeps the contract of table ``name``.

    For a copy or an extension of a shipped table: ``cadata.check("kz_hotline_reports", df)``.
    The error lists every breach with its row (0-based position) and column.
    ``tables`` gives other tables it refers to (see ``contract_failures``).
    """
    from cadata.errors import ContractError

    failures = contract_failures(name, frame, tables)
    if failures:
        raise ContractError(name, failures)


def validate_package() -> Iterator[TableReport]:
    """Validate every shipped table (integrity, pandera) and the package (frictionless).

    Yields each table's report as it is reached: all tables are read first (the rules
    compare tables), then each is checked and reported, then the package as a whole.
    """
    from cadata import _catalog, _integrity, _paths
    from cadata.errors import CadataError
    from cadata.loading import read_arrow, to_frame

    folder = _paths.datasets_dir()
    frames: dict[str, pd.DataFrame] = {}
    resources: list[tuple[TableReport, dict[str, Any]]] = []
    for name in _catalog.list_datasets(folder):
        report = TableReport(name)
        resource: dict[str, Any] = {}
        try:
            resource = _catalog.resource(name, folder)
            path = _integrity.resource_path(resource, folder)
            data, _ = _integrity.read_verified(resource, path)
            frames[name] = to_frame(resource, path, read_arrow(resource, path, data), categoricals=False)
            report.rows = len(frames[name])
        except (CadataError, OSError) as exc:
            report.errors.append(str(exc))
        resources.append((report, resource))
    from cadata.rules import errata_link_problems

    schemas = {report.name: resource.get("schema", {}) for report, resource in resources if report.name in frames}
    links: dict[str, list[str]] = {}
    for table, row, problem in errata_link_problems(frames, schemas):
        links.setdefault(table, []).append(f"row {row}: {problem}" if row is not None else problem)
    covered: set[str] = set()  # resources whose rows frictionless need not read again
    for report, resource in resources:
        if report.name in frames:
            missing = [n for n in needs(report.name, resource["schema"]) if n not in frames]
            if missing:
                report.errors.append(f"cannot check rules: tables {sorted(set(missing))} failed to load")
            else:
                report.failures = check_frame(report.name, resource["schema"], frames[report.name], frames)
        report.errors += links.get(report.name, [])
        if report.ok and report.name in frames and covers_frictionless(resource, frames[report.name], schemas):
            covered.add(str(resource["name"]))
        yield report
    described = {str(r.get("path")) for r in _catalog.package(folder)["resources"]}
    for stray in sorted(p.name for p in folder.glob("*.parquet") if p.name not in described):
        report = TableReport(stray)
        report.errors.append(f"{folder / stray}: not described by datapackage.json (a resource is missing); reinstall cadata")
        yield report
    frictionless_report = TableReport("datapackage.json (frictionless)")
    frictionless_report.errors = frictionless_errors(folder / "datapackage.json", covered)
    yield frictionless_report


#: What a resource, its schema and its fields may hold for ``covers_frictionless`` (cadata writes no other key).
_RESOURCE_KEYS = frozenset({"name", "path", "format", "mediatype", "title", "description", "hash", "bytes", "cadata_bytes",
                            "sources", "licenses", "schema", "cadata_card"})
_SCHEMA_KEYS = frozenset({"fields", "primaryKey", "foreignKeys", "missingValues"})
_FIELD_KEYS = frozenset({"name", "type", "title", "description", "constraints", "unit", "categories", "derived"})
_CONSTRAINTS = frozenset({"required", "unique", "enum", *_VALUE_CONSTRAINTS})


def covers_frictionless(resource: dict[str, Any], frame: pd.DataFrame, schemas: Mapping[str, dict[str, Any]]) -> bool:
    """Whether the checks cadata has just passed for a resource (its sha256 and byte count, its
    columns and their types read from the file, ``check_frame``) include every check frictionless
    makes of its rows, so that frictionless checks only its descriptor.

    frictionless's checks of a Parquet table (frictionless 5: checks.baseline, TableResource's
    row stream): hash and bytes (cadata: sha256 and the byte count, ``bytes`` equal to it);
    header labels (cadata: the columns are exactly the schema's); cell types (cadata: each
    column's Arrow type is its field's type, so every cell has it); constraints required,
    unique, enum, pattern, minimum, maximum, minLength, maxLength (the contract has each);
    primary key unique and not all empty (the contract; the empty keys here); single-field
    foreign keys to another loaded table (``schemas``), of the same type (a contract rule each); blank rows (a
    required field in the contract). frictionless reads a cell listed in ``missingValues`` as
    empty: a text cell holding one leaves the resource to frictionless. Anything else, any
    other key, type, constraint or format, also leaves the resource to frictionless.
    """
    from cadata._descriptor import resource_format
    from cadata._frame import field_enum

    schema = resource.get("schema", {})
    fields = schema.get("fields", [])
    types = {f["name"]: f["type"] for f in fields}
    if (resource_format(resource) != "parquet" or not set(resource) <= _RESOURCE_KEYS or not set(schema) <= _SCHEMA_KEYS
            or resource.get("bytes", resource.get("cadata_bytes")) != resource.get("cadata_bytes", resource.get("bytes"))):
        return False
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        return False
    for f in fields:
        constraints = f.get("constraints", {})
        if not set(f) <= _FIELD_KEYS or not set(constraints) <= _CONSTRAINTS or f["type"] not in ("string", "integer", "number", "boolean"):
            return False
        categories = f.get("categories")
        if categories is not None and {c.get("value") if isinstance(c, dict) else c for c in categories} != set(field_enum(f) or []):
            return False  # categories cadata does not check against its values
        if (f["type"] == "string" or field_enum(f) is not None) and any(isinstance(v, str) and v in missing for v in frame[f["name"]].tolist()):
            return False
    if not any(f.get("constraints", {}).get("required") for f in fields):
        return False
    key = schema.get("primaryKey", [])
    key = [key] if isinstance(key, str) else list(key)
    if key and frame[key].isna().all(axis=1).any():
        return False
    for fk in schema.get("foreignKeys", []):
        own, ref = fk.get("fields"), fk.get("reference", {})
        own = [own] if isinstance(own, str) else own
        theirs = ref.get("fields")
        theirs = [theirs] if isinstance(theirs, str) else theirs
        target = ref.get("resource")
        if (not isinstance(own, list) or len(own) != 1 or not isinstance(theirs, list) or len(theirs) != 1
                or target in ("", None, resource.get("name")) or target not in schemas):
            return False
        referenced = {g["name"]: g["type"] for g in schemas[target].get("fields", [])}
        if own[0] not in types or theirs[0] not in referenced or referenced[theirs[0]] != types[own[0]]:
            return False
    return True


@contextmanager
def _shared_lookups() -> Iterator[None]:
    """frictionless with each foreign-key lookup read once per package, not once per table.

    frictionless (5.x) builds a resource's foreign-key lookup each time it opens the resource,
    by opening and reading every referenced resource again: ``papers`` was read once for each
    of the 30 tables that cite it. Here a lookup of (package, resource, key fields) is read the
    first time and reused, so every foreign key is still checked against every row, by
    frictionless, with each referenced table read once. Self-references (the table itself)
    are left to frictionless.
    """
    from frictionless.resources.table import TableResource
    from frictionless.table.lookup import Lookup

    original = TableResource._TableResource__open_lookup  # type: ignore[attr-defined]
    cache: dict[tuple[int, str, tuple[str, ...]], set[Any]] = {}

    def open_lookup(self: Any) -> None:
        keys = [(fk["reference"]["resource"], tuple(fk["reference"]["fields"])) for fk in self.schema.foreign_keys]
        if not keys or self.package is None or any(not n or n == self.name or not self.package.has_resource(n) for n, _ in keys):
            original(self)  # self-references and broken references: frictionless's own way (and errors)
            return
        lookup = Lookup()
        for source_name, source_key in keys:
            cached = (id(self.package), source_name, source_key)
            if cached not in cache:
                source = self.package.get_resource(source_name).to_copy()
                if source.schema:
                    source.schema.foreign_keys = []
                values: set[Any] = set()
                with source:
                    for row in source.row_stream:
                        cells = tuple(row.get(field_name) for field_name in source_key)
                        if set(cells) != {None}:
                            values.add(cells)
                cache[cached] = values
            lookup.setdefault(source_name, {})[source_key] = cache[cached]
        self._TableResource__lookup = lookup

    from frictionless.formats.pandas.parser import PandasParser

    original_cells = PandasParser.read_cell_stream_create

    def cell_stream(self: Any) -> Iterator[list[Any]]:
        # frictionless's own code (it reads every Parquet file through pandas), with each row's
        # ``to_dict`` done once per row instead of once per cell: the same cells, in the same types.
        import numpy as np
        import pandas as pd

        schema = self._PandasParser__read_convert_schema()
        if not self.resource.schema:
            self.resource.schema = schema
        yield schema.field_names
        for pk, item in self.resource.data.iterrows():
            record = item.to_dict()
            cells: list[Any] = []
            for f in schema.fields:
                if f.name in schema.primary_key:
                    pk = pk if isinstance(pk, tuple) else [pk]
                    value = pk[schema.primary_key.index(f.name)]
                else:
                    value = record[f.name]
                if value is np.nan:
                    value = None
                elif isinstance(value, pd.Timestamp):
                    value = value.to_pydatetime()
                cells.append(value)
            yield cells

    TableResource._TableResource__open_lookup = open_lookup  # type: ignore[attr-defined]
    PandasParser.read_cell_stream_create = cell_stream  # type: ignore[method-assign]
    try:
        yield
    finally:
        TableResource._TableResource__open_lookup = original  # type: ignore[attr-defined]
        PandasParser.read_cell_stream_create = original_cells  # type: ignore[method-assign]


def frictionless_errors(descriptor: Path, covered: Collection[str] = ()) -> list[str]:
    """Errors and warnings of `frictionless validate` on a data package; a package frictionless
    cannot open (an unsafe path, a malformed descriptor) is one error, not an exception.

    The resources named in ``covered`` passed cadata's checks of every rule frictionless checks
    in their rows (``covers_frictionless``): frictionless checks their descriptor (with the
    package's, when it opens it), not their rows again."""
    import json

    from frictionless import Package

    try:
        try:  # from the parsed JSON: frictionless need not find out what the path is
            package = Package.from_descriptor(json.loads(descriptor.read_bytes()), basepath=str(descriptor.parent))
        except ValueError:  # not JSON (or not UTF-8): frictionless says so in its words
            package = Package(str(descriptor))
        # the constructor validated the whole descriptor (raising if it is invalid); the rows:
        rest = [r for r in package.resources if r.name not in covered]
        if rest:
            with _shared_lookups():
                reports = [package.validate()] if not covered else [r.validate() for r in rest]
        else:
            reports = []
    except Exception as exc:  # FrictionlessException, and others' errors for odd descriptors
        return [f"frictionless cannot validate the package: {' '.join(str(exc).split())[:300]}"]
    problems = [f"{t.name}: {e.type}: {e.note}" for r in reports for t in r.tasks for e in t.errors]
    problems += [f"{e.type}: {e.note}" for r in reports for e in r.errors]
    problems += [f"warning: {w}" for r in reports for w in r.warnings]
    return problems


def validate(
    data: Any = None,
    table: str | None = None,
    *,
    tables: Mapping[str, pd.DataFrame] | None = None,
    against: str | None = None,
) -> ValidationReport:
    """Validate and return a ``ValidationReport`` (``.ok``, ``.breaches``, ``.to_json()``, ...).

    - ``validate()``: the bundled catalog (every table's contract, integrity and the package).
    - ``validate(df, table="kz_hotline_reports")``: a DataFrame against one table's contract.
    - ``validate("mine.csv", table=NAME)`` (or a list of CSV/Parquet files): each file against
      the contract; breaches name the file and its line.
    - ``validate("data/kz_hotline_reports.csv")`` (or a list): each file against the table it
      is named after.
    - ``validate("pkg/")``: any data package (folder, ``datapackage.json``, ``.zip`` or URL)
      against its own Table Schemas (frictionless); with ``against="cadata"``, each of its
      tables named like a cadata table against cadata's contract.

    ``tables`` gives other tables the rules read (see ``contract_failures``).
    """
    import os

    import pandas as pd

    from cadata import report as rep
    from cadata.errors import InvalidArgumentError

    if against not in (None, "cadata"):
        raise InvalidArgumentError(f"against={against!r}: the only contracts to check against are 'cadata'")
    if isinstance(data, pd.DataFrame):
        if table is None:
            raise InvalidArgumentError("cadata.validate(df): name the table whose contract to check, e.g. table='kz_hotline_reports'")
        return rep.ValidationReport([rep.from_failures(table, contract_failures(table, data, tables), len(data))])
    if table is not None:
        files = [data] if isinstance(data, (str, os.PathLike)) else list(data) if isinstance(data, (list, tuple)) else None
        if not files or not all(isinstance(f, (str, os.PathLike)) for f in files):
            raise InvalidArgumentError(f"cadata.validate(data, table={table!r}): data is a {type(data).__name__}; pass a DataFrame, a file path or a list of them")
        return validate_files(table, [Path(f) for f in files], tables)
    if data is None:
        return rep.ValidationReport([rep.from_table_report(r) for r in validate_package()])
    if isinstance(data, (list, tuple)) or _is_table_file(data):
        named: list[Path] = [Path(f) for f in (data if isinstance(data, (list, tuple)) else [data])]
        if not named or not all(_is_table_file(p) for p in named):
            raise InvalidArgumentError("cadata.validate(files): give CSV or Parquet files named like a cadata table (kz_hotline_reports.csv), or table=NAME")
        return rep.ValidationReport([t for p in named for t in validate_files(_table_named(p), [p], tables).tables])
    if not isinstance(data, (str, os.PathLike)):
        raise InvalidArgumentError(f"cadata.validate(data): data is a {type(data).__name__}; pass a DataFrame with table=, a file or a package")
    return validate_any_package(str(data), against)


def _is_table_file(path: Any) -> bool:
    import os

    return isinstance(path, (str, os.PathLike)) and "://" not in str(path) and Path(path).suffix.lower() in (".csv", ".parquet")


def _table_named(path: Path) -> str:
    """The cadata table a file is named after (``data/kz_hotline_reports.csv``)."""
    from cadata import _catalog
    from cadata.errors import UnknownDatasetError

    if path.stem not in _catalog.list_datasets():
        raise UnknownDatasetError(f"{path}: no cadata table is named {path.stem!r}; name the file after the table it extends, or pass --table NAME")
    return path.stem


def validate_files(table: str, files: list[Path], tables: Mapping[str, pd.DataFrame] | None = None) -> ValidationReport:
    """Each CSV or Parquet file against the contract of ``table``."""
    from cadata import _catalog
    from cadata import report as rep

    _catalog.resource(table)  # an unknown name is an UnknownDatasetError before any file is read
    results = []
    for path in files:
        frame, first_line = read_user_table(path)
        results.append(rep.from_failures(table, contract_failures(table, frame, tables), len(frame), str(path), first_line))
    return rep.ValidationReport(results)


def validate_any_package(source: str, against: str | None = None) -> ValidationReport:
    """A data package (folder, descriptor, zip, http(s) URL): its own schemas, or cadata's."""
    import tempfile

    from cadata import report as rep

    if not is_url(source) and not Path(source).exists():
        from cadata.errors import CadataError

        raise CadataError(f"{source}: no such file or folder; give a data package (a folder, a datapackage.json, a .zip or an http(s) URL)")
    if against is None:
        return rep.ValidationReport(_frictionless_results(source))
    with tempfile.TemporaryDirectory(prefix="cadata-validate-") as scratch:
        descriptor = _local_descriptor(source, Path(scratch))
        return rep.ValidationReport(_against_cadata(descriptor, source if is_url(source) else str(descriptor.parent)))


def _local_descriptor(source: str, scratch: Path) -> Path:
    """The ``datapackage.json`` of a package on disk (a zip is extracted, a URL downloaded)."""
    import json
    import zipfile

    from cadata.errors import CadataError
    from cadata import _http

    if is_url(source):
        import urllib.parse

        base = _http.check_url(source if source.endswith(".json") else source.rstrip("/") + "/datapackage.json")
        seconds = _http.deadline_seconds()
        raw = _http.get(base, limit=10_000_000, seconds=seconds, what="a datapackage.json")
        (scratch / "datapackage.json").write_bytes(raw)
        try:
            resources = json.loads(raw.decode("utf-8")).get("resources", [])
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as exc:
            raise CadataError(f"{base}: not a valid datapackage.json ({exc})") from None
        for r in resources if isinstance(resources, list) else []:
            rel = r.get("path") if isinstance(r, dict) else None
            if isinstance(rel, str) and _plain(rel):
                (scratch / rel).write_bytes(_http.get(urllib.parse.urljoin(base, rel), limit=1_000_000_000, seconds=seconds, what="a table"))
        return scratch / "datapackage.json"
    path = Path(source)
    if path.is_dir():
        path = path / "datapackage.json"
    if path.suffix.lower() == ".zip" and path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                for member in archive.infolist():
                    if not _plain(member.filename.split("/", 1)[-1] if "/" in member.filename.rstrip("/") else member.filename):
                        raise CadataError(f"{path}: member {member.filename!r} is not a plain file name; refusing to extract")
                archive.extractall(scratch)
        except zipfile.BadZipFile as exc:
            raise CadataError(f"{path}: not a zip file ({exc})") from None
        found = sorted(scratch.glob("datapackage.json")) or sorted(scratch.glob("*/datapackage.json"))
        if not found:
            raise CadataError(f"{path}: holds no datapackage.json")
        return found[0]
    if not path.is_file():
        raise CadataError(f"{source}: no data package there; give a folder, a datapackage.json, a .zip or an http(s) URL")
    return path


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _plain(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and ":" not in name


def _against_cadata(descriptor: Path, place: str) -> list[Any]:
    """Each resource named like a cadata table (or whose file is), read as its file says,
    against cadata's contract; a resource no cadata table is named like is a breach."""
    import json

    from cadata import _catalog
    from cadata import report as rep
    from cadata.errors import CadataError

    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        resources = [r for r in package["resources"] if isinstance(r, dict)]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CadataError(f"{descriptor}: not a readable datapackage.json ({exc})") from None
    known = set(_catalog.list_datasets())
    frames: dict[str, tuple[pd.DataFrame, int | None, str]] = {}
    results: list[rep.TableResult] = []
    for r in resources:
        name, rel = r.get("name"), r.get("path")
        if name not in known and isinstance(rel, str) and Path(rel).stem in known:
            name = Path(rel).stem  # a resource named otherwise (kz_hotline_reports-csv), its file named like the table
        if name not in known:
            results.append(rep.TableResult(str(name), f"{place}/{rel}", 0, [rep.Breach(str(name), f"no cadata table is named {name!r}; nothing to check it against", f"{place}/{rel}")]))
            continue
        if not isinstance(rel, str) or not _plain(rel):
            results.append(rep.TableResult(str(name), place, 0, [rep.Breach(str(name), f"resource path {rel!r} is not a plain file name in the package", place)]))
            continue
        frame, first_line = read_user_table(descriptor.parent / rel)
        frames[str(name)] = (frame, first_line, f"{place}/{rel}")
    theirs = {n: f for n, (f, _, _) in frames.items()}
    for name, (frame, first_line, where) in frames.items():
        results.append(rep.from_failures(name, contract_failures(name, frame, theirs), len(frame), where, first_line))
    return sorted(results, key=lambda t: t.name)


def _frictionless_results(source: str) -> list[Any]:
    """frictionless's report on a package, in cadata's report objects."""
    from frictionless import FrictionlessException, Package

    from cadata import report as rep

    target = source if is_url(source) or not Path(source).is_dir() else str(Path(source) / "datapackage.json")
    try:
        report = Package(target).validate()
    except FrictionlessException as exc:
        return [rep.TableResult(source, source, 0, [rep.Breach(source, f"frictionless cannot validate the package: {exc}", source)])]
    results = []
    for task in report.tasks:
        breaches = []
        for e in task.errors:
            row = getattr(e, "row_number", None)
            breaches.append(rep.Breach(task.name, f"{e.type}: {e.note}", task.place, None if row is None else row - 2, row, getattr(e, "field_name", None), str(getattr(e, "cell", "") or "")))
        results.append(rep.TableResult(task.name, task.place, int(task.stats.get("rows") or 0), breaches))
    if report.errors:
        results.append(rep.TableResult(source, source, 0, [rep.Breach(source, f"{e.type}: {e.note}", source) for e in report.errors]))
    return results
