"""Release metadata: datapackage.json, CITATION.cff and .zenodo.json come from one place
(curated/datapackage.yaml) and agree; what they say of the source volume is what the volume
prints; the licence files are there and complete."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

import cadata
from cadata import _paths
from cadata.build.metadata import package_metadata, render
from cadata.build.outputs import PROFILE
from cadata.citation import CADATA_AUTHOR, RELEASE_DATE

ROOT = Path(__file__).resolve().parent.parent


def _descriptor() -> dict:
    return json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))


def _cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def _zenodo() -> dict:
    return json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))


def test_citation_cff_and_zenodo_json_are_rendered_from_the_one_description() -> None:
    for rel, text in render(ROOT).items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} is stale: run python3 checks/release_metadata.py"


def test_datapackage_json_carries_the_release_metadata() -> None:
    descriptor = _descriptor()
    assert {k: v for k, v in descriptor.items() if k != "resources"} == package_metadata(ROOT)
    assert descriptor["$schema"] == PROFILE == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["version"] == cadata.__version__ == "0.2.0"
    assert descriptor["created"] == f"{RELEASE_DATE}T00:00:00Z"  # the release date, never the build's clock
    assert descriptor["id"].startswith("https://") and descriptor["homepage"].startswith("https://")
    assert "Central Asia" in descriptor["keywords"]
    assert descriptor["contributors"] == [{"title": CADATA_AUTHOR, "roles": ["creator", "dataCurator"]}]


def test_the_three_files_agree() -> None:
    descriptor, cff, zenodo = _descriptor(), _cff(), _zenodo()
    assert descriptor["title"] == cff["title"] == zenodo["title"]
    assert descriptor["version"] == cff["version"] == zenodo["version"] == cadata.__version__
    assert descriptor["created"][:10] == str(cff["date-released"]) == zenodo["publication_date"] == RELEASE_DATE
    assert descriptor["keywords"] == cff["keywords"] == zenodo["keywords"]
    assert descriptor["description"] == cff["abstract"] == zenodo["description"]
    assert [lic["name"] for lic in descriptor["licenses"]] == [cff["license"]] == ["CC-BY-4.0"]
    assert zenodo["license"] == "cc-by-4.0"
    creators = [c["title"] for c in descriptor["contributors"] if "creator" in c["roles"]]
    assert creators == [a["name"] for a in cff["authors"]] == [c["name"] for c in zenodo["creators"]] == [CADATA_AUTHOR]
    assert descriptor["homepage"] == cff["url"] and descriptor["id"] == cff["identifiers"][0]["value"]
    source = descriptor["sources"][0]
    (reference,) = cff["references"]
    assert reference["title"] == source["title"] and reference["publisher"]["name"] == source["publisher"]
    assert reference["publisher"]["website"] == source["publisherUrl"] and reference["publisher"]["city"] == "Nur-Sultan"
    assert "year" not in reference and "n.d." in reference["notes"] and source["hash"] in reference["notes"]
    assert zenodo["references"] == [f"{source['title']}. Nur-Sultan: {source['publisher']}, n.d."]
    assert source["hash"] in zenodo["notes"]


def test_the_source_hash_is_the_hash_of_the_text_every_line_number_refers_to(source_path: Path) -> None:
    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert _descriptor()["sources"][0]["hash"] == f"sha256:{digest}" == f"sha256:{_paths.SOURCE_SHA256}"


def test_what_the_source_entry_says_is_printed_in_the_volume(lines: list[str]) -> None:
    source = _descriptor()["sources"][0]
    assert lines[8199 - 1].startswith(f"The {source['publisher']} started working")
    assert lines[8236 - 1].strip() == source["place"]  # "Nur-Sultan, Republic of Kazakhstan"
    assert lines[8240 - 1].strip() == source["publisherUrl"]
    assert lines[8239 - 1].strip() == "E-mail: poin@osce.org"  # as LICENSE-DATA quotes it
    assert " ".join(lines[12 - 1 : 14]).replace("  ", " ").find(source["title"][:40]) > 0
    assert "(line 8240)" in source["description"] and "(lines 8235-8236)" in source["description"]


def test_the_volume_prints_no_year_isbn_or_colophon_of_its_own(lines: list[str]) -> None:
    """Why it is cited n.d.: no copyright line, no ISBN but a cited book's, no "published"
    but of others' works; its first lines are the speech and its last the Office's contacts."""
    text = "\n".join(lines)
    assert "©" not in text and not re.search(r"rights reserved|ISSN|printed (?:by|in)\b", text, re.I)
    # "Copyright" is only the hotline's category of reports (Sabirov's table)
    assert [n for n, line in enumerate(lines, start=1) if "opyright" in line] == [5592, 5615, 5651]
    isbn = [n for n, line in enumerate(lines, start=1) if "ISBN" in line]
    assert isbn == [4505] and "British Library" in lines[4505 - 1]  # a cited book's, in a footnote
    assert lines[0].strip() == "Welcoming speech by"
    assert len(lines) == 8241 and lines[-1].strip() == "" and lines[8240 - 1].strip() == "http://www.osce.org/programme-office-in-nur-sultan"
    front, back = "\n".join(lines[:10]), "\n".join(lines[8196 - 1 :])
    assert not re.search(r"\b(19|20)\d\d\b", front)
    assert re.findall(r"\b(?:19|20)\d\d\b", back) == ["1999"]  # the year the Office started working


def test_licence_files() -> None:
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Copyright (c) 2026 The cadata contributors" in mit
    legal = (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert legal.startswith("Attribution 4.0 International")
    assert "Creative Commons Attribution 4.0 International Public License" in legal
    for section in range(1, 9):
        assert re.search(rf"^Section {section} -- ", legal, re.M), f"Section {section} missing"
    data = (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in data and "LICENSES/CC-BY-4.0.txt" in data and "https://creativecommons.org/licenses/by/4.0/legalcode" in data
    assert "quotes only short passages" in data
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT AND CC-BY-4.0"' in pyproject and '"LICENSES/*.txt"' in pyproject
