"""What a datapackage.json must hold before cadata reads anything it names.

Every package is checked when it is read: the bundled one, a folder, a fetched URL, the
cache and a zip. The checks bound what a hostile descriptor can make cadata do:

- **names** are short lower-case words, ``^[a-z0-9][a-z0-9_]*$`` and at most 64
  characters (they become file names, SQL view names and, in the build, Python names); a
  resource may add ``-csv`` to its table's name for the CSV copy of the table;
- **paths** are plain file names inside the package's folder (no ``/``, ``\\``, ``:``,
  ``%``, leading dot or control character), so no URL scheme, parent folder or absolute
  path can hide in one;
- every value cadata reads has the type cadata expects (``cadata._schema`` checks the
  schema, card and licenses), and the nesting is shallow.

The catalog checks the package as a whole when it reads it and each resource when it is
used (so that one damaged resource of the bundled package leaves the others usable); a
package from elsewhere is checked whole before anything it names is read or downloaded.
Standard library only: ``import cadata`` reads the bundled catalog through this module.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cadata._schema import kind, licenses_problems, resource_problems as shape_problems

#: A table's name (the Frictionless name pattern, lower case, no dots, dashes or slashes).
NAME_RULE = re.compile(r"[a-z0-9][a-z0-9_]*")
MAX_NAME_LENGTH = 64
#: A resource holding the CSV copy of a table is named after the table with this suffix.
CSV_SUFFIX = "-csv"
#: A resource's path: a plain file name in the package's folder.
PATH_RULE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
MAX_PATH_LENGTH = 200
FORMATS = ("parquet", "csv")
#: Table Schema field types this version of cadata reads.
SUPPORTED_TYPES = frozenset({"integer", "number", "string", "boolean"})
HASH_RULE = re.compile(r"sha256:[0-9a-fA-F]{64}")
MAX_DEPTH = 32
MAX_RESOURCES = 10_000
MAX_FIELDS = 10_000


class Invalid(Exception):
    """A descriptor that breaks a rule; the caller says where and what to do."""


def name_problem(name: object, *, resource: bool = False) -> str | None:
    """Why ``name`` is not a table name (or, with ``resource``, a resource name), or None."""
    if not isinstance(name, str):
        return f"name {name!r} is not text"
    word = name[: -len(CSV_SUFFIX)] if resource and name.endswith(CSV_SUFFIX) else name
    if len(word) > MAX_NAME_LENGTH or not NAME_RULE.fullmatch(word):
        shown = name if len(name) <= 80 else name[:80] + "..."
        return (
            f"name {shown!r} breaks the name rule (lower-case letters, digits and '_', starting with a "
            f"letter or digit, at most {MAX_NAME_LENGTH} characters{', then optionally -csv' if resource else ''})"
        )
    return None


def table_name(resource_name: str) -> str:
    """The table a resource holds: its name without a ``-csv`` suffix."""
    return resource_name[: -len(CSV_SUFFIX)] if resource_name.endswith(CSV_SUFFIX) else resource_name


def path_problem(path: object) -> str | None:
    """Why ``path`` is not a plain file name inside the package's folder, or None."""
    if not isinstance(path, str) or len(path) > MAX_PATH_LENGTH or not PATH_RULE.fullmatch(path) or path == "datapackage.json":
        shown = path if not isinstance(path, str) or len(path) <= 80 else path[:80] + "..."
        return (
            f"path {shown!r} is not a plain file name inside the package's folder (letters, digits, "
            f"'_', '-' and '.', at most {MAX_PATH_LENGTH} characters; no folders, URLs or schemes)"
        )
    return None


def load_json(raw: bytes) -> Any:
    """A datapackage.json's bytes as JSON, at most ``MAX_DEPTH`` deep; Invalid says what is wrong."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise Invalid(f"datapackage.json is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise Invalid(f"datapackage.json is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # JSONDecodeError, NaN, integers of thousands of digits
        raise Invalid(f"datapackage.json is not valid JSON ({exc})") from None
    if _depth(data) > MAX_DEPTH:
        raise Invalid(f"datapackage.json is nested more than {MAX_DEPTH} levels deep")
    return data


def parse(raw: bytes) -> dict[str, Any]:
    """A datapackage.json from elsewhere, checked whole (``check``); Invalid says what is wrong."""
    data = load_json(raw)
    check(data)
    result: dict[str, Any] = data
    return result


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def label(number: int, resource: object) -> str:
    """``resource 3 ('x')`` for a message."""
    name = resource.get("name") if isinstance(resource, dict) else None
    return f"resource {number} ({name!r})" if isinstance(name, str) and len(name) <= 80 else f"resource {number}"


def package_problems(data: object) -> list[str]:
    """Problems of a descriptor as a whole: its shape, its licenses, and every resource's name
    (the name rule, one resource per table and format)."""
    if not isinstance(data, dict):
        return [f"datapackage.json is {kind(data)}, expected an object"]
    problems = [f"{key!r} is {kind(data[key])}, expected text" for key in ("name", "title", "description", "version")
                if key in data and not isinstance(data[key], str)]
    if "licenses" in data:
        problems += licenses_problems(data["licenses"], "")
    resources = data.get("resources")
    if not isinstance(resources, list):
        return [*problems, f"resources is {kind(resources)}, expected a list of resources"]
    if len(resources) > MAX_RESOURCES:
        return [*problems, f"it has {len(resources)} resources, more than {MAX_RESOURCES}"]
    seen: set[tuple[str, str | None]] = set()
    for number, resource in enumerate(resources, start=1):
        if not isinstance(resource, dict):
            problems.append(f"resource {number} is {kind(resource)}, expected an object")
            continue
        name = resource.get("name")
        if problem := name_problem(name, resource=True):
            problems.append(f"{label(number, resource)}: {problem}")
            continue
        key = (table_name(str(name)), resource_format(resource))
        if key in seen:
            problems.append(f"{label(number, resource)}: another {key[1] or ''} resource holds table {key[0]!r}")
        seen.add(key)
    return problems


def resource_problems(resource: dict[str, Any]) -> list[str]:
    """Problems of one resource before its file is read: path, format, hash, size, encoding,
    dialect, and (``cadata._schema``) its schema, card and licenses."""
    problems = []
    if problem := path_problem(resource.get("path")):
        problems.append(problem)
    fmt = resource_format(resource)
    if fmt is None:
        problems.append(f"format {str(resource.get('format'))[:40]!r} is not one of {', '.join(FORMATS)}")
    if not isinstance(resource.get("hash"), str) or not HASH_RULE.fullmatch(resource["hash"]):
        problems.append(
            f"records no sha256 hash (\"sha256:\" and 64 hex digits, found {str(resource.get('hash'))[:80]!r}); "
            "cadata refuses files it cannot verify"
        )
    sizes = [resource[k] for k in ("cadata_bytes", "bytes") if k in resource]
    if not sizes or not all(_is_int(s) and s >= 0 for s in sizes):
        problems.append("records no byte count (\"bytes\" or \"cadata_bytes\", a whole number)")
    if "encoding" in resource and str(resource["encoding"]).lower().replace("_", "-") not in ("utf-8", "utf8"):
        problems.append(f"encoding {str(resource['encoding'])[:40]!r} is not UTF-8, the only one cadata reads")
    dialect = resource.get("dialect")
    if dialect is not None:
        if not isinstance(dialect, dict):
            problems.append(f"dialect is {kind(dialect)}, expected an object")
        else:
            for key in ("delimiter", "quoteChar"):
                if key in dialect and not (isinstance(dialect[key], str) and len(dialect[key]) == 1 and dialect[key] not in "\r\n"):
                    problems.append(f"dialect {key} {str(dialect[key])[:20]!r} is not one character")
            if dialect.get("header", True) is not True:
                problems.append("dialect header is not true; cadata reads CSV files with a header row")
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if isinstance(fields, list) and len(fields) > MAX_FIELDS:
        problems.append(f"its schema has {len(fields)} fields, more than {MAX_FIELDS}")
        fields = []
    for field in fields if isinstance(fields, list) else []:
        kind_ = field.get("type", "string") if isinstance(field, dict) else "string"
        if not isinstance(kind_, str) or kind_ not in SUPPORTED_TYPES:
            problems.append(
                f"field {str(field.get('name'))[:80]!r} has type {str(kind_)[:40]!r}, which this version of cadata "
                f"cannot read (it reads {', '.join(sorted(SUPPORTED_TYPES))}); upgrade cadata"
            )
            break
    return problems + shape_problems(resource)


def check(data: object) -> None:
    """Invalid unless the whole descriptor keeps every rule (a package from elsewhere)."""
    if problems := package_problems(data):
        raise Invalid(problems[0])
    assert isinstance(data, dict)
    paths: set[str] = set()
    for number, resource in enumerate(data["resources"], start=1):
        if problems := resource_problems(resource):
            raise Invalid(f"{label(number, resource)}: {problems[0]}")
        if resource["path"] in paths:
            raise Invalid(f"{label(number, resource)}: another resource has the file {resource['path']!r}")
        paths.add(resource["path"])


def resource_format(resource: dict[str, Any]) -> str | None:
    """``parquet`` or ``csv``: the resource's format, else read from its path; None if neither."""
    fmt = resource.get("format")
    if fmt is None:
        path = str(resource.get("path", ""))
        fmt = next((f for f in FORMATS if path.endswith(f".{f}")), None)
    return fmt if isinstance(fmt, str) and fmt in FORMATS else None
