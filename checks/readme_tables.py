"""The README's lists of tables, rendered from datasets/datapackage.json (rows, titles, pages).

``python checks/readme_tables.py`` rewrites the block between the README's
``<!-- tables -->`` and ``<!-- /tables -->`` markers; tests/test_api.py fails when the
README's block differs from this rendering, so its numbers never drift from the data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- tables -->", "<!-- /tables -->"
REGISTERS = ("errata", "events", "fact_sources", "facts", "footnotes", "indicators", "papers", "sources_cited", "units")


def _source(card: dict) -> str:
    papers = card.get("papers", [])
    who = papers[0]["authors"] if len(papers) == 1 else f"{len(papers)} papers"
    return f"{who}, p. {card['pages']}" if card.get("pages") else who


def _table(resources: list[dict]) -> list[str]:
    lines = ["| name | rows | what it holds | source |", "|---|---|---|---|"]
    for r in sorted(resources, key=lambda r: r["name"]):
        card = r["cadata_card"]
        lines.append(f"| `{r['name']}` | {card['rows']} | {r['title']} | {_source(card)} |")
    return lines


def render(descriptor: dict) -> str:
    """The block that goes between the markers."""
    resources = descriptor["resources"]
    themed = [r for r in resources if r["name"] not in REGISTERS]
    registers = [r for r in resources if r["name"] in REGISTERS]
    rows = {r["name"]: r["cadata_card"]["rows"] for r in resources}
    lines = ["### Themed tables", "", *_table(themed), "", "### Registers", "",
             "The registers make the whole volume queryable: `papers` (every contribution; `paper_id` is the key",
             "every table's `paper_id` refers to, a foreign key in `datapackage.json`), `footnotes` (all "
             f"{rows['footnotes']}),",
             "`facts` (every observation of the volume once: the text's statements and every themed table's",
             "printed numbers, linked to their rows), `events` (every dated event), `errata` (every problem found",
             "in the source, linked both ways with the rows it touches), and the vocabularies `indicators` (every",
             "quantity once, with its unit) and `units`; `sources_cited` (every source the volume names for a number,",
             "with its kind) and `fact_sources` (each attributed or footnoted fact's chain: the source the author",
             "names, the footnote, the source it names), which `cadata compare` reads.", "", *_table(registers)]
    return "\n".join(lines)


def current() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(START) + len(START) : text.index(END)].strip("\n")


def main() -> int:
    descriptor = json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{render(descriptor)}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
