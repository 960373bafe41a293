"""Reading the curated inputs: CSV tables, YAML cards, papers and the page map."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cadata.errors import CuratedDataError

if TYPE_CHECKING:
    import pandas as pd

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Paper:
    """One contribution of the volume, from curated/papers.csv."""

    paper_id: str
    title: str
    authors: str
    session: str
    first_line: int
    last_line: int


def where(path: Path, row: int | None, column: str | None = None) -> str:
    """``curated/x.csv, row 3 (line 4), column year`` for an error message."""
    text = f"{path.parent.name}/{path.name}"
    if row is not None:
        text += f", row {row + 1} (line {row + 2})"
    if column:
        text += f", column {column}"
    return text


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV file."""
    if not path.is_file():
        raise CuratedDataError([f"{path}: file is missing; add it or remove its schema"])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CuratedDataError([f"{path}: not UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    header = list(reader.fieldnames or [])
    for number, row in enumerate(rows):
        if None in row or any(v is None for v in row.values()):
            raise CuratedDataError(
                [f"{where(path, number)}: has a different number of cells than the header; fix the quoting"]
            )
    return header, rows


def _convert(text: str, field: dict[str, Any]) -> Any:
    kind = field["type"]
    if text == "":
        return None
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"{text!r} is not an integer (write digits only, no separators)")
        return int(text)
    if kind == "number":
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"{text!r} is not a number (use a decimal point, no separators)")
        return float(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not a boolean (write true or false)")
        return text == "true"
    return text


def read_table(path: Path, schema: dict[str, Any], computed: set[str]) -> pd.DataFrame:
    """A curated CSV as a DataFrame typed by the schema (enums as strings).

    ``computed`` names the fields the build adds (derived or joined): the CSV must
    have every other field of the schema, in the schema's order, and no more.
    """
    import pandas as pd

    from cadata._frame import field_enum, pandas_dtype

    fields = [f for f in schema["fields"] if f["name"] not in computed]
    expected = [f["name"] for f in fields]
    header, rows = read_rows(path)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        raise CuratedDataError(
            [
                f"{where(path, None)}: header is {header}; expected {expected} "
                f"(missing {missing}, unexpected {extra}); fix the header to match schemas/{path.stem}.json"
            ]
        )
    problems: list[str] = []
    columns: dict[str, list[Any]] = {name: [] for name in expected}
    for number, row in enumerate(rows):
        for f in fields:
            try:
                columns[f["name"]].append(_convert(row[f["name"]], f))
            except ValueError as exc:
                problems.append(f"{where(path, number, f['name'])}: {exc}")
                columns[f["name"]].append(None)
    if problems:
        raise CuratedDataError(problems)
    return pd.DataFrame(
        {
            f["name"]: pd.Series(
                columns[f["name"]], dtype="string" if field_enum(f) is not None else pandas_dtype(f)
            )
            for f in fields
        }
    )


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping (a data card or the package description)."""
    if not path.is_file():
        raise CuratedDataError([f"{path}: file is missing; every table needs a data card"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CuratedDataError([f"{path}: not valid YAML: {' '.join(str(exc).split())}"]) from None
    if not isinstance(data, dict):
        raise CuratedDataError([f"{path}: expected a YAML mapping of keys to values"])
    return data


def read_schema(path: Path) -> dict[str, Any]:
    """A Table Schema (JSON)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CuratedDataError([f"{path}: not valid JSON: {exc}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise CuratedDataError([f"{path}: a Table Schema needs a list of fields"])
    return data


def read_papers(path: Path) -> dict[str, Paper]:
    """curated/papers.csv by paper_id."""
    _, rows = read_rows(path)
    papers = {}
    for row in rows:
        papers[row["paper_id"]] = Paper(
            paper_id=row["paper_id"],
            title=row["title"],
            authors=row["authors"],
            session=row["session"],
            first_line=int(row["first_line"]),
            last_line=int(row["last_line"]),
        )
    return papers


def read_page_starts(path: Path) -> list[tuple[int, int]]:
    """curated/source_pages.csv as (first_line, page), in order."""
    _, rows = read_rows(path)
    return [(int(r["first_line"]), int(r["page"])) for r in rows]


CARD_KEYS = ("title", "description", "row", "unit", "population", "period", "paper_id")


def check_card(path: Path, card: dict[str, Any], papers: dict[str, Paper]) -> list[str]:
    """Problems of a data card: missing keys, unknown papers."""
    problems = [f"{path}: the data card has no {key!r}; add it" for key in CARD_KEYS if not card.get(key)]
    ids = card.get("paper_id")
    for paper_id in ids if isinstance(ids, list) else [ids] if ids else []:
        if str(paper_id) not in papers:
            problems.append(f"{path}: paper_id {paper_id!r} is not in curated/papers.csv")
    if "pages" in card:
        problems.append(f"{path}: remove 'pages': the build derives the printed pages from the rows")
    if "caveats" in card and not isinstance(card["caveats"], list):
        problems.append(f"{path}: caveats must be a list")
    return problems
