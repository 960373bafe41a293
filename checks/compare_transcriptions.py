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
COMPARED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kz_hotline_reports": (("year",), ("as_printed", "reports", "line")),
    "kz_hotline_report_shares": (("year", "category"), ("as_printed", "share_pct", "line")),
    "ca_fighter_estimates": (("country", "indicator"), ("as_printed", "low", "high", "qualifier", "line")),
    "source_pages": (("page",), ("first_line", "basis")),
    "papers": (("paper_id",), ("title", "authors", "session", "first_line", "last_line", "line")),
    "kz_hotline_report_categories": (("category",), ("row_number", "label", "created_year", "line")),
    "osce_conference_expert_countries": (('category',), ('iso3', 'value', 'as_printed', 'line')),
    "ca_nato_partnership_participation": (('programme', 'country'), ('iso3', 'value', 'as_printed', 'line')),
    "ca_muslim_religiosity": (('measure',), ('low', 'high', 'qualifier', 'as_printed', 'unit', 'line')),
    "isil_media_network": (('component',), ('period_start', 'period_end', 'value', 'as_printed', 'unit', 'footnote', 'line')),
    "al_qaeda_network_reach": (('measure',), ('low', 'high', 'qualifier', 'as_printed', 'unit', 'footnote', 'line')),
    "isil_al_qaeda_propaganda_indicators": (('indicator',), ('period_start', 'period_end', 'low', 'high', 'qualifier', 'as_printed', 'unit', 'footnote', 'line')),
    "kg_fighter_study_design": (('parameter',), ('value', 'as_printed', 'quantity_words', 'unit', 'line')),
    "uz_fighter_source_interviews": (('study',), ('period_start', 'period_end', 'value', 'as_printed', 'unit', 'footnote', 'line')),
    "kz_information_society_programme": (('figure',), ('period_start', 'period_end', 'low', 'high', 'qualifier', 'as_printed', 'unit', 'footnote', 'line')),
    # event_type and iso3 classify an event; the curators assign them (RESOLUTIONS.md)
    "events": (("event_id",), ("line", "date", "date_end", "date_precision", "date_as_printed")),
    # unit and iso3 of a fact are descriptions the curators assign, not transcriptions (RESOLUTIONS.md)
    "facts": (("line", "low", "high"), ("qualifier", "as_printed", "footnote")),
    "footnotes": (("footnote",), ("paper_id", "marker_line", "cited_year", "urls", "extraction_damaged", "line")),
    "kg_fighter_study_sample": (("source",), ("as_printed", "value", "line")),
    "kg_fighter_study_age": (("statistic", "item"), ("as_printed", "low", "high", "qualifier", "line")),
    "kg_fighter_study_profile": (
        ("dimension", "category"),
        ("as_printed", "value", "quantity_words", "iso3", "line"),
    ),
    "fighter_estimates": (
        ("line", "measure", "low", "high"),
        ("origin_iso3", "period_start", "period_end", "qualifier", "as_printed", "footnote"),
    ),
    "pew_muslim_attitudes": (("iso3", "question"), ("value", "as_printed", "footnote", "line")),
    "kg_youth_media_study_design": (
        ("parameter",),
        ("as_printed", "low", "high", "qualifier", "unit", "footnote", "line"),
    ),
    "kg_youth_media_study_results": (
        ("result",),
        ("as_printed", "numerator_low", "numerator_high", "denominator", "qualifier", "footnote", "line"),
    ),
    "kg_facebook_users": (
        ("indicator",),
        ("as_printed", "low", "high", "qualifier", "unit", "footnote", "line"),
    ),
    "kz_internet_users": (("year", "measure"), ("value", "as_printed", "footnote", "line")),
    "kz_hotline_organisation": (("figure",), ("value", "unit", "year", "month", "as_printed", "line")),
    "cybercrime_convention_states_2005": (("status",), ("value", "as_printed", "line")),
    "kz_recruitment_risk_figures": (("figure",), ("year", "low", "high", "qualifier", "as_printed", "line")),
    "osce_field_operations_budget_2017": (
        ("item", "measure"),
        ("iso3", "low", "high", "qualifier", "as_printed", "unit", "footnote", "line"),
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
    "uz_afghanistan_infrastructure_projects": (
        ("project", "measure"),
        ("low", "high", "qualifier", "as_printed", "line"),
    ),
    "uz_islamic_education_institutions": (
        ("institution", "measure"),
        ("value", "as_printed", "footnote", "line"),
    ),
    "uz_population": (("measure",), ("value", "as_printed", "line")),
    "af_isil_presence": (
        ("paper_id", "line", "measure"),
        ("iso3", "low", "high", "qualifier", "as_printed", "footnote"),
    ),
}


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
    frame = frame[frame["table"].notna()].astype(object).where(frame.notna(), "")
    return [{k: str(v) for k, v in row.items()} for row in frame.to_dict("records")]


def compare(table: str, curated_dir: Path = ROOT / "curated", second_dir: Path = SECOND) -> list[str]:
    """Every difference between the curated table and its second transcription."""
    keys, columns = COMPARED[table]
    first = _keyed(_rows(curated_dir / f"{table}.csv"), keys)
    whole = second_dir / f"{table}.csv"
    parts = sorted(second_dir.glob(f"{table}_[a-z].csv"))  # a second transcription done in parts
    second_rows = _rows(whole) if whole.is_file() else [r for part in parts for r in _rows(part)]
    addendum = second_dir / f"{table}_addendum.csv"  # rows added to a table after its second transcription
    if addendum.is_file():
        second_rows += _rows(addendum)
    second = _keyed(second_rows, keys)
    if table == "facts":  # the second transcribers did not know which numbers the themed tables hold
        first = _keyed(_rows(curated_dir / f"{table}.csv") + _themed_facts(), keys)
        themed = {k for k, row in first.items() if row.get("table")}
    else:
        themed = set()
    problems = [f"{table} {key}: only in curated/" for key in first.keys() - second.keys() - themed]
    problems += [f"{table} {key}: only in the second transcription" for key in second.keys() - first.keys()]
    for key in sorted(first.keys() & second.keys()):
        for column in columns:
            a, b = first[key][column], second[key][column]
            if not _same(a, b):
                problems.append(f"{table} {key} {column}: curated {a!r}, second transcription {b!r}")
    return problems


def main() -> int:
    problems = [p for table in COMPARED for p in compare(table)]
    for problem in problems:
        print(problem)
    print(f"{len(COMPARED)} tables compared, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
