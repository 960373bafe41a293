"""Stata files of the tables: one labelled ``.dta`` (format 118, Unicode) per table.

- Variable labels are the schema's field descriptions. Stata allows 80 characters; a longer
  description is cut at 79 characters and ends with "…" (``stata_label``), the same for
  every build; the full text stays in datapackage.json. The data label is the table's title,
  cut the same way.
- Enumerated text columns (the schema's ``enum``, categoricals in ``cadata.load``) are
  stored as integers 1, 2, … in the enum's order, with a value label for every enum value,
  used or not: the schema's category label where it gives one (``papers.session`` "I" is
  "Session I"), else the value itself. ``pandas.read_stata`` gives them back as
  categoricals of those labels; ``StataReader.value_labels()`` lists the whole enum. Other text columns stay text,
  and a missing text is "" (Stata has no missing text).
- Booleans are 0/1 with the value labels "false" and "true"; integers and numbers keep
  their missing values as Stata's missing ("."); dates (no table has one yet) are Stata
  dates (%td).
- Variable names are the column names, which the build holds to at most 64 characters of
  lower-case letters, digits and "_"; one longer than Stata's 32 characters is cut to 32
  (and made unique) and listed in the package's ``cadata_stata`` entry.
- The file's time stamp is the release date, so that an export is reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

#: Stata's longest variable label, data label and variable name (format 118).
LABEL_LIMIT = 80
NAME_LIMIT = 32
#: Stata's longest fixed-width text (str#); longer texts are written as strL.
STR_LIMIT = 2045
BOOL_LABELS: dict[float, str] = {0: "false", 1: "true"}
DateFormat = Literal["td", "tc"]


def stata_label(text: str) -> str:
    """``text`` as a Stata label: as it is up to 80 characters, else cut at 79 and "…"."""
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "\u2026"


def stata_names(columns: list[str]) -> dict[str, str]:
    """Each column's Stata variable name: itself, or cut to 32 characters and made unique."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = column[:NAME_LIMIT]
        n = 1
        while name in taken:
            suffix = f"_{n}"
            name = column[: NAME_LIMIT - len(suffix)] + suffix
            n += 1
        taken.add(name)
        names[column] = name
    return names


def category_labels(field: dict[str, Any], values: list[str]) -> list[str]:
    """The value label of each enum value: the schema's category label where it gives one
    (``session``: "I" is "Session I"), else the value itself."""
    given = {str(c["value"]): str(c["label"]) for c in field.get("categories", []) if isinstance(c, dict) and "label" in c}
    return [given.get(v, v) for v in values]


def stata_frame(frame: pd.DataFrame, schema: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, dict[float, str]], dict[str, DateFormat], list[str]]:
    """The table as Stata wants it: the frame, the value labels of its boolean columns, its
    date columns' conversions and the columns to write as strL."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    value_labels: dict[str, dict[float, str]] = {}
    dates: dict[str, DateFormat] = {}
    strls: list[str] = []
    fields = {f["name"]: f for f in schema["fields"]}
    types = {name: f.get("type") for name, f in fields.items()}
    for column in frame.columns:
        series = frame[column]
        kind = types.get(column)
        if isinstance(series.dtype, pd.CategoricalDtype):
            labels = category_labels(fields[column], [str(c) for c in series.cat.categories])
            codes = pd.array([None if c < 0 else int(c) + 1 for c in series.cat.codes], dtype="Int64")
            out[column] = codes  # 1, 2, ... in the enum's order; missing stays missing
            value_labels[column] = {float(n): label for n, label in enumerate(labels, start=1)}
        elif kind == "boolean":
            out[column] = series.astype("boolean").map({True: 1, False: 0}).astype("Int8")
            value_labels[column] = dict(BOOL_LABELS)
        elif kind in ("date", "datetime"):
            out[column] = pd.to_datetime(series)
            dates[column] = "td" if kind == "date" else "tc"
        elif kind == "integer":
            out[column] = series.astype("Int64")
        elif kind == "number":
            out[column] = series.astype("Float64")
        else:
            text = series.astype("string").fillna("").astype(object)
            out[column] = text
            if any(len(str(s).encode("utf-8")) > STR_LIMIT for s in text):
                strls.append(column)
    return out, value_labels, dates, strls


def dta_bytes(frame: pd.DataFrame, schema: dict[str, Any], title: str, release_date: str) -> tuple[bytes, dict[str, str]]:
    """The table as a labelled Stata 118 file, and the columns renamed for Stata (old -> new)."""
    import warnings

    out, value_labels, dates, strls = stata_frame(frame, schema)
    names = stata_names(list(out.columns))
    descriptions = {f["name"]: str(f.get("description") or f.get("title") or f["name"]) for f in schema["fields"]}
    out = out.rename(columns=names)
    labels = {names[c]: stata_label(descriptions.get(c, c)) for c in frame.columns}
    buffer = io.BytesIO()
    stamp = dt.datetime.fromisoformat(release_date)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a renamed column or a lossy conversion is a bug here, not a warning
        out.to_stata(
            buffer,
            write_index=False,
            version=118,
            data_label=stata_label(title),
            variable_labels=labels,
            value_labels={names[c]: v for c, v in value_labels.items()} or None,
            convert_dates={names[c]: v for c, v in dates.items()} or None,
            convert_strl=[names[c] for c in strls] or None,
            time_stamp=stamp,
        )
    return buffer.getvalue(), {c: n for c, n in names.items() if c != n}
