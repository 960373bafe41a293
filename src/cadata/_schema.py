"""Shape checks of Table Schemas, data cards and resources (standard library only).

The build runs them on the curated schemas, the catalog on datapackage.json, so that
code further on can trust what it reads. Each returns a list of problems (empty when
all is well) that say what is wrong; the caller adds the file.
"""

from __future__ import annotations

import math
import re
from typing import Any

#: Table Schema field types cadata reads and writes.
FIELD_TYPES = ("integer", "number", "string", "boolean")


def kind(value: object) -> str:
    """``a list``, ``the number 3``, ... for a message about a value of the wrong type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and value.bit_length() > 160:
        return "a number of more than 48 digits"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"[:80]
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


def is_int(value: object) -> bool:
    """An integer that is not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def names(value: object) -> list[str] | None:
    """A field name or a non-empty list of names, as a list; None for anything else."""
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def _constraint_problems(label: str, field_type: object, constraints: object) -> list[str]:
    if not isinstance(constraints, dict):
        return [f"{label}: constraints is {kind(constraints)}, expected an object such as {{\"required\": true}}"]
    problems = []
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            problems.append(f"{label}: constraint {key} is {kind(constraints[key])}, expected true or false")
    if "enum" in constraints:
        enum = constraints["enum"]
        if field_type != "string":
            problems.append(f"{label}: an enum constraint needs a string field (cadata stores enums as categories of text)")
        elif not isinstance(enum, list) or not enum or not all(isinstance(v, str) for v in enum):
            problems.append(f"{label}: enum is {kind(enum)}, expected a non-empty list of strings")
        elif len(set(enum)) != len(enum):
            problems.append(f"{label}: enum lists {sorted({v for v in enum if enum.count(v) > 1})} more than once")
    for key in ("minimum", "maximum"):
        if key in constraints:
            value = constraints[key]
            if field_type not in ("integer", "number"):
                problems.append(f"{label}: constraint {key} needs an integer or number field")
            elif not (is_int(value) and -(2**63) <= value < 2**63 if field_type == "integer" else _is_number(value)):
                problems.append(f"{label}: constraint {key} is {kind(value)}, expected {'a 64-bit integer' if field_type == 'integer' else 'a number'}")
    for key in ("minLength", "maxLength"):
        if key in constraints:
            value = constraints[key]
            if field_type != "string":
                problems.append(f"{label}: constraint {key} needs a string field")
            elif not is_int(value) or value < 0:
                problems.append(f"{label}: constraint {key} is {kind(value)}, expected a whole number >= 0")
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        if field_type != "string" or not isinstance(pattern, str):
            problems.append(f"{label}: constraint pattern needs a string field and a regular expression as text")
        else:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                problems.append(f"{label}: pattern {pattern[:60]!r} is not a regular expression ({exc})")
    return problems


def _field_problems(number: int, field: object, seen: list[str]) -> list[str]:
    if not isinstance(field, dict):
        return [f"field {number} is {kind(field)}, expected an object with a name and a type"]
    name = field.get("name")
    label = f"field {number} ({name!r})" if isinstance(name, str) else f"field {number}"
    problems = []
    if not isinstance(name, str) or not name:
        problems.append(f"{label} has no name (a non-empty string); give it one")
    elif name in seen:
        problems.append(f"{label}: another field has the same name")
    else:
        seen.append(name)
    field_type = field.get("type")
    if "type" not in field:
        problems.append(f"{label} has no type; give one of {', '.join(FIELD_TYPES)}")
    elif field_type not in FIELD_TYPES:
        problems.append(f"{label} has type {kind(field_type)}, which cadata does not support; use one of {', '.join(FIELD_TYPES)}")
    for key in ("title", "description", "unit"):
        if key in field and not isinstance(field[key], str):
            problems.append(f"{label}: {key} is {kind(field[key])}, expected text")
    if "derived" in field and not isinstance(field["derived"], bool):
        problems.append(f"{label}: derived is {kind(field['derived'])}, expected true or false")
    if "constraints" in field:
        problems += _constraint_problems(label, field_type, field["constraints"])
    categories = field.get("categories", [])
    if not isinstance(categories, list) or not all(
        isinstance(c, dict) and isinstance(c.get("value"), str | int) and isinstance(c.get("label"), str) for c in categories
    ):
        problems.append(f"{label}: categories is {kind(categories)}, expected a list of {{\"value\": ..., \"label\": \"text\"}}")
    return problems


def schema_problems(schema: object) -> list[str]:
    """Problems of a Table Schema's shape: fields, types, constraints, keys."""
    if not isinstance(schema, dict):
        return [f"the schema is {kind(schema)}, expected an object with a list of fields"]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [f"a Table Schema needs a non-empty list of fields; fields is {kind(fields)}"]
    problems: list[str] = []
    seen: list[str] = []
    for number, field in enumerate(fields, start=1):
        problems += _field_problems(number, field, seen)
    if "primaryKey" in schema:
        key = names(schema["primaryKey"])
        if key is None:
            problems.append(f"primaryKey is {kind(schema['primaryKey'])}, expected a field name or a list of them")
        elif unknown := [k for k in key if k not in seen]:
            problems.append(f"primaryKey names {unknown}, which are not fields")
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        problems.append(f"foreignKeys is {kind(foreign)}, expected a list")
        foreign = []
    for number, fk in enumerate(foreign, start=1):
        ref = fk.get("reference") if isinstance(fk, dict) else None
        own = names(fk.get("fields")) if isinstance(fk, dict) else None
        if (
            own is None
            or not isinstance(ref, dict)
            or not isinstance(ref.get("resource"), str)
            or names(ref.get("fields")) is None
        ):
            problems.append(
                f"foreign key {number} is not of the form "
                '{"fields": "x", "reference": {"resource": "table", "fields": "y"}}'
            )
        elif unknown := [k for k in own if k not in seen]:
            problems.append(f"foreign key {number} names {unknown}, which are not fields")
    missing = schema.get("missingValues", [])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        problems.append(f"missingValues is {kind(missing)}, expected a list of strings")
    return problems


_PAPER_KEYS = ("paper_id", "title", "authors", "pages")


def caveat_pair(value: object) -> bool:
    """Whether ``value`` is a one-entry mapping of text to text (a caveat as cadata 0.1.0 wrote one)."""
    return isinstance(value, dict) and len(value) == 1 and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def caveat_text(value: object) -> str:
    """A caveat as text: itself, or ``key: value`` for a one-entry mapping."""
    if isinstance(value, dict) and caveat_pair(value):
        key, text = next(iter(value.items()))
        return f"{key}: {text}"
    return str(value)


def card_problems(card: object) -> list[str]:
    """Problems of the data card datapackage.json carries for a table (``cadata_card``)."""
    if not isinstance(card, dict):
        return [f"cadata_card is {kind(card)}, expected an object"]
    problems = []
    for key in ("row", "unit", "population", "pages"):
        if key in card and not isinstance(card[key], str):
            problems.append(f"cadata_card.{key} is {kind(card[key])}, expected text")
    if "period" in card and not isinstance(card["period"], str) and not is_int(card["period"]):
        problems.append(f"cadata_card.period is {kind(card['period'])}, expected text or a year")
    if "rows" in card and (not is_int(card["rows"]) or card["rows"] < 0):
        problems.append(f"cadata_card.rows is {kind(card['rows'])}, expected a whole number of rows")
    if "paper_id" in card and names(card["paper_id"]) is None:
        problems.append(f"cadata_card.paper_id is {kind(card['paper_id'])}, expected a paper id or a list of them")
    caveats = card.get("caveats", [])
    # a caveat is a text, or (as cadata 0.1.0 published one, "Left out, by rule (tested): ...") a
    # one-entry mapping of text to text that YAML made of it; it reads as "key: value"
    if not isinstance(caveats, list) or not all(isinstance(c, str) or caveat_pair(c) for c in caveats):
        problems.append(f"cadata_card.caveats is {kind(caveats)}, expected a list of texts")
    papers = card.get("papers", [])
    if not isinstance(papers, list):
        problems.append(f"cadata_card.papers is {kind(papers)}, expected a list")
        papers = []
    for number, paper in enumerate(papers, start=1):
        if not isinstance(paper, dict):
            problems.append(f"cadata_card.papers[{number}] is {kind(paper)}, expected an object")
            continue
        for key in _PAPER_KEYS:
            if not isinstance(paper.get(key), str):
                problems.append(f"cadata_card.papers[{number}] has {key} {kind(paper.get(key))}, expected text")
    return problems


def licenses_problems(licenses: object, where: str) -> list[str]:
    """Problems of a list of licenses (each an object with a name or a title)."""
    if not isinstance(licenses, list):
        return [f"{where}licenses is {kind(licenses)}, expected a list"]
    return [
        f"{where}licenses[{n}] is {kind(lic)}, expected an object with a name or title as text"
        for n, lic in enumerate(licenses, start=1)
        if not isinstance(lic, dict) or not isinstance(lic.get("title") or lic.get("name"), str)
    ]


def resource_problems(resource: dict[str, Any]) -> list[str]:
    """Problems of one datapackage.json resource: its texts, schema, card and licenses."""
    problems = [
        f"{key} is {kind(resource[key])}, expected text"
        for key in ("title", "description")
        if key in resource and not isinstance(resource[key], str)
    ]
    problems += [f"schema: {p}" for p in schema_problems(resource.get("schema"))]
    if "cadata_card" in resource:
        problems += card_problems(resource["cadata_card"])
    if "licenses" in resource:
        problems += licenses_problems(resource["licenses"], "")
    return problems
