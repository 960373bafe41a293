"""Compare the curated tables with the independent second transcription.

Each table in ``checks/second_transcription/`` was transcribed blind, by someone
who did not see ``curated/``. This script lines the two up by key and reports every
cell where they differ, and every key that only one of them has. Run it from the
checkout: ``python checks/compare_transcriptions.py`` (exit 1 on any difference).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECOND = ROOT / "checks" / "second_transcription"

#: table -> (key columns, compared columns); the second transcription has these columns.
#: The second transcriptions were made for 0.1.0 and keep its column names; VIEWS below
#: gives, for the tables the observation model (0.2.0) changed, each such column from the
#: curated row (see checks/migrations/observation_model_0_2_0.py). Units are now codes the
#: indicator fixes, so the transcribers' unit words are no longer compared; indicator,
#: iso3 and years are compared by observation_model.csv.
COMPARED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kz_hotline_reports": (("year",), ("as_printed", "reports", "line")),
    "kz_hotline_report_shares": (("year", "category"), ("as_printed", "share_pct", "line")),
    "ca_fighter_estimates": (("country", "indicator"), ("as_printed", "low", "high", "qualifier", "line")),
    "source_pages": (("page",), ("first_line", "basis")),
    "papers": (("paper_id",), ("title", "authors", "session", "first_line", "last_line", "line")),
    "kz_hotline_report_categories": (("category",), ("row_number", "label", "created_year", "line")),
    "osce_conference_expert_countries": (('category',), ('iso3', 'value', 'as_printed', 'line')),
    "ca_nato_partnership_participation": (('programme', 'country'), ('iso3', 'value', 'as_printed', 'line')),
    "kg_fighter_study_design": (('parameter',), ('value', 'as_printed', 'quantity_words', 'line')),
    "uz_fighter_source_interviews": (('study',), ('period_start', 'period_end', 'value', 'as_printed', 'footnote', 'line')),
    # event_type and iso3 classify an event; the curators assign them (RESOLUTIONS.md)
    "events": (("event_id",), ("line", "date", "date_end", "date_precision", "date_as_printed")),
    # unit and iso3 of a fact are descriptions the curators assign, not transcriptions (RESOLUTIONS.md)
    "facts": (("line", "low", "high"), ("qualifier", "as_printed", "footnote")),
    "footnotes": (("footnote",), ("paper_id", "marker_line", "cited_year", "urls", "extraction_damaged", "line")),
    "kg_fighter_study_sample": (("source",), ("as_printed", "value", "line")),
    "kg_fighter_study_age": (("statistic", "item"), ("as_printed", "low", "high", "qualifier", "line")),
    "kg_fighter_study_profile": (("dimension", "category"), ("as_printed", "value", "quantity_words", "line")),
    "fighter_estimates": (
        ("line", "measure", "low", "high"),
        ("origin_iso3", "period_start", "period_end", "qualifier", "as_printed", "footnote"),
    ),
    "pew_muslim_attitudes": (("iso3", "question"), ("value", "as_printed", "footnote", "line")),
    "kg_youth_media_study_design": (("parameter",), ("as_printed", "low", "high", "qualifier", "footnote", "line")),
    "kg_youth_media_study_results": (("result",), ("as_printed", "low", "high", "qualifier", "footnote", "line")),
    "kz_internet_users": (("year", "measure"), ("value", "as_printed", "footnote", "line")),
    "kz_hotline_organisation": (("figure",), ("value", "year", "month", "as_printed", "line")),
    "osce_field_operations_budget_2017": (
        ("item", "measure"),
        ("iso3", "low", "high", "qualifier", "as_printed", "footnote", "line"),
    ),
    "osce_field_presence_events": (
        ("place", "event"),
        ("iso3", "year", "month", "qualifier", "as_printed", "footnote", "line"),
    ),
    "united_cyber_caliphate_claims": (
        ("claim",),
        ("period_start", "period_end", "low", "high", "qualifier", "as_printed", "footnote", "line"),
    ),
    "uz_labour_migrants": (
        ("destination", "status"),
        ("destination_iso3", "year", "low", "high", "qualifier", "as_printed", "line"),
    ),
    "uz_afghanistan_infrastructure_projects": (("project", "measure"), ("low", "high", "qualifier", "as_printed", "line")),
    "uz_islamic_education_institutions": (("institution", "measure"), ("value", "as_printed", "footnote", "line")),
}
#: The judgement columns of the observation model (0.2.0), transcribed blind
#: (checks/second_transcription/observation_model.csv); compared by ``compare("observation_model")``.
OBSERVATION_MODEL = (("table", "row_key"), ("indicator", "iso3", "year_start", "year_end"))
#: 0.1.0 tables merged into facts in 0.2.0: their second transcriptions are compared with
#: the facts they became, by line and printed text.
MERGED = ("af_isil_presence", "al_qaeda_network_reach", "ca_muslim_religiosity", "cybercrime_convention_states_2005",
          "isil_media_network", "kg_facebook_users", "kz_information_society_programme", "kz_recruitment_risk_figures",
          "uz_population", "isil_al_qaeda_propaganda_indicators")
MERGED_COMPARED = (("line", "as_printed"), ("low", "high", "qualifier"))
#: 0.1.0 unit words for shares of one: 0.2.0 holds every share in percent (0-100).
FRACTION_UNITS = {"fraction", "fraction_of_users", "fraction of the population", "fraction of users"}


def _migration() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("migration", ROOT / "checks" / "migrations" / "observation_model_0_2_0.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reverse(mapping: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in mapping.items()}


def _views() -> dict[str, dict[str, object]]:
    """table -> 0.1.0 column -> the curated 0.2.0 column it is, or a function of the row."""
    m = _migration()
    budget = {v: k[1] for k, v in getattr(m, "OSCE_BUDGET").items()}
    fighters = _reverse(getattr(m, "FIGHTER_MEASURES"))
    fighters.update(foreign_fighters="fighters", armed_group_fighters="fighters", foreign_fighters_killed="killed",
                    foreign_fighters_returned="returned", foreign_fighters_convicted="convicted")

    def origin_iso3(row: dict[str, str]) -> str:
        from_theatre = row["indicator"] == "armed_group_fighters" or (row["indicator"] == "fighters_relocated" and row["iso3"] == "AFG")
        return "" if from_theatre else row["iso3"]

    return {
        "kz_hotline_reports": {"year": "year_start", "reports": "low"},
        "kz_hotline_report_shares": {"year": "year_start", "share_pct": "low"},
        "ca_fighter_estimates": {"country": "place", "indicator": "table_column"},
        "osce_conference_expert_countries": {"value": "low"},
        "ca_nato_partnership_participation": {"country": "place", "value": "low"},
        "kg_fighter_study_design": {"parameter": lambda r: _reverse(getattr(m, "KG_DESIGN"))[r["indicator"]], "value": "low"},
        "uz_fighter_source_interviews": {"period_start": "year_start", "period_end": "year_end", "value": "low"},
        "kg_fighter_study_sample": {"value": "low"},
        "kg_fighter_study_profile": {"value": "low"},
        "fighter_estimates": {"measure": lambda r: fighters[r["indicator"]], "origin_iso3": origin_iso3,
                              "period_start": "year_start", "period_end": "year_end"},
        "pew_muslim_attitudes": {"question": lambda r: _reverse(getattr(m, "PEW"))[r["indicator"]], "value": "low"},
        "kg_youth_media_study_design": {"parameter": lambda r: _reverse(getattr(m, "SFCG_DESIGN"))[r["indicator"]]},
        "kz_internet_users": {"year": "year_start", "measure": lambda r: _reverse(getattr(m, "KZ_INTERNET"))[r["indicator"]],
                              "value": "low"},
        "kz_hotline_organisation": {"figure": lambda r: _reverse(getattr(m, "ORGANISATION"))[r["indicator"]], "value": "low",
                                    "year": "year_start"},
        "osce_field_operations_budget_2017": {"measure": lambda r: budget.get(r["indicator"], "amount")},
        "osce_field_presence_events": {"qualifier": "year_qualifier"},
        "united_cyber_caliphate_claims": {"claim": lambda r: _reverse(getattr(m, "UCC"))[r["indicator"]],
                                          "period_start": "date_start", "period_end": "date_end"},
        "uz_labour_migrants": {"year": "year_start"},
        "uz_afghanistan_infrastructure_projects": {"measure": lambda r: _reverse(getattr(m, "PROJECTS"))[r["indicator"]]},
        "uz_islamic_education_institutions": {"measure": lambda r: _reverse(getattr(m, "ISLAMIC"))[r["indicator"]], "value": "low"},
    }


def _as_0_1_0(table: str, rows: list[dict[str, str]], views: dict[str, dict[str, object]]) -> list[dict[str, str]]:
    view = views.get(table, {})
    out = []
    for row in rows:
        old = dict(row)
        for column, source in view.items():
            old[column] = source(row) if callable(source) else row.get(str(source), "")  # type: ignore[operator]
        out.append(old)
    return out


def _second_in_percent(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """0.1.0 fractions of one as 0.2.0 percent; numerator/denominator shares as percent bounds."""
    from fractions import Fraction

    def percent(number: Fraction) -> str:
        return str(int(number)) if number.denominator == 1 else repr(float(number))

    out = []
    for row in rows:
        row = dict(row)
        if row.get("unit", "") in FRACTION_UNITS:
            for column in ("low", "high", "value"):
                if row.get(column):
                    row[column] = percent(Fraction(row[column]).limit_denominator(100) * 100)  # 0.333... is 1/3
        if row.get("denominator"):
            for bound in ("low", "high"):
                numerator = row.get(f"numerator_{bound}", "")
                row[bound] = percent(Fraction(int(numerator) * 100, int(row["denominator"]))) if numerator else ""
        if "value" in row and "low" not in row:
            row["low"] = row["high"] = row["value"]
            row.setdefault("qualifier", "")
        out.append(row)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _same(a: str, b: str) -> bool:
    """Equal as text, or as numbers (``32.56`` and ``32.560``)."""
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def _canonical(text: str) -> str:
    """A number as one spelling ("40.0" and "40" are "40"); other text as it is."""
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def _keyed(rows: list[dict[str, str]], keys: tuple[str, ...]) -> dict[tuple[str, ...], dict[str, str]]:
    """Rows by key; a key that repeats gets "#2", "#3", ... in file order, so none is lost."""
    keyed: dict[tuple[str, ...], dict[str, str]] = {}
    for row in rows:
        key = tuple(_canonical(row.get(k, "")) for k in keys)
        base, n = key, 1
        while key in keyed:
            n += 1
            key = (*base[:-1], f"{base[-1]}#{n}")
        keyed[key] = row
    return keyed


def _themed_facts() -> list[dict[str, str]]:
    """The facts the build derives from the themed tables, as CSV-like text rows."""
    import cadata

    frame = cadata.load("facts")
    frame = frame[frame["source_table"].notna()].astype(object).where(frame.notna(), "")
    return [{k: str(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _observations() -> list[dict[str, str]]:
    """(table, row_key, indicator, iso3, year_start, year_end) of every observation row and text fact."""
    import cadata
    from cadata import _catalog
    from cadata.observation import holds_observations

    out = []
    for name in cadata.list_datasets():
        schema = _catalog.resource(name)["schema"]
        if not holds_observations(schema):
            continue
        frame = cadata.load(name)
        if name == "facts":
            frame = frame[frame["source_table"].isna()]
        elif "source_table" in frame.columns:
            frame = frame[frame["source_table"].isna()]
        frame = frame.astype(object).where(frame.notna(), "")
        for row in frame.to_dict("records"):
            key = "|".join(_canonical(str(row[k])) for k in schema["primaryKey"])
            out.append({"table": name, "row_key": key, **{c: str(row[c]) for c in ("indicator", "iso3", "year_start", "year_end")}})
    return out


def _second(table: str, second_dir: Path) -> list[dict[str, str]]:
    whole = second_dir / f"{table}.csv"
    parts = sorted(second_dir.glob(f"{table}_[a-z].csv"))  # a second transcription done in parts
    rows = _rows(whole) if whole.is_file() else [r for part in parts for r in _rows(part)]
    addendum = second_dir / f"{table}_addendum.csv"  # rows added to a table after its second transcription
    if addendum.is_file():
        rows += _rows(addendum)
    return _second_in_percent(rows)


def _differences(table: str, first: dict[tuple[str, ...], dict[str, str]], second: dict[tuple[str, ...], dict[str, str]],
                 columns: tuple[str, ...], ignored: set[tuple[str, ...]] | None = None) -> list[str]:
    problems = [f"{table} {key}: only in curated/" for key in first.keys() - second.keys() - (ignored or set())]
    problems += [f"{table} {key}: only in the second transcription" for key in second.keys() - first.keys()]
    for key in sorted(first.keys() & second.keys()):
        for column in columns:
            a, b = first[key][column], second[key][column]
            if not _same(a, b):
                problems.append(f"{table} {key} {column}: curated {a!r}, second transcription {b!r}")
    return problems


def compare(table: str, curated_dir: Path = ROOT / "curated", second_dir: Path = SECOND) -> list[str]:
    """Every difference between the curated table and its second transcription."""
    import json

    if table in MERGED:
        keys, columns = MERGED_COMPARED
        ids = set(json.loads((ROOT / "src" / "cadata" / "deprecated.json").read_text(encoding="utf-8"))[table]["fact_ids"])
        facts = [r for r in _rows(curated_dir / "facts.csv") if r["fact_id"] in ids]
        return _differences(table, _keyed(facts, keys), _keyed(_second(table, second_dir), keys), columns)
    keys, columns = OBSERVATION_MODEL if table == "observation_model" else COMPARED[table]
    second = _keyed(_second(table, second_dir), keys)
    if table == "observation_model":
        return _differences(table, _keyed(_observations(), keys), second, columns)
    rows = _as_0_1_0(table, _rows(curated_dir / f"{table}.csv"), _views())
    if table == "facts":  # the second transcribers did not know which numbers the themed tables hold
        first = _keyed(rows + _themed_facts(), keys)
        merged = {i for entry in json.loads((ROOT / "src" / "cadata" / "deprecated.json").read_text(encoding="utf-8")).values()
                  for i in entry["fact_ids"]}  # compared with their 0.1.0 tables' second transcriptions
        themed = {k for k, row in first.items() if row.get("source_table") or row.get("fact_id") in merged}
        return _differences(table, first, second, columns, themed)
    return _differences(table, _keyed(rows, keys), second, columns)


def main() -> int:
    tables = [*COMPARED, *MERGED, "observation_model"]
    problems = [p for table in tables for p in compare(table)]
    for problem in problems:
        print(problem)
    print(f"{len(tables)} tables compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
