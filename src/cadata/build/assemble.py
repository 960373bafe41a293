"""Per-table assembly: the columns the build adds to a curated table (joins, derived)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata import derive
from cadata.build.inputs import read_rows, where
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
REGISTERS = frozenset({"papers", "footnotes", "events", "facts", "errata"})
#: Themed tables whose as_printed is a date, not a quantity (their years are events).
DATE_TABLES = frozenset({"osce_field_presence_events"})
#: Columns that name a fact's place and period in themed tables, in order of preference.
PLACE_COLUMNS = ("country", "origin", "destination", "place")
PERIOD_COLUMNS = ("period", "year")
#: Columns that say what a themed row counts, used to describe its fact.
WHAT_COLUMNS = ("measure", "indicator", "dimension", "category", "statistic", "parameter", "figure", "item",
                "claim", "question", "status", "result", "component", "programme", "project", "institution", "source")


def _hotline_shares(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Join the category labels and creation years; derive existence and report counts."""
    import pandas as pd

    path = curated / "kz_hotline_report_categories.csv"
    _, rows = read_rows(path)
    labels = {r["category"]: r["label"] for r in rows}
    created = {r["category"]: int(r["created_year"]) if r["created_year"] else None for r in rows}
    unknown = [
        f"{where(curated / 'kz_hotline_report_shares.csv', i, 'category')}: category {c!r} is not in {path.name}"
        for i, c in enumerate(df["category"])
        if not pd.isna(c) and c not in labels
    ]
    if unknown:
        raise CuratedDataError(unknown)
    totals = dict(zip(tables["kz_hotline_reports"]["year"], tables["kz_hotline_reports"]["reports"], strict=True))
    existed = [derive.category_existed(int(y), created[c]) for y, c in zip(df["year"], df["category"], strict=True)]
    derived = [
        derive.reports_from_share(float(s), int(totals[y])) if e and y in totals else None
        for s, y, e in zip(df["share_pct"], df["year"], existed, strict=True)
    ]
    out = df.copy()
    out.insert(2, "category_label", pd.Series([labels[c] for c in df["category"]], dtype="string"))
    out.insert(5, "category_existed", pd.Series(existed, dtype="boolean"))
    out.insert(6, "reports_derived", pd.Series(derived, dtype="Int64"))
    return out


#: Ergashev's Table 1 columns, as fighter_estimates measures and attributions.
TABLE1_COLUMNS = {
    "fighters_open_sources": ("fighters", "open sources"),
    "fighters_intelligence_services": ("fighters", "intelligence services"),
    "killed": ("killed", "not stated"),
    "returned": ("returned", "not stated"),
    "convicted": ("convicted", "not stated"),
}


def _fighter_estimates(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """Append Ergashev's Table 1 (ca_fighter_estimates), one row per cell, to the text's estimates.

    The cells are curated once, in ca_fighter_estimates; here they only change shape.
    """
    import pandas as pd

    rows = []
    for cell in tables["ca_fighter_estimates"].to_dict("records"):
        measure, attributed_to = TABLE1_COLUMNS[str(cell["indicator"])]
        number = list(TABLE1_COLUMNS).index(str(cell["indicator"])) + 1
        rows.append(
            {
                "estimate_id": f"{cell['paper_id']}-{cell['line']}-{number}",
                "origin": cell["country"], "origin_iso3": cell["iso3"], "theatre": "syria_iraq",
                "organization": "any", "measure": measure, "period": None, "period_start": None,
                "period_end": None, "low": cell["low"], "high": cell["high"], "qualifier": cell["qualifier"],
                "as_printed": cell["as_printed"], "attributed_to": attributed_to, "footnote": None,
                "source_table": "ergashev_table_1", "note": cell["note"], "paper_id": cell["paper_id"],
                "page": cell["page"], "line": cell["line"], "quote": cell["quote"],
            }
        )
    table1 = pd.DataFrame(rows, columns=list(df.columns)).astype(df.dtypes.to_dict())
    return pd.concat([df, table1], ignore_index=True)


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


def _fact_numbers(row: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(low, high, qualifier) of a themed row's printed number; all empty if it cannot be read
    (the facts table's estimate_matches_print rule then stops the build)."""
    return derive.read_bounds(str(row.get("as_printed"))) or (None, None, None)


def themed_facts(tables: Tables, schemas: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One fact per printed number of every themed table, linked to its row (derived)."""
    import pandas as pd

    facts: list[dict[str, Any]] = []
    counters: dict[tuple[str, int], int] = {}
    for name in sorted(tables):
        frame = tables[name]
        if name in REGISTERS or name in DATE_TABLES or "as_printed" not in frame.columns:
            continue
        schema = schemas[name]
        key = list(schema.get("primaryKey", []))
        units = {f["name"]: f.get("unit") for f in schema["fields"]}
        title = str(schema.get("title") or name)
        for record in frame.to_dict("records"):
            row = {str(k): v for k, v in record.items()}
            printed = row.get("as_printed")
            if printed is None or pd.isna(printed) or printed == "-":
                continue
            low, high, qualifier = _fact_numbers(row)
            paper, line = str(row["paper_id"]), int(row["line"])
            counters[(paper, line)] = counters.get((paper, line), 0) + 1
            place = next((row[c] for c in PLACE_COLUMNS if c in row and not pd.isna(row[c])), None)
            code = next((row[c] for c in ("iso3", "origin_iso3", "destination_iso3") if c in row and not pd.isna(row[c])), None)
            period = next((str(row[c]) for c in PERIOD_COLUMNS if c in row and not pd.isna(row[c])), None)
            unit = row.get("unit") if "unit" in row and not pd.isna(row.get("unit")) else units.get("value") or units.get("low") or units.get("reports") or units.get("share_pct") or ""
            facts.append(
                {
                    "fact_id": f"{paper}-{line}-t{counters[(paper, line)]}",
                    "measure": f"{title}: " + ", ".join(
                        str(row[c]) for c in (*WHAT_COLUMNS, *PLACE_COLUMNS) if c in row and not pd.isna(row[c])
                    ),
                    "unit": str(unit or "see table"),
                    "low": low, "high": high, "qualifier": qualifier, "as_printed": printed,
                    "place": place, "iso3": code, "period": period,
                    "attributed_to": row.get("attributed_to") if not pd.isna(row.get("attributed_to", None)) else None,
                    "footnote": row.get("footnote") if "footnote" in row and not pd.isna(row["footnote"]) else None,
                    "table": name, "row_key": "|".join(str(row[k]) for k in key),
                    "note": None, "paper_id": paper, "page": row["page"], "line": line, "quote": row["quote"],
                }
            )
    return facts


def _facts(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    """The text's facts (curated) and every themed table's numbers (derived), with value derived."""
    import json

    import pandas as pd

    from cadata.build.inputs import read_yaml

    schemas = {name: json.loads((curated.parent / "schemas" / f"{name}.json").read_text(encoding="utf-8")) for name in tables}
    for name, schema in schemas.items():
        schema["title"] = str(read_yaml(curated / f"{name}.yaml").get("title", name))
    derived = pd.DataFrame(themed_facts(tables, schemas), columns=[c for c in df.columns if c not in ("value",)] + ["table", "row_key"])
    out = pd.concat([df.assign(table=None, row_key=None), derived], ignore_index=True)
    for column in ("low", "high"):
        out[column] = pd.to_numeric(out[column]).astype("Float64")
    for column in ("footnote", "page", "line"):
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    out["value"] = [
        low if not pd.isna(low) and not pd.isna(high) and low == high and (pd.isna(q) or q in ("nearly", "about")) else None
        for low, high, q in zip(out["low"], out["high"], out["qualifier"], strict=True)
    ]
    out["value"] = out["value"].astype("Float64")
    return out


def _unchanged(df: pd.DataFrame, tables: Tables, curated: Path) -> pd.DataFrame:
    return df


ASSEMBLIES: dict[str, Assembly] = {
    "errata": Assembly(frozenset(), _unchanged, needs_all=True),
    "facts": Assembly(frozenset({"value", "table", "row_key"}), _facts, needs_themed=True),
    "papers": Assembly(frozenset({"first_page", "last_page", "page"}), _papers),
    "fighter_estimates": Assembly(frozenset(), _fighter_estimates, needs=("ca_fighter_estimates",)),
    "kz_hotline_report_shares": Assembly(
        frozenset({"category_label", "category_existed", "reports_derived"}),
        _hotline_shares,
        needs=("kz_hotline_reports",),
    ),
}
