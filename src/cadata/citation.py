"""Citing a table: its source papers in the volume, and cadata (plain, BibTeX, APA)."""

from __future__ import annotations

import re
from typing import Any, Literal

from cadata import __version__
from cadata.errors import InvalidArgumentError
from cadata.cards import PUBLISHER, VOLUME_TITLE, DatasetInfo, Paper, info

Style = Literal["plain", "bibtex", "apa"]
STYLES: tuple[Style, ...] = ("plain", "bibtex", "apa")
CADATA_AUTHOR = "cadata contributors"
#: Release date of this version; CHANGELOG.md and CITATION.cff must agree (tested).
RELEASE_DATE = "2026-12-02"


def _apa_author(name: str) -> str:
    """``Moheb Rahman Spinghar`` -> ``Spinghar, M. R.``; an organisation stays whole."""
    if "OSCE" in name or "Office" in name:
        return name
    parts = name.split()
    if not parts:
        return name
    initials = " ".join(f"{p[0]}." for p in parts[:-1])
    return f"{parts[-1]}, {initials}" if initials else parts[-1]


def _apa(paper: Paper) -> str:
    return (
        f"{_apa_author(paper.authors)} (n.d.). {paper.title}. In {VOLUME_TITLE} "
        f"(pp. {paper.pages}). {PUBLISHER}."
    )


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def _bibtex(paper: Paper) -> str:
    return (
        f"@incollection{{{paper.paper_id},\n"
        f"  author    = {{{_bibtex_escape(paper.authors)}}},\n"
        f"  title     = {{{_bibtex_escape(paper.title)}}},\n"
        f"  booktitle = {{{_bibtex_escape(VOLUME_TITLE)}}},\n"
        f"  publisher = {{{_bibtex_escape(PUBLISHER)}}},\n"
        f"  pages     = {{{paper.pages.replace(chr(8211), '--')}}},\n"
        f"  note      = {{n.d.}}\n"
        f"}}"
    )


def cite(name: str, style: Style = "plain") -> str:
    """How to cite table ``name``: each source paper, then cadata with the table's name."""
    if not isinstance(style, str) or style not in STYLES:
        raise InvalidArgumentError(f"unknown citation style {style!r}: use one of {', '.join(STYLES)}")
    card: DatasetInfo = info(name)
    if style == "plain":
        return card.citation
    if style == "apa":
        papers = "\n".join(_apa(p) for p in card.papers)
        return (
            f"{papers}\n{CADATA_AUTHOR}. ({RELEASE_DATE[:4]}). cadata: {card.title} (table {card.name}; "
            f"Version {__version__}) [Data set]. Curated from the works above."
        )
    entries = [_bibtex(p) for p in card.papers]
    entries.append(
        f"@misc{{cadata_{card.name},\n"
        f"  author  = {{{{{CADATA_AUTHOR}}}}},\n"
        f"  title   = {{cadata: {_bibtex_escape(card.title)} (table {_bibtex_escape(card.name)})}},\n"
        f"  version = {{{__version__}}},\n"
        f"  year    = {{{RELEASE_DATE[:4]}}},\n"
        f"  note    = {{Curated from {', '.join(p.paper_id for p in card.papers)}; printed pages {card.pages}}}\n"
        f"}}"
    )
    return "\n\n".join(entries)


def _volume_papers() -> dict[str, Paper]:
    """Every contribution of the volume, from the ``papers`` table (in volume order), by paper_id.

    Read through the verified Arrow table, not ``load``, so that citing is not itself a use."""
    from cadata import _paths
    from cadata.loading import verified

    rows = verified("papers", _paths.datasets_dir()).arrow.to_pylist()
    rows.sort(key=lambda r: int(r["first_line"]))
    return {
        str(r["paper_id"]): Paper(str(r["paper_id"]), str(r["title"]), str(r["authors"]), f"{r['first_page']}\u2013{r['last_page']}")
        for r in rows
    }


def _cadata_entry(style: Style, tables: list[str], title: str, version: str = __version__, date: str = RELEASE_DATE,
                  none: str = "none loaded yet") -> str:
    used = ", ".join(tables) if tables else none
    if style == "bibtex":
        key = "cadata" if version == __version__ else "cadata_" + version.replace(".", "_")
        return (
            f"@misc{{{key},\n"
            f"  author  = {{{{{CADATA_AUTHOR}}}}},\n"
            f"  title   = {{{_bibtex_escape(title)}}},\n"
            f"  version = {{{_bibtex_escape(version)}}},\n"
            f"  year    = {{{date[:4]}}},\n"
            f"  note    = {{Tables used: {_bibtex_escape(used)}. Curated from {_bibtex_escape(VOLUME_TITLE)} ({_bibtex_escape(PUBLISHER)}, n.d.)}}\n"
            f"}}"
        )
    if style == "apa":
        return (
            f"{CADATA_AUTHOR}. ({date[:4]}). {title} (Version {version}) [Data set]. Tables used: {used}."
        )
    return (
        f"{CADATA_AUTHOR}. {title}, version {version} ({date}). Tables used: {used}."
    )


def cite_used(format: Style = "plain") -> str:  # noqa: A002  (the name users pass)
    """How to cite what this process used: cadata's version and every source paper of every
    bundled table loaded so far (``load``, the typed loaders, every backend), each paper
    once, in the volume's order; tables loaded from an earlier release (``version=``) are
    cited under that release's version and date. ``format`` is "plain", "bibtex" or "apa"."""
    if not isinstance(format, str) or format not in STYLES:
        raise InvalidArgumentError(f"unknown citation format {format!r}: use one of {', '.join(STYLES)}")
    from cadata import _catalog
    from cadata.loading import used_releases, used_tables

    from cadata import releases

    tables = used_tables()
    title = str(_catalog.package().get("title") or "cadata")
    wanted: set[str] = set()
    for name in tables:
        wanted |= _paper_ids(_catalog.resource(name))
    pinned: dict[str, list[str]] = {}  # tables loaded from earlier releases, by version
    for version, name in used_releases():
        pinned.setdefault(version, []).append(name)
        wanted |= _paper_ids(_catalog.resource(name, releases.package_folder(version)))
    entries = [_cadata_entry(format, tables, title, none="none of the bundled data" if pinned else "none loaded yet")]
    entries += [_cadata_entry(format, names, title, version, str(releases.entry(version)["date"]))
                for version, names in pinned.items()]
    papers = [p for pid, p in _volume_papers().items() if pid in wanted] if wanted else []
    if format == "bibtex":
        return "\n\n".join([*entries, *(_bibtex(p) for p in papers)])
    if format == "apa":
        return "\n".join([*entries, *(_apa(p) for p in papers)])
    return "\n".join([*entries, *(p.citation for p in papers)])


def _paper_ids(resource: dict[str, Any]) -> set[str]:
    card = resource.get("cadata_card", {})
    papers = card.get("papers", []) if isinstance(card, dict) else []
    return {str(p["paper_id"]) for p in papers if isinstance(p, dict) and "paper_id" in p}
