"""Validation: pandera schemas generated from the Table Schemas, plus frictionless."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata.rules import needs, rules_for

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


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
        if "minimum" in constraints:
            checks.append(pa.Check.ge(constraints["minimum"], error=f"minimum {constraints['minimum']}"))
        if "maximum" in constraints:
            checks.append(pa.Check.le(constraints["maximum"], error=f"maximum {constraints['maximum']}"))
        if "minLength" in constraints:
            checks.append(pa.Check.str_length(min_value=constraints["minLength"], error=f"minLength {constraints['minLength']}"))
        if "maxLength" in constraints:
            checks.append(pa.Check.str_length(max_value=constraints["maxLength"], error=f"maxLength {constraints['maxLength']}"))
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


def check_frame(name: str, schema: dict[str, Any], df: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> list[Failure]:
    """Every failure of a DataFrame against its pandera schema (lazy: all at once)."""
    import pandera.errors as pe

    try:
        pandera_schema(name, schema, tables).validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        failures: dict[tuple[str, str | None, int | None], Failure] = {}
        for case in exc.failure_cases.to_dict("records"):
            rule = _READABLE.get(str(case["check"]), str(case["check"]))
            index, column = case.get("index"), case.get("column")
            row = None if index is None or index != index else int(index)
            whole_row = case.get("schema_context") == "DataFrameSchema"  # a rule over whole rows
            col = None if whole_row or column is None or column != column else str(column)
            value = "" if whole_row else str(case.get("failure_case"))
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
    for report, resource in resources:
        if report.name in frames:
            missing = [n for n in needs(report.name, resource["schema"]) if n not in frames]
            if missing:
                report.errors.append(f"cannot check rules: tables {sorted(set(missing))} failed to load")
            else:
                report.failures = check_frame(report.name, resource["schema"], frames[report.name], frames)
        report.errors += links.get(report.name, [])
        yield report
    described = {str(r.get("path")) for r in _catalog.package(folder)["resources"]}
    for stray in sorted(p.name for p in folder.glob("*.parquet") if p.name not in described):
        report = TableReport(stray)
        report.errors.append(f"{folder / stray}: not described by datapackage.json (a resource is missing); reinstall cadata")
        yield report
    frictionless_report = TableReport("datapackage.json (frictionless)")
    frictionless_report.errors = frictionless_errors(folder / "datapackage.json")
    yield frictionless_report


def frictionless_errors(descriptor: Path) -> list[str]:
    """Errors and warnings of `frictionless validate` on a data package; a package frictionless
    cannot open (an unsafe path, a malformed descriptor) is one error, not an exception."""
    from frictionless import FrictionlessException, Package

    try:
        report = Package(str(descriptor)).validate()
    except FrictionlessException as exc:
        return [f"frictionless cannot validate the package: {exc}"]
    problems = [f"{t.name}: {e.type}: {e.note}" for t in report.tasks for e in t.errors]
    problems += [f"{e.type}: {e.note}" for e in report.errors]
    problems += [f"warning: {w}" for w in report.warnings]
    return problems
