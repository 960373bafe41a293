"""``cadata export``: a self-contained Frictionless data package, as a folder or a zip.

The Parquet files are copied byte for byte (so their hashes are the shipped ones);
the CSV files use plain conventions (UTF-8, comma, "." decimal, empty for missing)
that R's read.csv, Excel and pandas read without options.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Literal

from cadata import __version__, _catalog, _integrity, _paths
from cadata._descriptor import resource_format, table_name
from cadata.errors import IntegrityError

Format = Literal["parquet", "csv", "both", "all"]
#: The table formats ``--format all`` writes (and the Stata files besides).
ALL_TABLES: Format = "both"
CONTRIBUTORS = [{"title": "cadata contributors", "role": "author"}]
LEGALCODE = "https://creativecommons.org/licenses/by/4.0/legalcode"
VOLUME = "New Challenges and Approaches to Regional and Global Security in Central Asia"


def created() -> str:
    """Creation time (UTC, ISO 8601); $SOURCE_DATE_EPOCH makes exports reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _epoch(moment: str) -> int:
    """``created`` (ISO 8601, UTC) as seconds since 1970."""
    return int(dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def zip_folder(folder: Path, out: Path, epoch: int) -> None:
    """Zip every file of ``folder`` into ``out``, deterministically: sorted names, each dated
    ``epoch`` (UTC, seconds), the same permissions and compression, no extra fields."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # a zip cannot date before 1980
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.iterdir() if p.is_file()):
            info = zipfile.ZipInfo(file.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, file.read_bytes(), compresslevel=9)


def _csv_bytes(name: str) -> bytes:
    from cadata._formulas import describe, formula_cells
    from cadata.loading import load_any

    frame = load_any(name)
    if found := formula_cells(frame):
        column, row, value = found[0]
        raise IntegrityError(f"{name}, row {row + 1}, column {column}: {describe(value)} (not exported)")
    for column in frame.columns:
        if str(frame[column].dtype) == "category":
            frame[column] = frame[column].astype("string")
        if str(frame[column].dtype) == "boolean":
            frame[column] = frame[column].map({True: "true", False: "false"}).astype("string")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _csv_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema whose foreign keys reference the ``-csv`` resources (a self-reference stays "")."""
    keys = []
    for key in schema.get("foreignKeys", []):
        reference = dict(key["reference"])
        if reference.get("resource"):
            reference["resource"] = f"{reference['resource']}-csv"
        keys.append({**key, "reference": reference})
    return {**schema, "foreignKeys": keys} if "foreignKeys" in schema else dict(schema)


def _resource(base: dict[str, Any], name: str, fmt: str, data: bytes) -> dict[str, Any]:
    resource = {k: v for k, v in base.items() if k not in ("hash", "cadata_bytes", "path", "format", "mediatype")}
    resource["name"] = name if fmt == "parquet" else f"{name}-csv"
    if fmt == "csv":  # a CSV resource's foreign keys point at the CSV resources (R reads only those)
        resource["schema"] = _csv_schema(resource["schema"])
    resource["path"] = f"{name}.{fmt}"
    resource["format"] = fmt
    resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        resource.update(mediatype="text/csv", encoding="utf-8", bytes=len(data))
        resource["dialect"] = {"delimiter": ",", "header": True}
    else:
        # frictionless cannot count a Parquet file's bytes (it reads it through pyarrow)
        resource.update(mediatype="application/vnd.apache.parquet", cadata_bytes=len(data))
    return resource


def _stata_file(folder: Path, name: str, base: dict[str, Any], release_date: str) -> dict[str, Any]:
    """Write ``NAME.dta`` (see ``cadata.stata``); its entry in the descriptor's ``cadata_stata``."""
    from cadata.loading import load_any
    from cadata.stata import dta_bytes

    data, renamed = dta_bytes(load_any(name), base["schema"], str(base.get("title", name)), release_date)
    _paths.child(folder, f"{name}.dta").write_bytes(data)
    entry: dict[str, Any] = {"table": name, "path": f"{name}.dta", "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if renamed:
        entry["renamed"] = renamed
    return entry


STATA_NOTE = (
    "One labelled Stata file (format 118, Unicode) per table, beside the tables: variable labels are the "
    "field descriptions (cut at 80 characters with \u2026), enumerated text is stored as integers with value "
    "labels, booleans as 0/1 labelled false/true, a missing text is \"\". They are not resources (Frictionless "
    "reads no .dta); this list gives each file's sha256."
)


def write_package(folder: Path, fmt: Format = "parquet", stata: bool = False) -> Path:
    """Write the package into an empty or new folder; returns its datapackage.json.

    Each Parquet file is written from the bytes whose sha256 was just checked. ``stata``
    (implied by ``fmt="all"``, which also means both table formats) adds a labelled
    ``NAME.dta`` per table, listed under the descriptor's ``cadata_stata``."""
    from cadata.citation import RELEASE_DATE

    stata = stata or fmt == "all"
    fmt = ALL_TABLES if fmt == "all" else fmt
    folder.mkdir(parents=True, exist_ok=True)
    stata_files: list[dict[str, Any]] = []
    source = _paths.datasets_dir()
    package = _catalog.package()
    resources = []
    for name in dict.fromkeys(table_name(str(r["name"])) for r in package["resources"]):  # checked names; child() checks again
        base = _catalog.resource(name)  # checked: path, hash, schema, card
        if fmt in ("parquet", "both"):
            if resource_format(base) != "parquet":
                raise IntegrityError(f"{source}: table {name!r} has no Parquet file to export; export --format csv")
            data, _ = _integrity.read_verified(base, _integrity.resource_path(base, source))
            _paths.child(folder, f"{name}.parquet").write_bytes(data)
            resources.append(_resource(base, name, "parquet", data))
        if fmt in ("csv", "both"):
            data = _csv_bytes(name)
            _paths.child(folder, f"{name}.csv").write_bytes(data)
            resources.append(_resource(base, name, "csv", data))
        if stata:
            stata_files.append(_stata_file(folder, name, base, RELEASE_DATE))
    descriptor: dict[str, Any] = {k: package[k] for k in ("$schema", "name", "id", "title", "description") if k in package}
    # the release's date (the bundled package's `created`), so that an export is reproducible
    descriptor.update(version=__version__, created=package["created"] if isinstance(package.get("created"), str) else created())
    descriptor.update({k: package[k] for k in ("homepage", "keywords", "licenses", "sources") if k in package})
    descriptor.update(contributors=package.get("contributors", CONTRIBUTORS), resources=resources)
    if stata_files:
        descriptor["cadata_stata"] = {"note": STATA_NOTE, "files": stata_files}
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(readme(descriptor), encoding="utf-8")
    (folder / "LICENSE.md").write_text(licence(descriptor), encoding="utf-8")
    return path


#: Files an export writes besides the descriptor and the tables.
EXTRA_FILES = ("README.md", "LICENSE.md")


def _text(value: object) -> str:
    """A descriptor's value as text for the README (another package's may be anything)."""
    return value if isinstance(value, str) else ""


def _items(value: object) -> list[Any]:
    """A descriptor's list, or none (another package's may hold anything there)."""
    return value if isinstance(value, list) else []


def readme(descriptor: dict[str, Any]) -> str:
    """The package's README: what it is, how to load it in Python, R and DuckDB, how to cite it."""
    from cadata.citation import RELEASE_DATE

    resources = descriptor["resources"]
    csv = next((r for r in resources if r["format"] == "csv"), None)
    parquet = next((r for r in resources if r["format"] == "parquet"), None)
    bases = [str(r["path"]).rsplit(".", 1)[0] for r in resources]
    example = "kz_hotline_reports" if "kz_hotline_reports" in bases else (bases[0] if bases else "TABLE")
    tables = "\n".join(
        f"| `{r['path']}` | `{r['name']}` | {r.get('title', '')} |" for r in resources
    )
    lines = [
        f"# {_text(descriptor.get('title')) or _text(descriptor.get('name')) or 'Data package'}",
        "",
        _text(descriptor.get("description")),
        "",
        f"Version {descriptor['version']}, exported by cadata {__version__} on {descriptor['created']}. "
        "`datapackage.json` is a Frictionless data package: each table's Table Schema (column types, "
        "constraints, primary and foreign keys), its data card (`cadata_card`) and its sha256.",
        "",
        "## Load it",
        "",
        "Python (frictionless, or pandas directly):",
        "",
        "```python",
        "from frictionless import Package",
        'package = Package("datapackage.json")',
    ]
    if csv is not None:
        lines += ["import pandas as pd", f'df = pd.read_csv("{example}.csv")']
    if parquet is not None:
        lines += ["import pandas as pd", f'df = pd.read_parquet("{example}.parquet")']
    lines += ["```", ""]
    if csv is not None:
        lines += [
            "R (the CSV files: UTF-8, comma, \".\" decimal, empty for missing):",
            "",
            "```r",
            'library(frictionless)',
            'package <- read_package("datapackage.json")',
            f'df <- read_resource(package, "{example}-csv")',
            f'# or, with no package: df <- read.csv("{example}.csv", encoding = "UTF-8")',
            "```",
            "",
        ]
    else:
        lines += [
            "R (the Parquet files; `cadata export --format csv` writes CSV for frictionless-r):",
            "",
            "```r",
            f'df <- arrow::read_parquet("{example}.parquet")',
            "```",
            "",
        ]
    stata = descriptor.get("cadata_stata")
    if isinstance(stata, dict) and stata.get("files"):
        lines += [
            f"Stata (one labelled `.dta` per table, format 118: `use {example}.dta`; variable labels are the field "
            "descriptions cut at 80 characters, enumerated text has value labels; `cadata_stata` in "
            "datapackage.json gives each file's sha256). In Python: "
            f'`pd.read_stata("{example}.dta")`.',
            "",
        ]
    lines += ["DuckDB:", "", "```sql"]
    if parquet is not None:
        lines.append(f"select * from '{example}.parquet';")
    if csv is not None:
        lines.append(f"select * from read_csv('{example}.csv');")
    lines += [
        "```",
        "",
        "## Cite it",
        "",
        "Cite the paper a value comes from (each row's `paper_id`; the table `papers` lists them, and "
        "`cadata cite <table>` prints the citations), and cadata:",
        "",
        f"> cadata contributors ({RELEASE_DATE[:4]}). {_text(descriptor.get('title')) or 'cadata'} "
        f"(Version {descriptor['version']}) [Data set]. Curated from {VOLUME}.",
        "",
        "## Licence",
        "",
        "See `LICENSE.md`.",
        "",
        "## Files",
        "",
        "| File | Resource | Title |",
        "|---|---|---|",
        tables,
        "",
    ]
    return "\n".join(lines)


def licence(descriptor: dict[str, Any]) -> str:
    """LICENSE.md: the licences the package is released under, and the source's terms."""
    lines = ["# Licence", "", "The tables of this data package are released under:", ""]
    for entry in _items(descriptor.get("licenses")):
        if isinstance(entry, dict):
            name = _text(entry.get("name"))
            lines.append(f"- {_text(entry.get('title')) or name} ({name}): {_text(entry.get('path'))}")
    lines += [
        "",
        "You may share and adapt them for any purpose, giving appropriate credit: cite cadata and the "
        "source paper of the values you use (README.md, \"Cite it\").",
        "",
        "The values, quotes and page references are transcribed from:",
        "",
    ]
    lines += [f"- {_text(s.get('title'))} ({_text(s.get('publisher'))})" for s in _items(descriptor.get("sources")) if isinstance(s, dict)]
    lines += [
        "",
        "whose text remains under its publisher's terms: it is not part of cadata and not licensed by it. "
        "The `quote` column holds only short passages, the few words that show where each value is "
        "printed, for provenance; keep them attributed to their paper and the volume.",
        "",
        f"The full legal code of CC BY 4.0 is at {LEGALCODE}; cadata's source distribution and wheel "
        "carry it as `LICENSES/CC-BY-4.0.txt`, with `LICENSE-DATA` (this note at length) and `LICENSE` "
        "(the MIT licence of cadata's code, which this package does not contain).",
        "",
    ]
    return "\n".join(lines)


def _owned(folder: Path) -> set[str] | None:
    """The files of an earlier export in ``folder`` (its datapackage.json and the files it
    lists); None unless the folder holds a package that cadata exported."""
    try:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(descriptor, dict) or descriptor.get("contributors") not in (CONTRIBUTORS, _catalog.package().get("contributors")):
        return None
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        return None
    paths = {r.get("path") for r in resources if isinstance(r, dict)}
    if not all(isinstance(p, str) and "/" not in p and "\\" not in p for p in paths):
        return None
    stata = descriptor.get("cadata_stata")
    files = stata.get("files") if isinstance(stata, dict) else []
    dta = {f.get("path") for f in files if isinstance(f, dict)} if isinstance(files, list) else set()
    if not all(isinstance(p, str) and "/" not in p and "\\" not in p and p.endswith(".dta") for p in dta):
        return None
    return {"datapackage.json", *EXTRA_FILES, *(str(p) for p in paths), *(str(p) for p in dta)}


_HINT = ", or pass --force to replace a folder an earlier `cadata export` wrote"


def export(out: Path, fmt: Format = "parquet", as_zip: bool = False, force: bool = False, stata: bool = False) -> Path:
    """Export the catalog to ``out`` (a folder, or with ``as_zip`` a .zip file); atomic.

    Never overwrites: an existing .zip is replaced only with ``force``; an existing folder
    must be empty, or (with ``force``) hold nothing but an earlier export. ``/``, the home
    and the current folder are refused.
    """
    from cadata._outdir import check_replaceable, refuse_precious, swap_in
    from cadata.errors import OutputError

    out = out.resolve()
    as_zip = as_zip or out.suffix.lower() == ".zip"  # `--out x.zip` means a zip, never a folder named x.zip
    refuse_precious(out, "cadata export")
    target = out if not as_zip or out.suffix == ".zip" else out.with_name(out.name + ".zip")
    if as_zip:
        if os.path.lexists(target) and (target.is_dir() or not force):
            what = "is a folder" if target.is_dir() else "exists"
            raise OutputError(f"{target}: {what}; choose a new path{'' if target.is_dir() else ', or pass --force to replace it'}")
    else:
        check_replaceable(out, "cadata export", _owned, force, _HINT)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cadata-export-", dir=out.parent))
    try:
        write_package(staging / "package", fmt, stata)
        if as_zip:
            temp_zip = staging / "package.zip"
            descriptor = json.loads((staging / "package" / "datapackage.json").read_text(encoding="utf-8"))
            zip_folder(staging / "package", temp_zip, _epoch(str(descriptor["created"])))
            if not force:  # refuse, never overwrite, a file that appeared meanwhile
                try:
                    os.link(temp_zip, target)
                except FileExistsError:
                    raise OutputError(f"{target}: exists; choose a new path, or pass --force to replace it") from None
                except OSError:  # no hard links here: a plain rename after one more look
                    if os.path.lexists(target):
                        raise OutputError(f"{target}: exists; choose a new path, or pass --force to replace it") from None
                    os.replace(temp_zip, target)
            else:
                os.replace(temp_zip, target)
            return target
        swap_in(staging / "package", out, "cadata export", _owned, force, _HINT)
        return out
    finally:
        shutil.rmtree(staging, ignore_errors=True)
