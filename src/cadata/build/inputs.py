"""Reading the curated inputs: CSV tables, YAML cards, papers and the page map."""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cadata._schema import kind, licenses_problems, names, schema_problems
from cadata.errors import CuratedDataError

if TYPE_CHECKING:
    import pandas as pd

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INT64 = (-(2**63), 2**63 - 1)
#: The longest cell a curated CSV may hold (the csv module's default field limit).
MAX_CELL = 131_072


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


def cut(text: str, limit: int = 60) -> str:
    """A value short enough for an error message."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def read_text(path: Path, what: str = "file") -> str:
    """A UTF-8 text file; CuratedDataError saying where it is not UTF-8, or that it is missing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CuratedDataError([f"{path}: {what} is missing; add it"]) from None
    except OSError as exc:
        raise CuratedDataError([f"{path}: cannot be read ({exc.strerror})"]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CuratedDataError([f"{path}: not UTF-8 at byte {exc.start} (line {line}); save the file as UTF-8"]) from None


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV file."""
    if not path.is_file():
        raise CuratedDataError([f"{path}: file is missing; add it or remove its schema"])
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    try:
        rows = list(reader)
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise CuratedDataError(
            [
                f"{where(path, None)}, line {reader.line_num}: not readable as CSV ({exc}); a cell holds at most "
                f"{MAX_CELL:,} characters, and every quoted cell must be closed"
            ]
        ) from None
    for number, row in enumerate(rows):
        if None in row or any(v is None for v in row.values()):
            raise CuratedDataError(
                [f"{where(path, number)}: has a different number of cells than the header; fix the quoting"]
            )
    # the csv module's limit is process-wide (frictionless raises it): cadata keeps its own
    if long := [f"{where(path, n, c)}: a cell of {len(v):,} characters; a cell holds at most {MAX_CELL:,}"
                for n, row in enumerate(rows) for c, v in row.items() if len(v) > MAX_CELL]:
        raise CuratedDataError(long)
    return header, rows


def _convert(text: str, field: dict[str, Any]) -> Any:
    kind = field["type"]
    if text == "":
        return None
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"{cut(text)!r} is not an integer (write digits only, no separators)")
        value = int(text) if len(text) <= 20 else None
        if value is None or not INT64[0] <= value <= INT64[1]:
            raise ValueError(f"{cut(text)!r} is too large: integers are 64-bit (at most {INT64[1]:,})")
        return value
    if kind == "number":
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"{cut(text)!r} is not a number (use a decimal point, no separators)")
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(f"{cut(text)!r} is too large for a number (a 64-bit float)")
        return number
    if kind == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{cut(text)!r} is not a boolean (write true or false)")
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
                f"{where(path, None)}: header is {[cut(h) for h in header]}; expected {expected} "
                f"(missing {missing}, unexpected {[cut(c) for c in extra]}); fix the header to match schemas/{path.stem}.json"
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


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (``*name``): cadata's YAML needs none, and
    aliases of aliases make a kilobyte expand to gigabytes (a "billion laughs" bomb)."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, f"found the alias *{event.anchor}, which cadata does not allow; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping (a data card or the package description); aliases are refused."""
    if not path.is_file():
        raise CuratedDataError([f"{path}: file is missing; every table needs a data card"])
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader, without aliases)
    except yaml.YAMLError as exc:
        raise CuratedDataError([f"{path}: not valid YAML: {cut(' '.join(str(exc).split()), 300)}"]) from None
    except RecursionError:
        raise CuratedDataError([f"{path}: not valid YAML: nested too deeply"]) from None
    except ValueError as exc:  # a value PyYAML cannot construct: an integer too long, a date that is no date
        raise CuratedDataError([f"{path}: not valid YAML: {cut(str(exc), 200)}"]) from None
    if not isinstance(data, dict):
        raise CuratedDataError([f"{path}: expected a YAML mapping of keys to values, found {kind(data)}"])
    return data


def read_schema(path: Path) -> dict[str, Any]:
    """A Table Schema (JSON), with its fields, types and constraints checked."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except RecursionError:
        raise CuratedDataError([f"{path}: not valid JSON: nested too deeply"]) from None
    except ValueError as exc:  # json.JSONDecodeError, or an integer too long to convert
        raise CuratedDataError([f"{path}: not valid JSON: {cut(str(exc), 200)}"]) from None
    if problems := schema_problems(data):
        raise CuratedDataError([f"{path}: {problem}" for problem in problems])
    return data  # type: ignore[no-any-return]


def _records(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file that must have (at least) these columns."""
    header, rows = read_rows(path)
    if missing := [c for c in columns if c not in header]:
        raise CuratedDataError(
            [f"{where(path, None)}: header is {[cut(h) for h in header]}; it needs the columns {list(columns)} (missing {missing})"]
        )
    return rows


def _integer(path: Path, number: int, column: str, text: str, problems: list[str], optional: bool = False) -> int | None:
    """A whole-number cell; a problem (file, row, column) if it is not one."""
    try:
        value = _convert(text, {"type": "integer"})
    except ValueError as exc:
        problems.append(f"{where(path, number, column)}: {exc}")
        return None
    if value is None and not optional:
        problems.append(f"{where(path, number, column)}: is empty; give a whole number")
    return value  # type: ignore[no-any-return]


def read_papers(path: Path) -> dict[str, Paper]:
    """curated/papers.csv by paper_id."""
    rows = _records(path, ("paper_id", "title", "authors", "session", "first_line", "last_line"))
    papers = {}
    problems: list[str] = []
    for number, row in enumerate(rows):
        first = _integer(path, number, "first_line", row["first_line"], problems)
        last = _integer(path, number, "last_line", row["last_line"], problems)
        if first is None or last is None:
            continue
        if last < first:
            problems.append(f"{where(path, number, 'last_line')}: last_line {last} is before first_line {first}")
        papers[row["paper_id"]] = Paper(
            paper_id=row["paper_id"],
            title=row["title"],
            authors=row["authors"],
            session=row["session"],
            first_line=first,
            last_line=last,
        )
    if problems:
        raise CuratedDataError(problems)
    return papers


def read_page_starts(path: Path) -> list[tuple[int, int]]:
    """curated/source_pages.csv as (first_line, page), in order."""
    starts: list[tuple[int, int]] = []
    problems: list[str] = []
    for number, row in enumerate(_records(path, ("page", "first_line"))):
        first = _integer(path, number, "first_line", row["first_line"], problems)
        page = _integer(path, number, "page", row["page"], problems)
        if first is None or page is None:
            continue
        if starts and (first <= starts[-1][0] or page <= starts[-1][1]):
            problems.append(f"{where(path, number)}: page {page} at line {first} does not come after page {starts[-1][1]} at line {starts[-1][0]}; keep the pages in order")
        starts.append((first, page))
    if problems:
        raise CuratedDataError(problems)
    return starts


def read_categories(path: Path) -> dict[str, tuple[str, int | None]]:
    """curated/kz_hotline_report_categories.csv: each category's label and the year it was created."""
    categories: dict[str, tuple[str, int | None]] = {}
    problems: list[str] = []
    for number, row in enumerate(_records(path, ("category", "label", "created_year"))):
        created = _integer(path, number, "created_year", row["created_year"], problems, optional=True)
        categories[row["category"]] = (row["label"], created)
    if problems:
        raise CuratedDataError(problems)
    return categories


#: Keys every data card has, and the ones it may have.
CARD_KEYS = ("title", "description", "row", "unit", "population", "period", "paper_id")
CARD_OPTIONAL = ("caveats",)


def check_card(path: Path, card: dict[str, Any], papers: dict[str, Paper]) -> list[str]:
    """Problems of a data card: unknown or missing keys, values of the wrong type, unknown papers."""
    known = (*CARD_KEYS, *CARD_OPTIONAL)
    problems = []
    for key in card:
        if key == "pages":
            problems.append(f"{path}: remove 'pages': the build derives the printed pages from the rows")
        elif key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{path}: unknown key {cut(repr(key))}{hint}; a data card has {', '.join(known)}")
    for key in CARD_KEYS:
        value = card.get(key)
        if value is None or value == "" or value == []:
            problems.append(f"{path}: the data card has no {key!r}; add it")
        elif key == "paper_id":
            ids = names(value)
            if ids is None:
                problems.append(f"{path}: paper_id is {kind(value)}, expected a paper id or a list of them")
            problems += [f"{path}: paper_id {i!r} is not in curated/papers.csv" for i in ids or [] if i not in papers]
        elif key == "period" and isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            continue  # a year
        elif not isinstance(value, str):
            problems.append(f"{path}: {key} is {kind(value)}, expected text{' or a year' if key == 'period' else ''}")
    caveats = card.get("caveats", [])
    if not isinstance(caveats, list):
        problems.append(f"{path}: caveats is {kind(caveats)}, expected a list of texts")
    else:
        problems += [
            f"{path}: caveat {n} is {kind(c)}, expected text (quote it if it holds \": \")"
            for n, c in enumerate(caveats, start=1)
            if not isinstance(c, str) or not c
        ]
    return problems


PACKAGE_KEYS = ("name", "id", "homepage", "title", "description", "keywords", "contributors", "licenses", "source")


def check_package_meta(path: Path, meta: dict[str, Any]) -> None:
    """CuratedDataError unless curated/datapackage.yaml has its keys, each of the right type."""
    problems = [f"{path}: unknown key {cut(repr(k))}; the package description has {', '.join(PACKAGE_KEYS)}" for k in meta if k not in PACKAGE_KEYS]
    for key in ("name", "title", "description"):
        if not isinstance(meta.get(key), str) or not meta[key]:
            problems.append(f"{path}: {key} is {kind(meta.get(key))}, expected text")
    for key in ("id", "homepage"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].startswith("https://")):
            problems.append(f"{path}: {key} is {kind(meta[key])}, expected an https:// URL")
    keywords = meta.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        problems.append(f"{path}: keywords is {kind(keywords)}, expected a list of texts")
    contributors = meta.get("contributors", [])
    if not isinstance(contributors, list) or not all(
        isinstance(c, dict) and isinstance(c.get("title"), str) and isinstance(c.get("roles"), list)
        and all(isinstance(r, str) for r in c["roles"])
        for c in contributors
    ):
        problems.append(f"{path}: contributors is {kind(contributors)}, expected a list of objects with a title and a list of roles")
    problems += [f"{path}: {p}" for p in licenses_problems(meta.get("licenses"), "")]
    source = meta.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("title"), str) or not all(isinstance(v, str) for v in source.values()):
        problems.append(f"{path}: source is {kind(source)}, expected an object with a title and other texts")
    if problems:
        raise CuratedDataError(problems)
