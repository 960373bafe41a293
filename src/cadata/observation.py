"""The observation model: the columns every table that holds numbers shares, with one meaning.

A table *holds observations* when its schema has ``indicator``, ``low``, ``high`` and
``as_printed`` fields. Such a table
has every field of ``OBSERVATION_FIELDS`` (in that order, after its own dimension
columns) and every field of ``PROVENANCE_FIELDS`` (last), each exactly as defined
here; ``docs/observation_model.md`` explains them and the tests check every schema
against this module. Registers and date tables that share a column name (``place``,
``iso3``, ``footnote``, provenance) share its definition too (``SHARED_FIELDS``).
"""

from __future__ import annotations

from typing import Any

Field = dict[str, Any]

#: Qualifier codes and what each says about the bounds (Table Schema v2 categories).
QUALIFIER_CATEGORIES: list[dict[str, str]] = [
    {"value": "over", "label": "over n, more than n: low = n, no upper bound"},
    {"value": "at_least", "label": "at least n: low = n, no upper bound"},
    {"value": "nearly", "label": "nearly n, almost n, just under n: low = high = n"},
    {"value": "about", "label": "about n, some n, an estimated n: low = high = n"},
    {"value": "up_to", "label": "up to n, as many as n, no more than n: high = n, no lower bound"},
    {"value": "less_than", "label": "less than n, under n: high = n, no lower bound"},
]
QUALIFIERS = [c["value"] for c in QUALIFIER_CATEGORIES]

YEAR_MINIMUM, YEAR_MAXIMUM = 1000, 2100

OBSERVATION_FIELDS: list[Field] = [
    {
        "name": "indicator", "type": "string", "title": "Indicator",
        "description": "What the number measures: a code of the indicators register, which gives its label, description and "
        "unit. The same quantity has the same code in every table and in facts.",
        "constraints": {"required": True, "pattern": "^[a-z][a-z0-9_]*$"},
    },
    {
        "name": "unit", "type": "string", "title": "Unit",
        "description": "Derived from the indicator: the unit of value, low and high, a code of the units register "
        "(percent is always on a 0-100 scale).",
        "derived": True,
        "constraints": {"required": True, "pattern": "^[a-z][a-z0-9_]*$"},
    },
    {
        "name": "value", "type": "number", "title": "Value",
        "description": "Derived: the number when one number is printed (low = high, with no qualifier or with nearly or "
        "about); empty for a range, a bound, or where no number is printed.",
        "derived": True,
    },
    {
        "name": "low", "type": "number", "title": "Low",
        "description": "Lower bound of the number as printed (as_printed); equal to high for a single number; "
        "empty for \"up to n\", \"less than n\" and a missing cell.",
    },
    {
        "name": "high", "type": "number", "title": "High",
        "description": "Upper bound, read from as_printed; equal to low for a single number; empty for \"over n\", "
        "\"at least n\" and a missing cell.",
    },
    {
        "name": "qualifier", "type": "string", "title": "Qualifier",
        "description": "The words that qualify the printed number, as a code; empty for a plain number or range.",
        "categories": QUALIFIER_CATEGORIES,
        "constraints": {"enum": QUALIFIERS},
    },
    {
        "name": "as_printed", "type": "string", "title": "As printed",
        "description": "The number exactly as printed, with the words that qualify it (\"Over 600\", \"32,56 %\", "
        "\"half\"); \"-\" for a printed empty cell; empty where the source prints no number.",
    },
    {
        "name": "place", "type": "string", "title": "Place",
        "description": "The country, region or people the number is about, as printed; empty if none is named.",
    },
    {
        "name": "iso3", "type": "string", "title": "Country (ISO 3166-1 alpha-3)",
        "description": "The country the number is about, where it is about one country; empty otherwise.",
        "constraints": {"pattern": "^[A-Z]{3}$"},
    },
    {
        "name": "period", "type": "string", "title": "Period as printed",
        "description": "The words that date the number, as printed (\"by the beginning of 2016\", \"currently\"); empty if none.",
    },
    {
        "name": "year_start", "type": "integer", "title": "First year",
        "description": "The first calendar year the number refers to, read from the printed period or the paper's "
        "context; empty only where nothing dates it.",
        "constraints": {"minimum": YEAR_MINIMUM, "maximum": YEAR_MAXIMUM},
    },
    {
        "name": "year_end", "type": "integer", "title": "Last year",
        "description": "The last calendar year the number refers to (equal to year_start for a single year); empty "
        "only where nothing dates it.",
        "constraints": {"minimum": YEAR_MINIMUM, "maximum": YEAR_MAXIMUM},
    },
    {
        "name": "attributed_to", "type": "string", "title": "Attributed to",
        "description": "Who the author says the number comes from, as printed or summarised; empty when the text names no one.",
    },
    {
        "name": "footnote", "type": "integer", "title": "Footnote",
        "description": "The footnote cited for the number (a footnote of the footnotes register); empty if none.",
        "constraints": {"minimum": 1},
    },
]

PROVENANCE_FIELDS: list[Field] = [
    {
        "name": "note", "type": "string", "title": "Note",
        "description": "What the source says about this row beyond its cells: conflicts and caveats, with the source "
        "lines that show them; empty when there are none.",
    },
    {
        "name": "paper_id", "type": "string", "title": "Paper",
        "description": "Identifier of the contribution of the volume in which the value is printed: a paper_id of the "
        "papers register, which gives its title and authors.",
        "constraints": {"required": True, "pattern": "^[a-z_]+$"},
    },
    {
        "name": "page", "type": "integer", "title": "Printed page",
        "description": "Printed page number of the volume on which the value appears.",
        "constraints": {"required": True, "minimum": 6, "maximum": 214},
    },
    {
        "name": "line", "type": "integer", "title": "Source line",
        "description": "1-based line number, in the plain-text extraction of the volume (8,240 lines, sha256 "
        "b4b4a3ac87aa1aba5b4fc2c792630a20be86ae37baa3d67f6725d6f011b1ca93), of the line holding the value.",
        "constraints": {"required": True, "minimum": 1, "maximum": 8240},
    },
    {
        "name": "quote", "type": "string", "title": "Quote",
        "description": "Short verbatim excerpt of the source around the value; white space, including line breaks, is "
        "folded to single spaces.",
        "constraints": {"required": True, "minLength": 3, "maxLength": 300},
    },
]

OBSERVATION_COLUMNS = [f["name"] for f in OBSERVATION_FIELDS]
PROVENANCE_COLUMNS = [f["name"] for f in PROVENANCE_FIELDS]
#: Fields whose name means the same in every table, observation or not (type and constraints agree).
SHARED_FIELDS: dict[str, Field] = {f["name"]: f for f in (*OBSERVATION_FIELDS, *PROVENANCE_FIELDS)}


def holds_observations(schema: dict[str, Any]) -> bool:
    """Whether a table follows the observation model (its schema has the fields ``indicator``,
    ``low``, ``high`` and ``as_printed``; the indicators register itself does not)."""
    names = {f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)}
    return {"indicator", "low", "high", "as_printed"} <= names


def dimensions(schema: dict[str, Any]) -> list[str]:
    """An observation table's dimension columns: the fields before ``indicator`` that hold codes
    of a closed vocabulary (an enum), e.g. ``category``, ``table_column``, ``theatre``."""
    names: list[str] = []
    for field in schema.get("fields", []):
        if field.get("name") == "indicator":
            return names
        if isinstance(field.get("constraints"), dict) and "enum" in field["constraints"]:
            names.append(str(field["name"]))
    return names


def breakdown(row: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """A row's dimensions as ``code=value`` pairs joined by "; " (None if it has none)."""
    pairs = [f"{c}={row[c]}" for c in dimensions(schema) if row.get(c) is not None and str(row[c]) not in ("", "nan", "<NA>")]
    return "; ".join(pairs) or None


def point_value(low: float | None, high: float | None, qualifier: str | None) -> float | None:
    """The single printed number of an observation: low when low = high and the qualifier is
    none, nearly or about; None for a range, a bound or no number."""
    if low is None or high is None or low != high:
        return None
    return low if qualifier in (None, "nearly", "about") else None
