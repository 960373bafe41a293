"""``cadata.info``: the data card of one table, read from datapackage.json."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cadata import _catalog
from cadata._schema import caveat_text

VOLUME_TITLE = "New Challenges and Approaches to Regional and Global Security in Central Asia"
PUBLISHER = "OSCE Programme Office in Nur-Sultan"


@dataclass(frozen=True)
class Field:
    """One column: name, type, unit and meaning."""

    name: str
    type: str
    description: str
    unit: str | None = None
    derived: bool = False
    required: bool = False


@dataclass(frozen=True)
class Paper:
    """A contribution of the volume that a table's rows come from."""

    paper_id: str
    title: str
    authors: str
    pages: str

    @property
    def citation(self) -> str:
        """The paper in the volume, for a reference list."""
        return f"{self.authors}. \u201c{self.title}.\u201d In {VOLUME_TITLE}, pp. {self.pages}. {PUBLISHER}, n.d."


@dataclass(frozen=True)
class DatasetInfo:
    """What a table is, where it comes from, and how to cite it."""

    name: str
    title: str
    description: str
    row: str
    unit: str
    population: str
    period: str
    papers: list[Paper]
    pages: str
    license: str
    rows: int
    caveats: list[str] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    version: str = ""

    @property
    def paper_authors(self) -> str:
        """The authors of the source papers, joined by semicolons."""
        return "; ".join(p.authors for p in self.papers)

    @property
    def paper_title(self) -> str:
        """The titles of the source papers, joined by semicolons."""
        return "; ".join(p.title for p in self.papers)

    @property
    def citation(self) -> str:
        """How to cite the table: the source papers first, then cadata."""
        papers = " ".join(p.citation for p in self.papers)
        return f"{papers} Table \u201c{self.name}\u201d (printed pages {self.pages}) as curated in cadata {self.version}."

    def __str__(self) -> str:
        lines = [
            f"{self.name}: {self.title}",
            "",
            self.description,
            "",
            f"One row:    {self.row}",
            f"Unit:       {self.unit}",
            f"Population: {self.population}",
            f"Period:     {self.period}",
            *[f"Source:     {p.authors}, \u201c{p.title}\u201d (pp. {p.pages})" for p in self.papers],
            f"Pages:      printed page(s) {self.pages}",
            f"Rows:       {self.rows}; key: {', '.join(self.primary_key)}",
            f"License:    {self.license}",
        ]
        if self.caveats:
            lines += ["", "Caveats:"] + [f"  - {c}" for c in self.caveats]
        lines += ["", "Columns:"]
        width = max(len(f.name) for f in self.fields) if self.fields else 0
        for f in self.fields:
            flags = " (derived)" if f.derived else ""
            unit = f" [{f.unit}]" if f.unit else ""
            lines.append(f"  {f.name.ljust(width)}  {f.type}{unit}{flags}: {f.description}")
        lines += ["", "Cite as:", f"  {self.citation}"]
        return "\n".join(lines)


def info(name: str) -> DatasetInfo:
    """The data card of a table: meaning of a row, unit, source, caveats, columns, citation."""
    resource = _catalog.resource(name)
    card: dict[str, Any] = resource.get("cadata_card", {})
    schema = resource.get("schema", {})
    fields = [
        Field(
            name=f["name"],
            type=f["type"],
            description=f.get("description", ""),
            unit=f.get("unit"),
            derived=bool(f.get("derived", False)),
            required=bool(f.get("constraints", {}).get("required", False)),
        )
        for f in schema.get("fields", [])
    ]
    licenses = resource.get("licenses") or _catalog.package().get("licenses") or []
    return DatasetInfo(
        name=str(resource["name"]),
        title=str(resource.get("title", "")),
        description=str(resource.get("description", "")),
        row=str(card.get("row", "")),
        unit=str(card.get("unit", "")),
        population=str(card.get("population", "")),
        period=str(card.get("period", "")),
        papers=[Paper(str(p["paper_id"]), str(p["title"]), str(p["authors"]), str(p["pages"])) for p in card.get("papers", [])],
        pages=str(card.get("pages", "")),
        license=", ".join(str(lic.get("title") or lic.get("name")) for lic in licenses),
        rows=int(card.get("rows", 0)),
        caveats=[caveat_text(c) for c in card.get("caveats", [])],
        fields=fields,
        primary_key=[key] if isinstance(key := schema.get("primaryKey", []), str) else list(key),
        version=str(_catalog.package().get("version", "")),
    )
