"""CITATION.cff and .zenodo.json, rendered from the package's own description.

curated/datapackage.yaml is the one place for cadata's release metadata; the build writes
it into datasets/datapackage.json, and ``python3 checks/release_metadata.py`` writes these
two files from the same properties (``release_metadata``), so that title, version, date,
keywords, licence, contributors and the source volume agree (tests/test_release_metadata.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The files rendered here, relative to the checkout.
FILES = ("CITATION.cff", ".zenodo.json")
#: Zenodo's ids of the licences cadata uses (its vocabulary is lower-case SPDX).
_ZENODO_LICENSES = {"CC-BY-4.0": "cc-by-4.0"}
#: The volume's place as CITATION.cff wants it (ISO 3166-1 alpha-2 of the place printed at line 8235).
_COUNTRY = {"Republic of Kazakhstan": "KZ"}


def package_metadata(root: Path) -> dict[str, Any]:
    """The package's properties as the build writes them (no resources), from ``root``'s curated/."""
    from cadata.build.inputs import check_package_meta, read_yaml
    from cadata.build.outputs import release_metadata

    path = root / "curated" / "datapackage.yaml"
    meta = read_yaml(path)
    check_package_meta(path, meta)
    return release_metadata(meta)


def _names(meta: dict[str, Any], role: str) -> list[str]:
    return [str(c["title"]) for c in meta.get("contributors", []) if role in c.get("roles", [])]


def volume_reference(source: dict[str, Any]) -> str:
    """The source volume as one reference: title, publisher, place and "n.d." (it prints no year)."""
    return f"{source['title']}. {source['place'].split(',')[0]}: {source['publisher']}, n.d."


def citation_cff(meta: dict[str, Any]) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for this release."""
    import yaml

    source = meta["sources"][0]
    city, _, country = (part.strip() for part in str(source["place"]).partition(","))
    publisher: dict[str, str] = {"name": source["publisher"], "city": city}
    if country in _COUNTRY:
        publisher["country"] = _COUNTRY[country]
    if source.get("publisherUrl"):
        publisher["website"] = source["publisherUrl"]
    data: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": (
            "If you use cadata, please cite it as below, and cite the papers of the volume that the tables "
            "you use come from (`cadata cite NAME` prints both; `cadata.cite_used()` lists every paper of "
            "the tables you loaded)."
        ),
        "title": meta["title"],
        "version": meta["version"],
        "date-released": meta["created"][:10],
        "type": "dataset",
        "authors": [{"name": name} for name in _names(meta, "creator")],
        "license": [lic["name"] for lic in meta["licenses"]] if len(meta["licenses"]) > 1 else meta["licenses"][0]["name"],
        "url": meta["homepage"],
        "identifiers": [{"type": "url", "value": meta["id"], "description": "the package's id (no DOI has been minted yet)"}],
        "abstract": meta["description"],
        "keywords": list(meta["keywords"]),
        "references": [
            {
                "type": "proceedings",
                "title": source["title"],
                "authors": [{"name": source["publisher"]}],
                "publisher": publisher,
                "notes": (
                    "n.d.: the volume prints no year of publication. cadata's line numbers refer to its "
                    f"plain-text extraction, {source['hash']}."
                ),
            }
        ],
    }
    header = "# Generated from curated/datapackage.yaml by `python3 checks/release_metadata.py`; do not edit by hand.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def zenodo_json(meta: dict[str, Any]) -> str:
    """.zenodo.json (Zenodo's deposit metadata) for this release."""
    source = meta["sources"][0]
    curators = _names(meta, "dataCurator")
    data: dict[str, Any] = {
        "upload_type": "dataset",
        "title": meta["title"],
        "version": meta["version"],
        "publication_date": meta["created"][:10],
        "description": meta["description"],
        "creators": [{"name": name} for name in _names(meta, "creator")],
        "contributors": [{"name": name, "type": "DataCurator"} for name in curators],
        "keywords": list(meta["keywords"]),
        "license": _ZENODO_LICENSES.get(meta["licenses"][0]["name"], meta["licenses"][0]["name"].lower()),
        "access_right": "open",
        "related_identifiers": [{"identifier": meta["homepage"], "relation": "isDocumentedBy"}],
        "references": [volume_reference(source)],
        "notes": f"Curated from the volume above; its plain-text extraction, to which every line number refers, has {source['hash']}.",
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(root: Path) -> dict[str, str]:
    """Each file (relative to ``root``) and its text."""
    meta = package_metadata(root)
    return {"CITATION.cff": citation_cff(meta), ".zenodo.json": zenodo_json(meta)}
