"""Table-level rules beyond one column's constraints, shared by build and validate.

A rule takes the table and the other tables it needs, and returns a boolean Series
aligned with the table's rows: True where the row keeps the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cadata import derive
from cadata._countries import ISO3, ISO3166_ALPHA3
from cadata.observation import holds_observations, point_value

if TYPE_CHECKING:
    import pandas as pd

Tables = Mapping[str, "pd.DataFrame"]
SHARE_SUM_TOLERANCE = 0.05  # percentage points: printed shares are rounded to 0.01


@dataclass(frozen=True)
class Rule:
    """A named check over whole rows."""

    name: str
    description: str
    check: Callable[[pd.DataFrame, Tables], pd.Series]
    needs: tuple[str, ...] = ()


Row = dict[str, Any]


def _rowwise(df: pd.DataFrame, ok: Callable[[Row], bool], *columns: str) -> pd.Series:
    """``ok`` of each row, a dict of the named ``columns`` (those the table has) holding the
    cells as ``to_dict("records")`` gives them: Python scalars, ``pd.NA``."""
    import pandas as pd

    names = [c for c in columns if c in df.columns]
    cells = zip(*(df[c].tolist() for c in names)) if names else iter([()] * len(df))
    return pd.Series([bool(ok(dict(zip(names, row)))) for row in cells], index=df.index, dtype=bool)


def _na(value: Any) -> bool:
    if value is None:
        return True
    if type(value) in (str, int, bool):  # never empty: the common cells, without pandas
        return False
    import pandas as pd

    return bool(pd.isna(value))


def _opt(value: Any) -> Any:
    return None if _na(value) else value


def _low_le_high(df: pd.DataFrame, _: Tables) -> pd.Series:
    return _rowwise(df, lambda r: _na(r["low"]) or _na(r["high"]) or r["low"] <= r["high"], "low", "high")


#: (name column, code column) pairs whose codes are checked against the names.
COUNTRY_COLUMNS = (("country", "iso3"), ("place", "iso3"), ("destination", "destination_iso3"))


def _iso3_pairs(columns: list[str]) -> list[tuple[str, str]]:
    return [(n, c) for n, c in COUNTRY_COLUMNS if n in columns and c in columns]


def _iso3_matches_country(df: pd.DataFrame, _: Tables) -> pd.Series:
    codes = ISO3166_ALPHA3
    pairs = _iso3_pairs(list(df.columns))

    def ok(r: Row) -> bool:
        for name, code in pairs:
            known = ISO3.get(str(r[name]))
            if _na(r[code]):
                if known is not None:
                    return False
            elif r[code] not in codes or (known is not None and known != r[code]):
                return False
        return True

    return _rowwise(df, ok, *(c for pair in _iso3_pairs(list(df.columns)) for c in pair))


@functools.lru_cache(maxsize=4096)
def _read_bounds(printed: str | None, percent: bool) -> tuple[float | None, float | None, str | None] | None:
    """``derive.read_bounds``, once per printed text (facts repeats the themed tables' texts)."""
    return derive.read_bounds(printed, percent)


def _estimate_matches_print(df: pd.DataFrame, _: Tables) -> pd.Series:
    def ok(r: Row) -> bool:
        percent = r.get("unit") == "percent"
        printed = None if _na(r["as_printed"]) else str(r["as_printed"])
        return _read_bounds(printed, percent) == (_opt(r["low"]), _opt(r["high"]), _opt(r["qualifier"]))

    return _rowwise(df, ok, "unit", "as_printed", "low", "high", "qualifier")


def _value_is_point_of_bounds(df: pd.DataFrame, _: Tables) -> pd.Series:
    return _rowwise(df, lambda r: _opt(r["value"]) == point_value(_opt(r["low"]), _opt(r["high"]), _opt(r["qualifier"])), "value", "low", "high", "qualifier")


def _years_in_order(df: pd.DataFrame, _: Tables) -> pd.Series:
    return _rowwise(df, lambda r: _na(r["year_start"]) or _na(r["year_end"]) or r["year_start"] <= r["year_end"], "year_start", "year_end")


def _unit_kinds(tables: Tables) -> dict[str, str]:
    units = tables.get("units")
    return {} if units is None else dict(zip(map(str, units["unit"].tolist()), map(str, units["kind"].tolist()), strict=True))


def _percent_in_range(df: pd.DataFrame, _: Tables) -> pd.Series:
    def ok(r: Row) -> bool:
        return r["unit"] != "percent" or all(_na(r[c]) or 0 <= r[c] <= 100 for c in ("low", "high"))

    return _rowwise(df, ok, "unit", "low", "high")


def _count_not_negative(df: pd.DataFrame, tables: Tables) -> pd.Series:
    kinds = _unit_kinds(tables)

    def ok(r: Row) -> bool:
        return kinds.get(str(r["unit"])) != "count" or all(_na(r[c]) or r[c] >= 0 for c in ("low", "high"))

    return _rowwise(df, ok, "unit", "low", "high")


def _unit_of_indicator(df: pd.DataFrame, tables: Tables) -> pd.Series:
    register = tables.get("indicators")
    units = {} if register is None else dict(zip(map(str, register["indicator"].tolist()), map(str, register["unit"].tolist()), strict=True))
    return _rowwise(df, lambda r: units.get(str(r["indicator"])) == r["unit"], "indicator", "unit")


def _shares_sum_to_100(df: pd.DataFrame, _: Tables) -> pd.Series:
    sums = df.groupby("year_start", observed=True)["value"].transform("sum")
    return ((sums - 100).abs() <= SHARE_SUM_TOLERANCE).astype(bool)


def _every_year_has_every_category(df: pd.DataFrame, _: Tables) -> pd.Series:
    n_categories = df["category"].nunique()
    counts = df.groupby("year_start", observed=True)["category"].transform("count")
    return (counts == n_categories).astype(bool)


def _absent_category_printed_zero(df: pd.DataFrame, _: Tables) -> pd.Series:
    return _rowwise(df, lambda r: bool(r["category_existed"]) or r["value"] == 0, "category_existed", "value")


def _reports_derived_by_rule(df: pd.DataFrame, tables: Tables) -> pd.Series:
    reports = tables["kz_hotline_reports"]
    totals = dict(zip(reports["year_start"], reports["value"], strict=True))

    def ok(r: Row) -> bool:
        if not r["category_existed"]:
            return _na(r["reports_derived"])
        total = totals.get(r["year_start"])
        if total is None or _na(r["reports_derived"]):
            return False
        return bool(r["reports_derived"] == derive.reports_from_share(float(r["value"]), int(total)))

    return _rowwise(df, ok, "category_existed", "reports_derived", "year_start", "value")


def _parts_sum_to_total(df: pd.DataFrame, _: Tables) -> pd.Series:
    """Rows other than the all_sources row add up to it."""
    total = df.loc[df["source"] == "all_sources", "value"]
    parts = df.loc[df["source"] != "all_sources", "value"].sum()
    ok = len(total) == 1 and parts == total.iloc[0]
    return df["source"].map(lambda _: ok).astype(bool)


#: Profile categories whose counts must add up to a row of kg_fighter_study_sample.
PROFILE_SUMS = {
    "education": (("secondary_complete", "university", "secondary_incomplete"), "all_sources"),
    "custody_status": (("released_from_prison", "in_custody"), "fighter_interviews"),
}


def _profile_sums_match_sample(df: pd.DataFrame, tables: Tables) -> pd.Series:
    sample = tables["kg_fighter_study_sample"].set_index("source")["value"]
    bad: set[str] = set()
    for dimension, (categories, source) in PROFILE_SUMS.items():
        rows = df[(df["dimension"] == dimension) & df["category"].isin(categories)]
        if len(rows) != len(categories) or rows["value"].sum() != sample.get(source):
            bad.add(dimension)
    return ~df["dimension"].isin(bad)


def _expert_countries_add_up(df: pd.DataFrame, _: Tables) -> pd.Series:
    """The countries represented are the participating States plus the Partners."""
    value = dict(zip(df["category"], df["value"], strict=True))
    ok = value.get("all_countries") == value.get("osce_participating_states", 0) + value.get("partners_for_co_operation", 0)
    return df["category"].map(lambda _: ok).astype(bool)


RULES: dict[str, list[Rule]] = {
    "osce_conference_expert_countries": [
        Rule("parts_sum_to_total", "participating States and Partners add up to all countries represented", _expert_countries_add_up),
    ],
    "kg_fighter_study_sample": [
        Rule("parts_sum_to_total", "the life stories by source add up to the all_sources row", _parts_sum_to_total),
    ],
    "kg_fighter_study_profile": [
        Rule(
            "profile_sums_match_sample",
            "education levels add up to all life stories, custody statuses to the interviewed fighters (kg_fighter_study_sample)",
            _profile_sums_match_sample,
            needs=("kg_fighter_study_sample",),
        ),
    ],
    "kz_hotline_report_shares": [
        Rule("shares_sum_to_100", f"a year's shares sum to 100 within {SHARE_SUM_TOLERANCE} points", _shares_sum_to_100),
        Rule("every_year_has_every_category", "each year has one row per category", _every_year_has_every_category),
        Rule("absent_category_printed_zero", "a category that did not exist yet is printed 0,00", _absent_category_printed_zero),
        Rule(
            "reports_derived_by_rule",
            "reports_derived = round_half_up(value / 100 x the year's kz_hotline_reports value), empty where the category did not exist",
            _reports_derived_by_rule,
            needs=("kz_hotline_reports",),
        ),
    ],
}

#: Rules every table with the named columns keeps.
GENERIC_RULES: list[tuple[tuple[str, ...], Rule]] = [
    (("low", "high"), Rule("low_le_high", "low <= high", _low_le_high)),
    (
        ("as_printed", "low", "high", "qualifier"),
        Rule("estimate_matches_print", "low, high and qualifier are as_printed read by cadata.derive.read_bounds", _estimate_matches_print),
    ),
    (("year_start", "year_end"), Rule("years_in_order", "year_start <= year_end", _years_in_order)),
]
#: Rules of the observation model, kept by every table that holds observations (derived columns included).
OBSERVATION_RULES: list[Rule] = [
    Rule("value_is_point_of_bounds", "value is low where low = high and the qualifier is empty, nearly or about; else empty",
         _value_is_point_of_bounds),
    Rule("unit_of_indicator", "unit is the indicator's unit in the indicators register", _unit_of_indicator, needs=("indicators",)),
    Rule("percent_in_range", "a percent is between 0 and 100", _percent_in_range),
    Rule("count_not_negative", "a count is not negative", _count_not_negative, needs=("units",)),
]


def foreign_keys(schema: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(field, referenced table, referenced field) for each single-field foreign key."""
    keys = []
    for fk in schema.get("foreignKeys", []):
        fields, ref = fk["fields"], fk["reference"]
        ref_fields = ref["fields"]
        field = fields if isinstance(fields, str) else fields[0]
        ref_field = ref_fields if isinstance(ref_fields, str) else ref_fields[0]
        keys.append((field, str(ref["resource"]), ref_field))
    return keys


def needs(name: str, schema: dict[str, Any]) -> set[str]:
    """The other tables a table's rules and foreign keys read."""
    observation = {n for r in OBSERVATION_RULES for n in r.needs} if holds_observations(schema) else set()
    return {n for r in RULES.get(name, []) for n in r.needs} | {ref for _, ref, _ in foreign_keys(schema) if ref != name} | observation


def _foreign_key_rule(field: str, ref: str, ref_field: str) -> Rule:
    def check(df: pd.DataFrame, tables: Tables) -> pd.Series:
        import pandas as pd

        # compared as text (``str`` of each cell, as ``astype(str)`` writes it), empty cells aside
        allowed = {str(v) for v in tables[ref][ref_field].tolist() if not _na(v)} if ref in tables else set()
        return pd.Series([_na(v) or str(v) in allowed for v in df[field].tolist()], index=df.index, dtype=bool)

    return Rule(f"foreign_key_{field}", f"{field} is a {ref_field} of {ref}", check, needs=(ref,))


def rules_for(name: str, columns: list[str], schema: dict[str, Any] | None = None) -> list[Rule]:
    """The rules a table keeps: the generic ones its (printed, not derived) columns call for, then its own."""
    derived = {f["name"] for f in (schema or {}).get("fields", []) if f.get("derived")}
    rules = [rule for needed, rule in GENERIC_RULES if all(c in columns and c not in derived for c in needed)]
    if holds_observations(schema or {}):
        rules += OBSERVATION_RULES
    if _iso3_pairs(columns):
        rules.append(
            Rule("iso3_matches_country", "each code is an ISO 3166-1 alpha-3 code and, where the name is a country cadata knows, that country's", _iso3_matches_country)
        )
    rules += [_foreign_key_rule(*key) for key in foreign_keys(schema or {}) if key[1] != name]
    return rules + RULES.get(name, [])


ERRATUM_MARKER = re.compile(r"\[erratum (E\d{3})\]")


def row_key(frame: pd.DataFrame, schema: dict[str, Any], index: int) -> str:
    """A row's primary key values joined by "|" (how errata and facts name a row)."""
    return "|".join(str(frame.iloc[index][k]) for k in schema.get("primaryKey", []))


def row_keys(frame: pd.DataFrame, schema: dict[str, Any]) -> list[str]:
    """``row_key`` of every row, a column at a time."""
    columns = [frame[k].tolist() for k in schema.get("primaryKey", [])]
    return ["|".join(str(v) for v in cells) for cells in zip(*columns)] if columns else [""] * len(frame)


def errata_link_problems(tables: Tables, schemas: Mapping[str, dict[str, Any]]) -> list[tuple[str, int | None, str]]:
    """Broken links between errata and the rows they touch, both ways: (table, row, problem).

    Every row an erratum lists must exist and carry "[erratum Exxx]" in its note; every
    such marker must name an erratum that lists the row.
    """
    import pandas as pd

    if "errata" not in tables:
        return []
    errata = tables["errata"]
    listed: dict[tuple[str, str], set[str]] = {}
    problems: list[tuple[str, int | None, str]] = []
    for position, (erratum, affected) in enumerate(zip(errata["erratum_id"], errata["affected_rows"], strict=True)):
        if pd.isna(affected):
            continue
        for entry in str(affected).split("; "):
            table, _, key = entry.partition(":")
            listed.setdefault((table, key), set()).add(str(erratum))
            if table not in tables:
                problems.append(("errata", position, f"affected_rows names table {table!r}, which does not exist"))
    for table, frame in tables.items():
        if "note" not in frame.columns or table not in schemas:
            continue
        keys = {key: i for i, key in enumerate(row_keys(frame, schemas[table]))}
        notes = frame["note"].tolist()
        for (t, key), ids in listed.items():
            if t != table:
                continue
            if key not in keys:
                problems.append(("errata", None, f"{', '.join(sorted(ids))} lists {table}:{key}, which is not a row"))
                continue
            note = notes[keys[key]]
            marked = set(ERRATUM_MARKER.findall("" if pd.isna(note) else str(note)))
            for erratum in sorted(ids - marked):
                problems.append((table, keys[key], f"note lacks [erratum {erratum}], which lists this row"))
        for key, position in keys.items():
            note = notes[position]
            for erratum in ERRATUM_MARKER.findall("" if pd.isna(note) else str(note)):
                if erratum not in listed.get((table, key), set()):
                    problems.append((table, position, f"note cites [erratum {erratum}], which does not list this row"))
    return problems


# --- fact_sources: the chain of a number (cadata.triangulate) -------------------------------------


def _attribution_resolved(df: pd.DataFrame, _: Tables) -> pd.Series:
    return _rowwise(df, lambda r: _na(r["attributed_to"]) == _na(r["attributed_source_id"]), "attributed_to", "attributed_source_id")


def _cited_footnote_is_the_facts(df: pd.DataFrame, tables: Tables) -> pd.Series:
    """cited_footnote is empty exactly when cited_source_id is; it is the fact's footnote, or an
    earlier footnote where the fact's footnote is "Ibid."."""
    notes = tables.get("footnotes")
    texts = {} if notes is None else dict(zip(notes["footnote"].astype(int), notes["text"].astype(str), strict=True))

    def ok(r: Row) -> bool:
        if _na(r["cited_footnote"]) != _na(r["cited_source_id"]):
            return False
        if _na(r["cited_footnote"]):
            return True
        if _na(r["footnote"]):
            return False
        own, cited = int(r["footnote"]), int(r["cited_footnote"])
        return cited == own or (cited < own and texts.get(own, "").strip().lower().startswith("ibid"))

    return _rowwise(df, ok, "cited_footnote", "cited_source_id", "footnote")


def _one_source_per_footnote(df: pd.DataFrame, _: Tables) -> pd.Series:
    sources = df.groupby("cited_footnote", observed=True)["cited_source_id"].transform("nunique")
    return (sources.fillna(1) <= 1).astype(bool)


def _same_paper_as_fact(df: pd.DataFrame, tables: Tables) -> pd.Series:
    facts = tables.get("facts")
    papers = {} if facts is None else dict(zip(facts["fact_id"].astype(str), facts["paper_id"].astype(str), strict=True))
    return _rowwise(df, lambda r: papers.get(str(r["fact_id"])) == r["paper_id"], "fact_id", "paper_id")


RULES["fact_sources"] = [
    Rule("attribution_resolved", "attributed_source_id is set exactly where the fact's attributed_to is", _attribution_resolved),
    Rule("cited_footnote_is_the_facts", "cited_footnote is set exactly with cited_source_id, and is the fact's footnote or, for an "
         "Ibid., an earlier one", _cited_footnote_is_the_facts, needs=("footnotes",)),
    Rule("one_source_per_footnote", "every row citing one footnote names the same source", _one_source_per_footnote),
    Rule("same_paper_as_fact", "the attribution is printed in the fact's paper", _same_paper_as_fact, needs=("facts",)),
]
