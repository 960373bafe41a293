"""The machine-readable changelog ``datasets/changes.csv``: every change from the previous release.

Made by comparing the bundled data with the previous release's zip (``cadata diff``), one
row per difference: version, table, change, key, column, old, new, reason. The reason is
the erratum a row cites (an ``errata`` row's own id, or an id its ``note`` gives) for a
changed note or a row added or removed, else the first rule of
``curated/change_reasons.csv`` that matches (version, table, column, key; ``*`` and ``?``
as in file names; a rule for one key comes before the erratum). ``CHANGELOG.md`` carries
the per-table summary (``summary_markdown``) between ``<!-- changes VERSION -->`` and
``<!-- /changes -->``; the tests check that the two agree and that the file is fresh.

    .venv/bin/python -m cadata.changes          # rewrite datasets/changes.csv and the CHANGELOG block
    .venv/bin/python -m cadata.changes --check  # exit 1 if either is stale
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cadata.errors import BuildError

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["version", "table", "change", "key", "column", "old", "new", "reason"]
ERRATUM = re.compile(r"\bE[0-9]{3}\b")
ROW_CHANGES = ("row added", "row removed")


def _root() -> Path:
    from cadata import _paths

    root = _paths.checkout_root()
    if root is None:
        raise BuildError("datasets/changes.csv is made in a source checkout (it reads releases/ and curated/)")
    return root


def _rules(root: Path) -> list[dict[str, str]]:
    with (root / "curated" / "change_reasons.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _erratum_cited(notes: dict[tuple[str, str], str], table: str, key: str) -> str:
    if table == "errata" and ERRATUM.fullmatch(key):
        return key
    return "; ".join(dict.fromkeys(ERRATUM.findall(notes.get((table, key), ""))))


def reason(rules: list[dict[str, str]], version: str, table: str, change: str, column: str, key: str, cited: str) -> str:
    """Why a change was made: a rule for this very key, else the erratum cited, else the first matching rule."""
    def matches(rule: dict[str, str], exact_key: bool) -> bool:
        if exact_key and any(c in rule["key"] for c in "*?["):
            return False
        return (rule["version"] == version and fnmatch.fnmatchcase(table, rule["table"])
                and fnmatch.fnmatchcase(column or "", rule["column"]) and fnmatch.fnmatchcase(key or "", rule["key"]))

    for rule in rules:
        if matches(rule, True):
            return rule["reason"]
    if cited and (change in ROW_CHANGES or column in ("note", "affected_rows")):
        return cited
    for rule in rules:
        if matches(rule, False):
            return rule["reason"]
    return "correction"


def render(root: Path | None = None) -> bytes:
    """datasets/changes.csv as it should be: the bundled data against the previous release."""
    from cadata import releases
    from cadata.differences import diff

    root = root or _root()
    version = releases.current_version()
    before = releases.previous(version)
    if before is None:
        return _csv([])
    local = root / "releases" / str(before["file"])
    old = str(local) if local.is_file() else str(before["version"])
    new_folder = root / "datasets"  # this checkout's build (the bundled data when it runs from it)
    result = diff(old, str(new_folder))
    notes = _notes(new_folder, result.records())
    rules = _rules(root)
    rows = []
    for record in result.records().fillna("").astype(str).to_dict("records"):
        table, change, key, column = (str(record[c]) for c in ("table", "change", "key", "column"))
        cited = _erratum_cited(notes, table, key)
        rows.append([version, table, change, key, column, str(record["old"]), str(record["new"]),
                     reason(rules, version, table, change, column, key, cited)])
    return _csv(rows)


def _notes(folder: Path, records: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The ``note`` of every changed row of the tables that have one, by (table, key)."""
    from cadata.differences import _frame, _keys, _primary_key, _tables

    tables = _tables(folder)
    notes: dict[tuple[str, str], str] = {}
    for table in sorted(set(records["table"])):
        if table not in tables:
            continue
        frame, schema = _frame(folder, tables[table])
        if "note" not in frame.columns:
            continue
        keys = _keys(frame, _primary_key(schema))
        for key, note in zip(keys, frame["note"].fillna(""), strict=True):
            notes[(table, key)] = str(note)
    return notes


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def read(path: Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, dtype="string", keep_default_na=False)


def summary_markdown(changes: pd.DataFrame, version: str) -> str:
    """The per-table counts of ``changes`` for ``version``, as the CHANGELOG shows them."""
    rows = changes[changes["version"] == version]
    lines = [
        "| table | rows added | rows removed | rows changed | cells changed | schema changes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    totals = [0, 0, 0, 0, 0]
    for table, group in rows.groupby("table", sort=True):
        cells = group[group["change"] == "cell changed"]
        counts = [
            int((group["change"] == "row added").sum()), int((group["change"] == "row removed").sum()),
            int(cells["key"].nunique()), len(cells),
            int((~group["change"].isin(["row added", "row removed", "cell changed"])).sum()),
        ]
        merged = group[group["change"] == "table merged"]
        label = f"`{table}`" + (" (merged into facts)" if len(merged) else "") + (
            " (new)" if (group["change"] == "table added").any() else "")
        lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    lines.append("| **all** | " + " | ".join(f"**{c}**" for c in totals) + " |")
    return "\n".join(lines) + "\n"


def changelog_block(changelog: str, version: str) -> str | None:
    """The summary between ``<!-- changes VERSION -->`` and ``<!-- /changes -->``, or None."""
    match = re.search(rf"<!-- changes {re.escape(version)} -->\n(.*?)<!-- /changes -->", changelog, re.S)
    return match.group(1) if match else None


def main(argv: list[str]) -> int:
    from cadata import releases

    root = _root()
    check = argv == ["--check"]
    version = releases.current_version()
    target = root / "datasets" / "changes.csv"
    data = render(root)
    changelog_path = root / "CHANGELOG.md"
    changelog = changelog_path.read_text(encoding="utf-8")
    frame = read_bytes(data)
    block = summary_markdown(frame, version)
    current = changelog_block(changelog, version)
    stale = []
    if not target.is_file() or target.read_bytes() != data:
        stale.append("datasets/changes.csv")
    if current is None:
        print(f"CHANGELOG.md: no <!-- changes {version} --> ... <!-- /changes --> block; add one to its {version} section", file=sys.stderr)
        return 1
    if current != block:
        stale.append("CHANGELOG.md (the summary of changes.csv)")
    if check:
        for name in stale:
            print(f"{name}: stale; run `.venv/bin/python -m cadata.changes`", file=sys.stderr)
        return 1 if stale else 0
    target.write_bytes(data)
    marked = re.compile(rf"(<!-- changes {re.escape(version)} -->\n).*?(<!-- /changes -->)", re.S)
    changelog_path.write_text(marked.sub(lambda m: m.group(1) + block + m.group(2), changelog, count=1), encoding="utf-8")
    print(f"wrote datasets/changes.csv ({len(frame)} changes) and its summary in CHANGELOG.md; changed: {', '.join(stale) or 'none'}")
    return 0


def read_bytes(data: bytes) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
