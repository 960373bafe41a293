"""Triangulation: every estimate of one quantity side by side, with where it came from.

``cadata.compare(indicator, iso3=None, year=None)`` lines up every fact of an indicator
(for one country, a year, or all), each with its source chain, and compares every pair.
The rules, also in ``docs/triangulation.md``:

**Estimates.** An estimate is one fact of ``facts`` (every observation of the volume is there
once; Ergashev's Table 1 once, from ``ca_fighter_estimates``). A printed "-" is not an
estimate. ``iso3`` keeps the facts about that country; ``year`` keeps those whose years
include it (``year_start <= year <= year_end``; no ``year_end`` after a ``year_start``, as in
"since 2011", runs on) and every undated one, marked ``dated = False``: an undated estimate
may be of any year.

**Source chain.** paper -> the source the author names (``attributed_to``, resolved by
``fact_sources`` to a ``sources_cited`` id) -> the footnote cited (for an "Ibid.", the earlier
footnote it repeats) -> the outside source that footnote names. Any link the volume does not
print is empty, never guessed.

**Pairs.** Two estimates are compared when they are about the same place: the same ``iso3``,
or, without one, the same printed ``place`` (case folded); and the same quantity: the same
``breakdown`` (``facts.breakdown``, the row's dimensions) but for the dimensions that only say
where, in which group or according to whom a number is (``SCOPE_DIMENSIONS``: theatre,
organization, Table 1's source column). So Uzbek labour migrants in Russia and in Kazakhstan
are never paired, while the Soufan Center's Uzbeks in ISIL in Syria and Karin and Zenn's
Uzbeks in Iraq and Syria are, and the pair says that their scope differs (``same_scope``).

- ``years``: ``same`` (the same years), ``overlap`` (they share a year), ``disjoint`` (no year
  in common) or ``undated`` (one or both have no year: the pair cannot be placed in time).
- ``ranges``: each estimate is the interval of its bounds, ``[low, high]``; "over n" and
  "at least n" are ``[n, no limit)``, "up to n" and "less than n" ``(no limit, n]``; the bounds
  are closed (the volume's "over 500" does not say by how much, so it touches 500), and
  "nearly n" and "about n" are n (no margin is invented). ``equal``, ``contains`` (the first
  contains the second), ``within`` (the first lies within the second), ``overlap``,
  ``disjoint``, or ``no_number`` where one has no bounds.
- ``conflict``: the ranges are ``disjoint`` and the years are not (``same``, ``overlap`` or
  ``undated``: undated estimates are compared as if of the same time, and the pair says so).
  Disjoint ranges of disjoint years are a change over time, not a conflict.
- ``requoted``: the same figure re-quoted: the same low, high and qualifier, and a named source
  in common (the attributed or the cited source of both). Sources the volume only describes
  ("official sources", "open sources") are never taken to be the same source.
- ``errata``: the errata of the volume that list both rows (``errata.affected_rows``, by the
  fact or by the themed row it comes from): where the volume itself presents the pair as a
  problem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cadata.errors import CadataError

if TYPE_CHECKING:
    import pandas as pd

Bounds = tuple[float, float]  # -inf / inf where a bound is open
#: Dimensions of a breakdown that give an estimate's scope or source, not a different quantity.
SCOPE_DIMENSIONS = frozenset({"theatre", "organization", "table_column"})
Years = tuple[float, float]

ESTIMATE_COLUMNS = [
    "fact_id", "as_printed", "low", "high", "qualifier", "unit", "place", "iso3", "period", "year_start", "year_end",
    "dated", "years", "breakdown", "paper_id", "author", "page", "line", "attributed_to", "attributed_source_id", "attributed_source",
    "attributed_kind", "footnote", "cited_footnote", "cited_source_id", "cited_source", "cited_kind", "label", "chain",
    "source_table", "row_key", "quote", "note",
]
PAIR_COLUMNS = [
    "a", "b", "place", "same_scope", "a_as_printed", "b_as_printed", "a_years", "b_years", "a_label", "b_label",
    "years", "ranges", "conflict", "requoted", "errata",
]


# --- the rules ------------------------------------------------------------------------------------


def value_bounds(low: float | None, high: float | None) -> Bounds | None:
    """An estimate's interval: ``[low, high]``, open (infinite) where a bound is not printed;
    None where neither is (no number)."""
    if low is None and high is None:
        return None
    return (-math.inf if low is None else float(low), math.inf if high is None else float(high))


def range_relation(a: Bounds | None, b: Bounds | None) -> str:
    """How two intervals relate: equal, contains (a contains b), within (a within b), overlap,
    disjoint, or no_number. Bounds are closed: [500, inf) and [500, 500] overlap."""
    if a is None or b is None:
        return "no_number"
    if a == b:
        return "equal"
    if a[0] <= b[0] and b[1] <= a[1]:
        return "contains"
    if b[0] <= a[0] and a[1] <= b[1]:
        return "within"
    if a[0] <= b[1] and b[0] <= a[1]:
        return "overlap"
    return "disjoint"


def year_span(start: int | None, end: int | None) -> Years | None:
    """The years an estimate covers; a start without an end ("since 2011") runs on; None if undated."""
    if start is None and end is None:
        return None
    return (-math.inf if start is None else float(start), math.inf if end is None else float(end))


def years_relation(a: Years | None, b: Years | None) -> str:
    """same, overlap (a year in common), disjoint, or undated (one or both have no year)."""
    if a is None or b is None:
        return "undated"
    if a == b:
        return "same"
    return "overlap" if a[0] <= b[1] and b[0] <= a[1] else "disjoint"


def is_conflict(ranges: str, years: str) -> bool:
    """Disjoint ranges whose years are not disjoint (undated counts as possibly the same time)."""
    return ranges == "disjoint" and years != "disjoint"


def is_requoted(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same low, high and qualifier, and a named source (attributed or cited) in common."""
    same_number = all(a.get(k) == b.get(k) for k in ("low", "high", "qualifier")) and value_bounds(a.get("low"), a.get("high")) is not None
    return same_number and bool(set(a.get("named_sources", ())) & set(b.get("named_sources", ())))


def quantity_key(breakdown: str | None) -> str:
    """The dimensions of a breakdown that make a different quantity (``SCOPE_DIMENSIONS`` dropped)."""
    pairs = [p for p in (breakdown or "").split("; ") if p and p.split("=", 1)[0] not in SCOPE_DIMENSIONS]
    return "; ".join(sorted(pairs))


def years_text(start: int | None, end: int | None) -> str:
    """2013, 2013-2016, 2011- (no end stated), or undated."""
    if start is None and end is None:
        return "undated"
    if end is None:
        return f"{start}\u2013"
    if start is None:
        return f"\u2013{end}"
    return str(start) if start == end else f"{start}\u2013{end}"


# --- the comparison -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Every estimate of an indicator (one row each, with its source chain) and every pair."""

    indicator: str
    label: str
    unit: str
    iso3: str | None
    year: int | None
    estimates: pd.DataFrame
    pairs: pd.DataFrame

    @property
    def conflicts(self) -> pd.DataFrame:
        """The pairs that conflict."""
        return self.pairs[self.pairs["conflict"].astype(bool)]

    def __str__(self) -> str:
        import pandas as pd

        where = f" for {self.iso3}" if self.iso3 else ""
        when = f" covering {self.year} (or undated)" if self.year is not None else ""
        n = len(self.estimates)
        if not n:
            return f"{self.indicator} ({self.label}; {self.unit}): no estimates{where}{when}"
        undated = int((~self.estimates["dated"].astype(bool)).sum())
        papers = self.estimates["paper_id"].nunique()
        out = [
            f"{self.indicator} ({self.label}; {self.unit}){where}{when}: {n} estimate{'s' * (n != 1)} from "
            f"{papers} paper{'s' * (papers != 1)}" + (f", {undated} undated (no year printed or stated)" if undated else ""),
            "",
        ]
        shown = self.estimates[["fact_id", "as_printed", "low", "high", "qualifier", "place", "iso3", "years", "label", "paper_id", "page", "line"]]
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250, "display.max_colwidth", 40):
            out.append(shown.to_string(index=False))
            out += ["", "Source chains:"]
            out += [f"  {r.fact_id}: {r.chain}" for r in self.estimates.itertuples()]
            if len(self.pairs):
                columns = ["a", "b", "years", "ranges", "conflict", "requoted", "errata"]
                conflicts = int(self.pairs["conflict"].sum())
                out += ["", f"Pairs of the same place ({len(self.pairs)}; {conflicts} conflict{'s' * (conflicts != 1)}):",
                        self.pairs[columns].to_string(index=False)]
        return "\n".join(out)


def _opt(value: Any) -> Any:
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and bool(pd.isna(value))) else value


def _check_arguments(indicator: object, iso3: object, year: object, known: Iterable[str]) -> tuple[str, str | None, int | None]:
    import difflib
    import re

    names = sorted(known)
    if not isinstance(indicator, str) or indicator not in names:
        close = difflib.get_close_matches(indicator, names, n=3, cutoff=0.6) if isinstance(indicator, str) else []
        hint = f"did you mean {', '.join(close)}? " if close else ""
        shown = repr(indicator)[:80]
        raise CadataError(f"unknown indicator {shown}: {hint}`cadata show indicators` (Python: cadata.load('indicators')) lists the {len(names)} codes")
    if iso3 is not None and (not isinstance(iso3, str) or not re.fullmatch(r"[A-Za-z]{3}", iso3)):
        raise CadataError(f"iso3 must be an ISO 3166-1 alpha-3 code such as 'UZB', not {repr(iso3)[:40]}")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 2100):
        raise CadataError(f"year must be a calendar year such as 2016, not {repr(year)[:40]}")
    return indicator, iso3.upper() if isinstance(iso3, str) else None, year


def _chain(row: dict[str, Any]) -> str:
    """paper, page, line -> attributed source [kind] -> footnote (Ibid. = n) -> cited source [kind]."""

    def kind(code: object) -> str:
        return str(code).replace("_", " ")

    parts = [f"{row['author']}, p. {row['page']}, line {row['line']}"]
    if row["attributed_source"] is not None:
        parts.append(f"{row['attributed_source']} [{kind(row['attributed_kind'])}]")
    elif row["attributed_to"] is None:
        parts.append("no source named in the text")
    if row["footnote"] is not None:
        note = f"footnote {row['footnote']}"
        if row["cited_footnote"] is not None and row["cited_footnote"] != row["footnote"]:
            note += f" (Ibid., = footnote {row['cited_footnote']})"
        parts.append(note)
        if row["cited_source"] is not None:
            parts.append(f"{row['cited_source']} [{kind(row['cited_kind'])}]")
        else:
            parts.append("names no source")
    return " \u2192 ".join(parts)


def _errata_keys(errata: pd.DataFrame) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for erratum, affected in zip(errata["erratum_id"].astype(str), errata["affected_rows"], strict=True):
        if _opt(affected) is not None:
            keys[erratum] = set(str(affected).split("; "))
    return keys


def estimates_of(indicator: str, iso3: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The estimates of ``compare``, one row per fact, with the source chain resolved."""
    import pandas as pd

    from cadata.loading import load

    facts = load("facts")
    known = set(load("indicators")["indicator"].astype(str))
    indicator, iso3, year = _check_arguments(indicator, iso3, year, known)
    picked = facts[facts["indicator"].astype(str) == indicator]
    if iso3 is not None:
        picked = picked[picked["iso3"].astype("string") == iso3]
    if year is not None:
        start = picked["year_start"].astype("Float64")
        end = picked["year_end"].astype("Float64").fillna(math.inf)
        undated = picked["year_start"].isna() & picked["year_end"].isna()
        covers = (start.fillna(-math.inf) <= year) & (end >= year)
        picked = picked[(covers.fillna(False) | undated).astype(bool)]
    sources = load("sources_cited").set_index("source_id")
    links = load("fact_sources").set_index("fact_id")
    papers = load("papers").set_index("paper_id")
    rows: list[dict[str, Any]] = []
    for record in picked.to_dict("records"):
        row = {str(k): _opt(v) for k, v in record.items()}
        link = links.loc[row["fact_id"]].to_dict() if row["fact_id"] in links.index else {}
        attributed = _opt(link.get("attributed_source_id"))
        cited = _opt(link.get("cited_source_id"))
        row.update(
            dated=row["year_start"] is not None or row["year_end"] is not None,
            years=years_text(row["year_start"], row["year_end"]),
            author=str(papers.at[row["paper_id"], "authors"]),
            attributed_source_id=attributed,
            attributed_source=None if attributed is None else str(sources.at[attributed, "name"]),
            attributed_kind=None if attributed is None else str(sources.at[attributed, "kind"]),
            cited_footnote=_opt(link.get("cited_footnote")),
            cited_source_id=cited,
            cited_source=None if cited is None else str(sources.at[cited, "name"]),
            cited_kind=None if cited is None else str(sources.at[cited, "kind"]),
        )
        first = attributed or cited
        surname = row["author"].split()[-1]
        row["label"] = str(sources.at[first, "label"]) if first is not None else f"{surname}, no source named"
        row["chain"] = _chain(row)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
    if len(frame):
        order = frame.assign(
            _dated=~frame["dated"].astype(bool), _start=frame["year_start"].astype("Float64"), _low=frame["low"].astype("Float64"),
        ).sort_values(["_dated", "_start", "_low", "paper_id", "line", "fact_id"], na_position="last", kind="stable")
        frame = frame.loc[order.index].reset_index(drop=True)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("low", "high"):
        out[column] = out[column].astype("Float64")
    for column in ("year_start", "year_end", "page", "line", "footnote", "cited_footnote"):
        out[column] = out[column].astype("Int64")
    out["dated"] = out["dated"].astype("boolean")
    return _strings(out)


def _strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column that is not a number or a boolean as pandas' "string" (missing is <NA>)."""
    import pandas as pd

    for column in frame.columns:
        dtype = frame[column].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            frame[column] = frame[column].astype("string")
    return frame


def pairs_of(estimates: pd.DataFrame) -> pd.DataFrame:
    """Every pair of estimates of the same place, by the rules of this module."""
    import pandas as pd

    from cadata.loading import load

    sources = load("sources_cited").set_index("source_id")
    named = {str(s) for s, n in zip(sources.index, sources["named"], strict=True) if bool(n)}
    errata = _errata_keys(load("errata"))
    rows = [{str(k): _opt(v) for k, v in r.items()} for r in estimates.to_dict("records")]
    for row in rows:
        row["named_sources"] = {s for s in (row["attributed_source_id"], row["cited_source_id"]) if s in named}
        row["keys"] = {f"facts:{row['fact_id']}"} | ({f"{row['source_table']}:{row['row_key']}"} if row["source_table"] else set())
        place = row["iso3"] or (str(row["place"]).casefold() if row["place"] else None)
        row["place_key"] = None if place is None else (place, quantity_key(row["breakdown"]))
    pairs: list[dict[str, Any]] = []
    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if a["place_key"] is None or a["place_key"] != b["place_key"]:
                continue
            years = years_relation(year_span(a["year_start"], a["year_end"]), year_span(b["year_start"], b["year_end"]))
            ranges = range_relation(value_bounds(a["low"], a["high"]), value_bounds(b["low"], b["high"]))
            listed = sorted(e for e, keys in errata.items() if keys & a["keys"] and keys & b["keys"])
            pairs.append({
                "a": a["fact_id"], "b": b["fact_id"], "place": a["iso3"] or a["place"],
                "same_scope": (a["breakdown"] or "") == (b["breakdown"] or ""),
                "a_as_printed": a["as_printed"], "b_as_printed": b["as_printed"], "a_years": a["years"], "b_years": b["years"],
                "a_label": a["label"], "b_label": b["label"], "years": years, "ranges": ranges,
                "conflict": is_conflict(ranges, years), "requoted": is_requoted(a, b), "errata": "; ".join(listed) or None,
            })
    frame = pd.DataFrame(pairs, columns=PAIR_COLUMNS)
    frame["conflict"] = frame["conflict"].astype("boolean")
    frame["same_scope"] = frame["same_scope"].astype("boolean")
    frame["requoted"] = frame["requoted"].astype("boolean")
    return _strings(frame)


def compare(indicator: str, iso3: str | None = None, year: int | None = None) -> Comparison:
    """Every estimate of ``indicator`` in the volume, one row each with its source chain, and
    every pair of them compared (the rules are this module's docstring).

        cadata.compare("foreign_fighters", iso3="UZB")           # .estimates, .pairs, .conflicts
        print(cadata.compare("fighters_relocated", iso3="AFG"))  # ISIL fighters in Afghanistan
    """
    from cadata.loading import load

    estimates = estimates_of(indicator, iso3, year)
    register = load("indicators").set_index("indicator")
    return Comparison(
        indicator=indicator, label=str(register.at[indicator, "label"]), unit=str(register.at[indicator, "unit"]),
        iso3=iso3.upper() if iso3 else None, year=year, estimates=estimates, pairs=pairs_of(estimates),
    )


def comparable(minimum: int = 2) -> list[tuple[str, str]]:
    """(indicator, iso3) of every country-level quantity with at least ``minimum`` estimates of one
    quantity (``quantity_key``) from more than one source or paper: what the site charts."""
    from cadata.loading import load

    facts = load("facts")
    links = load("fact_sources").set_index("fact_id")
    groups: dict[tuple[str, str, str], set[tuple[str, object]]] = {}
    sizes: dict[tuple[str, str, str], int] = {}
    for row in facts[facts["iso3"].notna()].itertuples():
        key = (str(row.indicator), str(row.iso3), quantity_key(_opt(row.breakdown)))
        source = _opt(links.at[row.fact_id, "attributed_source_id"]) if row.fact_id in links.index else None
        groups.setdefault(key, set()).add((str(row.paper_id), source))
        sizes[key] = sizes.get(key, 0) + 1
    return sorted({(k[0], k[1]) for k, who in groups.items() if sizes[k] >= minimum and len(who) > 1})
