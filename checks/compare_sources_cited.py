"""Compare fact_sources and sources_cited with their second reading.

``checks/second_transcription/fact_sources.csv`` is a blind second reading, from the source
text alone, of the judgement columns of every row of ``curated/fact_sources.csv``
(``checks/second_transcription/NOTES_fact_sources_blind.md``; differences settled in
``RESOLUTIONS.md``): which source the
attribution names and its kind, which footnote names the outside source (the fact's own,
or the one an "Ibid." repeats), which source that is and its kind. The second reading
writes sources by name, as printed; a name agrees with the curated source when more than
half of its words (or of its words outside brackets) are words of the source's name or label (so "Reporter Without Borders"
and "Reporters Without Borders" agree, "official sources" and "open sources" do not).

``python checks/compare_sources_cited.py`` prints every difference (exit 1 if any).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECOND = ROOT / "checks" / "second_transcription" / "fact_sources.csv"
#: the second reading covers at least this share of the rows (a half, less rows added since)
MINIMUM_SHARE = 0.45
STOP = {"the", "and", "of", "by", "for", "to", "in", "on", "a", "an"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def words(text: str) -> set[str]:
    """The words of a name, lower case, without punctuation and small words."""
    return {w for w in re.findall(r"[^\W_]+", text.casefold()) if w not in STOP}


def same_source(second_name: str, source: dict[str, str]) -> bool:
    """Whether a name read in the second pass names the curated source (see the module doc)."""
    known = words(source["name"]) | words(source["label"])
    for name in (second_name, re.sub(r"\s*\(.*?\)", "", second_name)):  # a title in brackets is not the name
        said = words(name)
        if said and len(said & known) * 2 > len(said):
            return True
    return False


def compare(curated_dir: Path = ROOT / "curated", second: Path = SECOND) -> list[str]:
    """Every difference between the curated rows and the second reading; empty if they agree."""
    rows = {r["fact_id"]: r for r in _rows(curated_dir / "fact_sources.csv")}
    sources = {r["source_id"]: r for r in _rows(curated_dir / "sources_cited.csv")}
    read = _rows(second)
    problems = [f"{r['fact_id']}: in the second reading, not in curated/fact_sources.csv" for r in read if r["fact_id"] not in rows]
    if len(read) < MINIMUM_SHARE * len(rows):
        problems.append(f"the second reading covers {len(read)} of {len(rows)} rows, less than {MINIMUM_SHARE:.0%}; read more rows")
    for r in read:
        row = rows.get(r["fact_id"])
        if row is None:
            continue
        for side, id_column in (("attributed", "attributed_source_id"), ("cited", "cited_source_id")):
            name, kind = r[f"{side}_source"], r[f"{side}_kind"]
            source = sources.get(row[id_column])
            if source is None:
                if name:
                    problems.append(f"{r['fact_id']} {side}: curated names no source, second reading {name!r}")
                continue
            if not name:
                problems.append(f"{r['fact_id']} {side}: curated {source['source_id']!r}, second reading names none")
                continue
            if not same_source(name, source):
                problems.append(f"{r['fact_id']} {side}: curated {source['name']!r}, second reading {name!r}")
            if kind != source["kind"]:
                problems.append(f"{r['fact_id']} {side} kind: curated {source['kind']!r}, second reading {kind!r}")
            if side == "attributed" and r["attributed_named"] != source["named"]:
                problems.append(f"{r['fact_id']} named: curated {source['named']!r}, second reading {r['attributed_named']!r}")
        if r["cited_footnote"] != row["cited_footnote"]:
            problems.append(f"{r['fact_id']} cited_footnote: curated {row['cited_footnote']!r}, second reading {r['cited_footnote']!r}")
    return problems


def main() -> int:
    problems = compare()
    for problem in problems:
        print(problem)
    print(f"{len(_rows(SECOND))} rows read twice, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
