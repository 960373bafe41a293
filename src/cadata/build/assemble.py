"""Per-table assembly: the columns the build adds to a curated table (joins, derived)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata import derive
from cadata.observation import OBSERVATION_COLUMNS, PROVENANCE_COLUMNS, breakdown, dimensions, holds_observations, point_value
from cadata.build.inputs import read_categories, where
from cadata.errors import CuratedDataError

if TYPE_CHECKING:
    import pandas as pd

Tables = Mapping[str, "pd.DataFrame"]


@dataclass(frozen=True)
class Assembly:
    """The columns the build adds to a table, and the function that adds them."""

    adds: frozenset[str]
    add: Callable[[pd.DataFrame, Tables, Path], pd.DataFrame]
    needs: tuple[str, ...] = ()
    needs_themed: bool = False  # reads every themed table (not the registers)
    needs_all: bool = False  # reads every other table (the errata link to rows of any table)


#: Tables that register the volume rather than hold its figures by theme.
REGISTERS = frozenset({"papers", "footnotes", "events", "facts", "errata", "indicators", "units", "sources_cited", "fact_sources"})


def _hotline_shares(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Join the category labels and creation years; derive existence and report counts."""
    import pandas as pd

    path = curated / "kz_hotline_report_categories.csv"
    categories = read_categories(path)
    labels = {category: label for category, (label, _) in categories.items()}
    created = {category: year for category, (_, year) in categories.items()}
    unknown = [
        f"{where(curated / 'kz_hotline_report_shares.csv', i, 'category')}: category {c!r} is not in {path.name}"
        for i, c in enumerate(df["category"])
        if not pd.isna(c) and c not in labels
    ]
    if unknown:
        raise CuratedDataError(unknown)
    reports = tables["kz_hotline_reports"]
    totals = dict(zip(reports["year_start"], reports["low"], strict=True))
    existed = [derive.category_existed(int(y), created[c]) for y, c in zip(df["year_start"], df["category"], strict=True)]
    derived = [
        derive.reports_from_share(float(s), int(totals[y])) if e and y in totals else None
        for s, y, e in zip(df["low"], df["year_start"], existed, strict=True)
    ]
    out = df.copy()
    out["category_label"] = pd.Series([labels[c] for c in df["category"]], dtype="string")
    out["category_existed"] = pd.Series(existed, dtype="boolean")
    out["reports_derived"] = pd.Series(derived, dtype="Int64")
    return out


def _fighter_estimates(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Append Ergashev's Table 1 (ca_fighter_estimates), one row per cell, to the text's estimates.

    The cells are curated once, in ca_fighter_estimates; here they only change shape, and
    ``source_table`` names the table that holds them (facts takes them from there, once).
    """
    import pandas as pd

    rows = []
    for cell in tables["ca_fighter_estimates"].to_dict("records"):
        row = {column: cell.get(column) for column in df.columns}
        number = TABLE1_COLUMNS.index(str(cell["table_column"])) + 1
        row.update(
            estimate_id=f"{cell['paper_id']}-{cell['line']}-{number}", theatre="syria_iraq", organization="any",
            source_table="ca_fighter_estimates",
        )
        rows.append(row)
    table1 = pd.DataFrame(rows, columns=list(df.columns)).astype(df.dtypes.to_dict())
    return pd.concat([df, table1], ignore_index=True)


#: The columns of Ergashev's Table 1, in the printed order.
TABLE1_COLUMNS = ["fighters_open_sources", "fighters_intelligence_services", "killed", "returned", "convicted"]


def _papers(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Derive each contribution's printed pages from its lines (the page map)."""
    import pandas as pd

    from cadata.build.inputs import read_page_starts
    from cadata.source_text import page_of

    starts = read_page_starts(curated / "source_pages.csv")
    out = df.copy()
    for column, source in (("first_page", "first_line"), ("last_page", "last_line"), ("page", "line")):
        out[column] = pd.Series([page_of(int(n), starts) for n in df[source]], dtype="Int64")
    return out


def complete_observations(df: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """Add an observation table's derived columns: ``unit`` from the indicators register and
    ``value`` by ``observation.point_value`` (the rule for every table and for facts)."""
    import pandas as pd

    units = dict(zip(tables["indicators"]["indicator"].astype(str), tables["indicators"]["unit"].astype(str), strict=True))
    out = df.copy()
    out["unit"] = pd.Series([units.get(str(i)) for i in df["indicator"]], dtype="string", index=df.index)
    out["value"] = pd.Series(
        [point_value(_opt(lo), _opt(hi), _opt(q)) for lo, hi, q in zip(df["low"], df["high"], df["qualifier"], strict=True)],
        dtype="Float64", index=df.index,
    )
    return out


def _opt(value: Any) -> Any:
    import pandas as pd

    return None if pd.isna(value) else value


def _fact_measure(row: dict[str, Any], label: str, schema: dict[str, Any]) -> str:
    """What a themed row counts, in words: the indicator's label, the labels of the row's
    dimensions (the schema's categories) and its place."""
    labels = {f["name"]: {c["value"]: c["label"] for c in f.get("categories", [])} for f in schema["fields"]}
    words = [labels[c].get(str(row[c]), str(row[c]).replace("_", " ")) for c in dimensions(schema) if _opt(row.get(c)) is not None]
    parts = [label] + [w for w in words if w.lower() not in label.lower()]
    if _opt(row.get("place")) is not None:
        parts.append(str(row["place"]))
    return ", ".join(parts)


def themed_facts(tables: Tables, schemas: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One fact per printed number of every themed table, linked to its row (derived).

    The observation columns are the row's own (so a derived fact equals its row by
    construction). A row another table holds (``source_table``), a printed "-", a row
    with no printed number, and a placeholder that is not an observation (a hotline
    category before it existed) add no fact.
    """
    facts: list[dict[str, Any]] = []
    counters: dict[tuple[str, int], int] = {}
    labels = dict(zip(tables["indicators"]["indicator"].astype(str), tables["indicators"]["label"].astype(str), strict=True))
    for name in sorted(tables):
        frame, schema = tables[name], schemas[name]
        if name in REGISTERS or not holds_observations(schema):
            continue
        key = list(schema.get("primaryKey", []))
        for record in frame.to_dict("records"):
            row = {str(k): v for k, v in record.items()}
            printed = _opt(row.get("as_printed"))
            if printed is None or printed == "-" or _opt(row.get("source_table")) is not None:
                continue
            if row.get("category_existed") is False:
                continue
            paper, line = str(row["paper_id"]), int(row["line"])
            counters[(paper, line)] = counters.get((paper, line), 0) + 1
            fact = {c: _opt(row.get(c)) for c in (*OBSERVATION_COLUMNS, *PROVENANCE_COLUMNS)}
            fact.update(
                fact_id=f"{paper}-{line}-t{counters[(paper, line)]}",
                measure=_fact_measure(row, labels.get(str(row["indicator"]), str(row["indicator"])), schema),
                breakdown=breakdown({k: _opt(v) for k, v in row.items()}, schema),
                source_table=name, row_key="|".join(str(row[k]) for k in key), note=None,
            )
            facts.append(fact)
    return facts


def _facts(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """The text's facts (curated) and every themed table's numbers (derived)."""
    import json

    import pandas as pd

    schemas = {name: json.loads((curated.parent / "schemas" / f"{name}.json").read_text(encoding="utf-8")) for name in tables}
    columns = [c for c in df.columns] + ["source_table", "row_key"]
    derived = pd.DataFrame(themed_facts(tables, schemas), columns=columns)
    out = pd.concat([df.assign(source_table=None, row_key=None), derived.astype(object)], ignore_index=True)
    for column in ("low", "high"):
        out[column] = pd.to_numeric(out[column]).astype("Float64")
    for column in ("footnote", "page", "line", "year_start", "year_end"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].astype("string")
    return out


def _unchanged(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    return df


def _fact_sources(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Copy each fact's attributed_to and footnote from facts; every fact that has either has
    exactly one row (a fact left out, or a row for a fact without them, stops the build)."""
    import pandas as pd

    facts = tables["facts"].set_index("fact_id")
    sourced = facts[facts["attributed_to"].notna() | facts["footnote"].notna()]
    path = curated / "fact_sources.csv"
    problems = [
        f"{where(path, None)}: fact {fact_id!r} has an attribution or a footnote but no row; add one naming its sources"
        for fact_id in sourced.index if fact_id not in set(df["fact_id"])
    ]
    problems += [
        f"{where(path, i, 'fact_id')}: fact {fact_id!r} has no attributed_to and no footnote in facts; remove the row"
        for i, fact_id in enumerate(df["fact_id"]) if fact_id not in sourced.index
    ]
    if problems:
        raise CuratedDataError(problems)
    out = df.copy()
    out.insert(1, "attributed_to", pd.Series([sourced.at[i, "attributed_to"] for i in df["fact_id"]], dtype="string"))
    out.insert(3, "footnote", pd.Series([sourced.at[i, "footnote"] for i in df["fact_id"]], dtype="Int64"))
    return out


ASSEMBLIES: dict[str, Assembly] = {
    "errata": Assembly(frozenset(), _unchanged, needs_all=True),
    "fact_sources": Assembly(frozenset({"attributed_to", "footnote"}), _fact_sources, needs=("facts",)),
    "facts": Assembly(frozenset({"source_table", "row_key"}), _facts, needs_themed=True),
    "papers": Assembly(frozenset({"first_page", "last_page", "page"}), _papers),
    "fighter_estimates": Assembly(frozenset(), _fighter_estimates, needs=("ca_fighter_estimates",)),
    "kz_hotline_report_shares": Assembly(
        frozenset({"category_label", "category_existed", "reports_derived"}),
        _hotline_shares,
        needs=("kz_hotline_reports",),
    ),
}
