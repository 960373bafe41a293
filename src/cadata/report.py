"""Validation reports: what ``cadata.validate`` returns and ``cadata validate`` prints.

One report, three renderings that say the same thing: text (one line per breach), JSON in the
shape of a Frictionless report (``valid``, ``stats``, ``tasks`` with ``errors`` carrying
``rowNumber``, ``fieldName``, ``cell``, ``note``), and JUnit XML (a test case per table, a
failure listing its breaches) for CI systems.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cadata.validation import Failure, TableReport


@dataclass(frozen=True)
class Breach:
    """One broken rule, located: which file (or table), line or row, column and rule."""

    table: str
    rule: str
    place: str = ""  # the file, or "" for a DataFrame or a shipped table
    row: int | None = None  # 0-based position in the table
    line: int | None = None  # the file line (CSV), where known
    column: str | None = None
    value: str = ""

    def where(self) -> str:
        """The location in words: ``file: line 5, column low`` or ``row 3, column low``."""
        at = f"line {self.line}" if self.line is not None else (f"row {self.row}" if self.row is not None else "")
        parts = ", ".join(p for p in (at, f"column {self.column}" if self.column else "") if p) or "the table"
        return f"{self.place}: {parts}" if self.place else parts

    def __str__(self) -> str:
        value = f" (value {self.value!r})" if self.column else ""
        return f"{self.where()}: breaks {self.rule}{value}"


@dataclass
class TableResult:
    """One table (or one file checked as a table) and its breaches."""

    name: str
    place: str = ""
    rows: int = 0
    breaches: list[Breach] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaches


@dataclass
class ValidationReport:
    """The outcome of ``cadata.validate``: ``ok``, ``tables`` and every ``breaches``."""

    tables: list[TableResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def breaches(self) -> list[Breach]:
        return [b for t in self.tables for b in t.breaches]

    def rules(self) -> list[str]:
        """The broken rules, each once, in order of first breach."""
        return list(dict.fromkeys(b.rule for b in self.breaches))

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """One status line per table, then one line per breach."""
        lines = []
        for t in self.tables:
            size = f" ({t.rows} rows)" if t.rows else ""
            where = f" {t.place}" if t.place and t.place != t.name else ""
            lines.append(f"{'ok' if t.ok else 'FAILED':6}  {t.name}{where}{size}")
            lines += [f"        {b}" for b in t.breaches]
        total = len(self.breaches)
        lines.append(f"{len(self.tables)} table(s) valid" if self.ok else f"{total} breach(es) in {sum(not t.ok for t in self.tables)} table(s)")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The report in the shape of a Frictionless report (``frictionless validate --json``)."""
        tasks = []
        for t in self.tables:
            errors = []
            for b in t.breaches:
                error: dict[str, Any] = {
                    "type": _error_type(b),
                    "title": b.rule,
                    "description": f"the row breaks the rule {b.rule} of cadata's contract (docs/contracts.md)",
                    "message": str(b),
                    "tags": ["#table", "#row", "#cell"] if b.column and b.row is not None else (["#table", "#row"] if b.row is not None else ["#table"]),
                    "note": b.rule + (f" (value {b.value!r})" if b.column else ""),
                }
                if b.row is not None:
                    error["rowNumber"] = b.line if b.line is not None else b.row + 2  # frictionless counts the header as row 1
                    error["rowPosition"] = b.row
                if b.column:
                    error["fieldName"] = b.column
                    error["cell"] = b.value
                errors.append(error)
            tasks.append({
                "name": t.name, "type": "table", "valid": t.ok, "place": t.place or t.name,
                "stats": {"errors": len(errors), "rows": t.rows}, "warnings": [], "errors": errors,
            })
        return {
            "valid": self.ok,
            "stats": {"tasks": len(tasks), "errors": len(self.breaches), "warnings": 0},
            "warnings": [], "errors": [], "tasks": tasks,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_junit(self) -> str:
        """JUnit XML: one test case per table; a failing table's breaches in its failure."""
        from xml.sax.saxutils import escape, quoteattr

        failed = sum(not t.ok for t in self.tables)
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               f'<testsuites name="cadata validate" tests="{len(self.tables)}" failures="{failed}">',
               f'  <testsuite name="cadata validate" tests="{len(self.tables)}" failures="{failed}" errors="0">']
        for t in self.tables:
            name = quoteattr(t.name)
            if t.ok:
                out.append(f"    <testcase classname=\"cadata\" name={name}/>")
                continue
            message = quoteattr(f"{len(t.breaches)} breach(es) of the contract of {t.name}")
            body = escape("\n".join(str(b) for b in t.breaches))
            out.append(f"    <testcase classname=\"cadata\" name={name}>")
            out.append(f"      <failure message={message} type=\"contract\">{body}</failure>")
            out.append("    </testcase>")
        out += ["  </testsuite>", "</testsuites>"]
        return "\n".join(out)

    def render(self, fmt: str) -> str:
        return {"text": self.to_text, "json": self.to_json, "junit": self.to_junit}[fmt]()


def _error_type(b: Breach) -> str:
    """The Frictionless error type closest to a breach."""
    if b.rule.startswith("type "):
        return "type-error"
    if b.rule == "required":
        return "constraint-error"
    if b.rule.startswith("primaryKey"):
        return "primary-key"
    if b.rule.startswith("foreign_key"):
        return "foreign-key"
    if b.rule == "column present":
        return "missing-label"
    if b.rule == "no column outside the schema":
        return "extra-label"
    if b.column and b.row is not None:
        return "constraint-error"
    return "row-constraint" if b.row is not None else "table-error"


def from_failures(table: str, failures: list[Failure], rows: int, place: str = "", first_line: int | None = None) -> TableResult:
    """A table's result from the contract's failures (``first_line``: the file line of row 0)."""
    ordered = sorted(failures, key=lambda f: (-1 if f.row is None else f.row, f.column or "", f.rule))
    breaches = [
        Breach(table, f.rule, place, f.row, f.row + first_line if first_line is not None and f.row is not None else None, f.column, f.value)
        for f in ordered
    ]
    return TableResult(table, place, rows, breaches)


def from_table_report(report: TableReport) -> TableResult:
    """A shipped table's result (integrity and package errors become table-level breaches)."""
    result = from_failures(report.name, report.failures, report.rows)
    result.breaches = [Breach(report.name, e) for e in report.errors] + result.breaches
    return result
