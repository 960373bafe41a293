"""Validation: pandera schemas generated from the Table Schemas, plus frictionless."""

from __future__ import annotations

from collections.abc import Mapping
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


def validate_package() -> list[TableReport]:
    """Validate every shipped table (integrity, pandera) and the package (frictionless)."""
    from cadata import _catalog, _integrity, _paths
    from cadata.errors import CadataError
    from cadata.loading import read_table

    folder = _paths.datasets_dir()
    reports: list[TableReport] = []
    frames: dict[str, pd.DataFrame] = {}
    resources = _catalog.package()["resources"]
    for resource in resources:
        report = TableReport(str(resource.get("name")))
        reports.append(report)
        try:
            path = _integrity.resource_path(resource, folder)
            _integrity.verify(resource, path)
            frames[report.name] = read_table(resource, path, categoricals=False)
            report.rows = len(frames[report.name])
        except (CadataError, KeyError, OSError, ValueError) as exc:
            report.errors.append(str(exc))
    for resource, report in zip(resources, reports, strict=True):
        if report.name not in frames:
            continue
        missing = [n for n in needs(report.name, resource["schema"]) if n not in frames]
        if missing:
            report.errors.append(f"cannot check rules: tables {sorted(set(missing))} failed to load")
            continue
        report.failures = check_frame(report.name, resource["schema"], frames[report.name], frames)
    from cadata.rules import errata_link_problems

    schemas = {str(r.get("name")): r.get("schema", {}) for r in resources}
    by_name = {r.name: r for r in reports}
    for table, row, problem in errata_link_problems(frames, schemas):
        by_name[table].errors.append(f"row {row}: {problem}" if row is not None else problem)
    described = {str(r.get("path")) for r in resources}
    for stray in sorted(p.name for p in folder.glob("*.parquet") if p.name not in described):
        report = TableReport(stray)
        report.errors.append(f"{folder / stray}: not described by datapackage.json (a resource is missing); reinstall cadata")
        reports.append(report)
    frictionless_report = TableReport("datapackage.json (frictionless)")
    frictionless_report.errors = frictionless_errors(folder / "datapackage.json")
    reports.append(frictionless_report)
    return reports


def frictionless_errors(descriptor: Path) -> list[str]:
    """Errors and warnings of `frictionless validate` on a data package."""
    from frictionless import Package

    report = Package(str(descriptor)).validate()
    problems = [f"{t.name}: {e.type}: {e.note}" for t in report.tasks for e in t.errors]
    problems += [f"{e.type}: {e.note}" for e in report.errors]
    problems += [f"warning: {w}" for w in report.warnings]
    return problems
