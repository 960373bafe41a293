"""Querying the registers: facts by place, unit or word; an erratum and its rows; citing a row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cadata import _catalog
from cadata.errors import CadataError, InvalidArgumentError

if TYPE_CHECKING:
    import pandas as pd

SEARCHED = ("indicator", "measure", "as_printed", "place", "period", "attributed_to", "quote", "note")


def _text(what: str, value: object, *, blank: bool = True) -> str:
    """An argument that must be text (UTF-8 encodable; not blank unless ``blank``)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{what} must be text (a str), not {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgumentError(f"{what} {value!r} is not valid text: it holds a lone surrogate") from None
    if not blank and not value.strip():
        raise InvalidArgumentError(f"{what} is empty, which would match every fact; give a word, a number or a place")
    return value


def find_facts(
    *, indicator: str | None = None, iso3: str | None = None, year: int | None = None, place: str | None = None,
    unit: str | None = None, text: str | None = None, paper_id: str | None = None, table: str | None = None,
) -> pd.DataFrame:
    """Facts filtered by any of: indicator code, country code, a year the fact covers
    (year_start <= year <= year_end), place (substring), unit code, word (substring of the
    indicator, measure, number, place, period, attribution, quote or note), paper, themed table.

        cadata.find_facts(indicator="foreign_fighters", iso3="UZB")   # every estimate, every paper
    """
    from cadata.loading import load

    filters = {"iso3": iso3, "place": place, "unit": unit, "text": text, "paper_id": paper_id, "table": table}
    for what, value in filters.items():
        if value is not None:
            _text(what, value, blank=what not in ("place", "text"))
    frame = load("facts")

    def true(series: pd.Series) -> pd.Series:
        return series.fillna(False).astype(bool)  # a missing cell matches nothing

    def contains(column: str, word: str) -> pd.Series:
        return true(frame[column].astype("string").str.contains(word, case=False, regex=False))

    def number(column: str, digits: str) -> pd.Series:
        """The column's text with thousands separators (, . space, thin space) dropped contains ``digits``."""
        plain = frame[column].astype("string").str.replace(r"(?<=\d)[,.\u2009\u202f\u00a0 ](?=\d{3}\b)", "", regex=True)
        return true(plain.str.contains(digits, regex=False))

    mask = true(frame["fact_id"].notna())
    if indicator is not None:
        mask &= true(frame["indicator"].astype("string") == indicator)
    if year is not None:
        start, end = frame["year_start"], frame["year_end"].fillna(frame["year_start"])
        mask &= true((start <= int(year)) & (end >= int(year)))
    if iso3 is not None:
        mask &= true(frame["iso3"].astype("string") == iso3.upper())
    if place is not None:
        mask &= contains("place", place)
    if unit is not None:
        mask &= true(frame["unit"].astype("string").str.lower() == unit.lower())
    if paper_id is not None:
        mask &= true(frame["paper_id"].astype("string") == paper_id)
    if table is not None:
        mask &= true(frame["source_table"].astype("string") == table)
    if text is not None:
        hit = ~mask & False
        for column in SEARCHED:
            hit |= contains(column, text)
        word = text.strip()
        if re.fullmatch(r"\d[\d,.\u2009\u202f\u00a0 ]*\d", word):  # a number, written with or without separators
            digits = re.sub(r"[,\u2009\u202f\u00a0 ]", "", word)
            for column in ("as_printed", "quote"):
                hit |= number(column, digits)
        if re.fullmatch(r"[A-Za-z]{3}", word):  # a country code: the facts about that country
            hit |= true(frame["iso3"].astype("string") == word.upper())
        mask &= hit
    return frame[mask].reset_index(drop=True)


def search(text: str) -> pd.DataFrame:
    """Every fact mentioning ``text`` (case-insensitive) in what it measures, its number, place,
    period, attribution, quote or note. Empty text (or None) is refused: it would match every fact."""
    return find_facts(text=_text("search text", text, blank=False))


@dataclass(frozen=True)
class Erratum:
    """A problem of the source and the rows it touches."""

    erratum_id: str
    kind: str
    printed: str
    conflicts_with: str
    evidence_lines: str
    note: str
    rows: dict[str, pd.DataFrame]

    def __str__(self) -> str:
        lines = [
            f"{self.erratum_id} ({self.kind})",
            f"  printed:        {self.printed}",
            f"  conflicts with: {self.conflicts_with}",
            f"  evidence:       source lines {self.evidence_lines}",
        ]
        if self.note:
            lines.append(f"  note:           {self.note}")
        for table, frame in self.rows.items():
            lines.append(f"  rows of {table}:")
            lines += ["    " + line for line in frame.to_string(index=False).splitlines()]
        return "\n".join(lines)


def erratum(erratum_id: str) -> Erratum:
    """An erratum and the rows it touches, table by table."""
    import pandas as pd

    from cadata.loading import load, load_any
    from cadata.rules import row_key

    _text("erratum id", erratum_id, blank=False)
    errata = load("errata")
    match = errata[errata["erratum_id"].astype("string").str.upper() == erratum_id.strip().upper()]
    if match.empty:
        ids = ", ".join(errata["erratum_id"].astype(str))
        raise CadataError(
            f"no erratum {erratum_id!r}; the errata are {ids} (`cadata show errata`, or cadata.load('errata'), lists them)"
        )
    row = match.iloc[0]
    rows: dict[str, pd.DataFrame] = {}
    affected = "" if pd.isna(row["affected_rows"]) else str(row["affected_rows"])
    for entry in filter(None, affected.split("; ")):
        table, _, key = entry.partition(":")
        frame = load_any(table)
        schema = _catalog.resource(table)["schema"]
        picked = [i for i in range(len(frame)) if row_key(frame, schema, i) == key]
        rows[table] = pd.concat([rows.get(table, frame.iloc[0:0]), frame.iloc[picked]])
    def text(value: object) -> str:
        return "" if pd.isna(value) else str(value)  # type: ignore[call-overload]

    return Erratum(
        text(row["erratum_id"]), text(row["kind"]), text(row["printed"]), text(row["conflicts_with"]),
        text(row["evidence_lines"]), text(row["note"]), rows,
    )


def _key_text(table: str, key: object, schema: dict[str, Any]) -> str:
    """The row key as ``rules.row_key`` writes it (values joined by '|'), from what the user has:
    the text itself, one value (``2017``), a tuple or list of values for a composite key, or a
    row of the table (a pandas Series, as ``df.iloc[0]`` gives)."""
    import pandas as pd

    fields = list(schema.get("primaryKey", []))
    if isinstance(key, pd.DataFrame):
        if len(key) != 1:
            raise InvalidArgumentError(f"key: a DataFrame of {len(key)} rows; pass one row (df.iloc[i])")
        key = key.iloc[0]
    if isinstance(key, pd.Series):
        missing = [f for f in fields if f not in key.index]
        if missing:
            raise InvalidArgumentError(f"key: the row has no {', '.join(missing)} (the key of {table})")
        key = tuple(key[f] for f in fields)
    if isinstance(key, str):
        return _text("key", key)
    values = tuple(key) if isinstance(key, (tuple, list)) else (key,)
    if not all(isinstance(v, (str, int, float)) or (hasattr(v, "item") and not hasattr(v, "__len__")) for v in values):
        raise InvalidArgumentError(
            f"key must be text (\"UZB|2015\"), a value (2017), a tuple of values or a row of {table}, "
            f"not {type(key).__name__}"
        )
    if len(values) != len(fields):
        raise InvalidArgumentError(
            f"key {key!r}: {table}'s key is {', '.join(fields)} ({len(fields)} value(s)), not {len(values)} value(s)"
        )
    def text(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value.item() if hasattr(value, "item") else value)
    return "|".join(text(v) for v in values)


def cite_row(table: str, key: object) -> str:
    """Where a row's value is printed: paper, page, line and quote, and how to cite the paper.

    ``key`` is the row's primary key as you have it: ``2017``, ``("UZB", 2015)`` for a
    composite key, the text ``"UZB|2015"``, or the row itself (``df.iloc[0]``)."""
    from cadata.cards import info
    from cadata.loading import load_any
    from cadata.rules import row_key

    _text("table", table)
    frame = load_any(table)
    schema = _catalog.resource(table)["schema"]
    wanted = _key_text(table, key, schema)
    keys = [row_key(frame, schema, i) for i in range(len(frame))]
    for i, found in enumerate(keys):
        if found.casefold() == wanted.casefold():
            row = frame.iloc[i]
            paper = next((p for p in info(table).papers if p.paper_id == str(row["paper_id"])), None)
            if paper is None:
                raise CadataError(f"{table}: the data card lists no paper {row['paper_id']!r}; reinstall cadata")
            printed = f" {row['as_printed']}" if "as_printed" in frame.columns else ""
            return (
                f"{table} [{found}]:{printed} \u2014 printed page {row['page']}, source line {row['line']}: "
                f"\u201c{row['quote']}\u201d\n{paper.citation}"
            )
    fields = ", ".join(schema.get("primaryKey", []))
    shown = ", ".join(keys[:20]) + (f" and {len(keys) - 20} more (`cadata show {table}`)" if len(keys) > 20 else "")
    raise CadataError(
        f"{table} has no row with key {wanted!r} (its key is {fields}, values joined by '|'); the keys are: {shown}"
    )
