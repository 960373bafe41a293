"""Rendering every build output in memory, writing them atomically, finding stale ones."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadata import __version__, _descriptor
from cadata._formulas import describe, formula_cells
from cadata.build import codegen, provenance
from cadata.build.assemble import ASSEMBLIES, REGISTERS, complete_observations
from cadata.observation import OBSERVATION_FIELDS, holds_observations
from cadata.build.inputs import (
    check_card,
    check_package_meta,
    cut,
    read_page_starts,
    read_papers,
    read_schema,
    read_table,
    read_yaml,
    where,
)
from cadata.errors import BuildError, CuratedDataError
from cadata.rules import errata_link_problems, needs, rules_for
from cadata.source_text import page_of, read_lines

if TYPE_CHECKING:
    import pandas as pd

GENERATED = ("src/cadata/models.py", "src/cadata/tables.py")


def _needs(name: str, schemas: dict[str, dict[str, Any]]) -> set[str]:
    """The tables a table's assembly, rules and foreign keys read."""
    assembly = ASSEMBLIES.get(name)
    themed = {n for n in schemas if n not in REGISTERS} if assembly and assembly.needs_themed else set()
    if assembly and assembly.needs_all:
        themed = set(schemas) - {name}
    return needs(name, schemas.get(name, {})) | set(assembly.needs if assembly else ()) | themed


def _table_order(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """Names sorted so that a table comes after the tables it needs."""
    ordered: list[str] = []
    pending = sorted(schemas)
    while pending:
        ready = [n for n in pending if _needs(n, schemas) <= set(ordered)]
        if not ready:
            raise BuildError(f"rules need tables that never build: {pending}")
        ordered += ready
        pending = [n for n in pending if n not in ready]
    return ordered


def field_units(df: pd.DataFrame, schema: dict[str, Any]) -> dict[str, str]:
    """The unit of each field that has one: the schema's ``unit``; for value, low and high
    of a table that holds observations, the rows' unit (a code of the units register) when
    they share one, else where to find it; years are calendar years."""
    units: dict[str, str] = {f["name"]: str(f["unit"]) for f in schema["fields"] if f.get("unit")}
    if holds_observations(schema):
        codes = sorted(set(df["unit"].dropna().astype(str)))
        shared = codes[0] if len(codes) == 1 else "per row: the unit column (a code of the units register)"
        units.update({c: shared for c in ("value", "low", "high") if c not in units})
        units.update({c: "calendar_year" for c in ("year_start", "year_end") if c not in units})
    return units


def arrow_field_metadata(field: dict[str, Any], unit: str | None) -> dict[bytes, bytes]:
    """What the Parquet file says of one column, for readers without cadata (pyarrow,
    polars, DuckDB): its title, description, unit and whether the build derives it."""
    meta = {"title": str(field.get("title", field["name"])), "description": str(field.get("description", ""))}
    if unit:
        meta["unit"] = unit
    if field.get("derived"):
        meta["derived"] = "true"
    return {k.encode(): v.encode() for k, v in meta.items()}


def _parquet_bytes(df: pd.DataFrame, schema: dict[str, Any], name: str = "", title: str = "") -> bytes:
    """The table as Parquet: the schema's dtypes (pandas metadata for cadata.load), each
    column's title, description and unit in its Arrow field metadata, and the same as JSON
    in the file's key-value metadata (``cadata.fields``), which DuckDB and polars list."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cadata._frame import typed_frame

    table = pa.Table.from_pandas(typed_frame(df, schema), preserve_index=False)
    units = field_units(df, schema)
    by_name = {f["name"]: f for f in schema["fields"]}
    fields = [table.schema.field(i).with_metadata(arrow_field_metadata(by_name[n], units.get(n))) for i, n in enumerate(table.column_names)]
    described = {n: {k.decode(): v.decode() for k, v in (f.metadata or {}).items()} for n, f in zip(table.column_names, fields, strict=True)}
    metadata = dict(table.schema.metadata or {})
    metadata[b"cadata.fields"] = json.dumps(described, ensure_ascii=False, sort_keys=True).encode()
    if name:
        metadata[b"cadata.table"] = json.dumps({"name": name, "title": title}, ensure_ascii=False, sort_keys=True).encode()
    table = table.cast(pa.schema(fields, metadata=metadata))
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def page_ranges(pages: list[int]) -> str:
    """Printed pages as compact ranges: [74, 198, 199, 200, 207] -> "74, 198-200, 207"."""
    ordered = sorted(set(pages))
    runs: list[list[int]] = []
    for page in ordered:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _card(meta: dict[str, Any], df: pd.DataFrame, cited: list[dict[str, str]]) -> dict[str, Any]:
    keys = ("row", "unit", "population", "period", "paper_id", "caveats")
    card = {k: meta[k] for k in keys if k in meta}
    card.update(
        pages=page_ranges([int(p) for p in df["page"]]) if "page" in df.columns else "",  # derived from the rows
        papers=cited,
        rows=len(df),
    )
    return card


def render(root: Path, source: Path | None, only: set[str] | None = None) -> dict[str, bytes]:
    """Every output file (path relative to root -> bytes); CuratedDataError on a bad input.

    ``only`` limits the build to some tables (and the tables they need): for checking
    a curated table while others are unfinished; such outputs are not for writing.
    """
    import hashlib

    curated = root / "curated"
    if not curated.is_dir():
        raise BuildError(f"{curated}: not found; `cadata build` runs in a source checkout of cadata")
    papers = read_papers(curated / "papers.csv")
    page_starts = read_page_starts(curated / "source_pages.csv")
    lines = read_lines(source) if source is not None else None
    package_meta = read_yaml(curated / "datapackage.yaml")
    check_package_meta(curated / "datapackage.yaml", package_meta)
    schemas = {p.stem: read_schema(p) for p in sorted((root / "schemas").glob("*.json"))}
    if bad_names := [f"schemas/{n}.json: table {problem}" for n in schemas if (problem := _descriptor.name_problem(n))]:
        raise CuratedDataError(bad_names)
    if only is not None:
        unknown = sorted(only - set(schemas))
        if unknown:
            raise BuildError(f"no schema for {unknown} in {root / 'schemas'}")
        wanted = set(only)
        while extra := {n for w in wanted for n in _needs(w, schemas)} - wanted:
            wanted |= extra
        schemas = {name: schema for name, schema in schemas.items() if name in wanted}
    problems: list[str] = []
    tables: dict[str, pd.DataFrame] = {}
    resources: list[dict[str, Any]] = []
    outputs: dict[str, bytes] = {}
    cards: dict[str, dict[str, Any]] = {}
    for name in _table_order(schemas):
        schema = schemas[name]
        path = curated / f"{name}.csv"
        meta = read_yaml(curated / f"{name}.yaml")
        if card_problems := check_card(curated / f"{name}.yaml", meta, papers):
            problems += card_problems
            continue
        assembly = ASSEMBLIES.get(name)
        if missing := sorted(_needs(name, schemas) - set(tables)):
            problems.append(f"{where(path, None)}: not checked, because {', '.join(missing)} it needs failed")
            continue
        observations = holds_observations(schema)
        computed = set(assembly.adds) if assembly else set()
        if observations:
            computed |= {f["name"] for f in OBSERVATION_FIELDS if f.get("derived")}
        try:
            df = read_table(path, schema, computed)
            if assembly is not None:
                df = assembly.add(df, tables, curated)
            if observations:
                df = complete_observations(df, tables)
        except CuratedDataError as exc:
            problems += exc.problems
            continue
        df = df[[f["name"] for f in schema["fields"]]]
        card_ids = meta["paper_id"] if isinstance(meta["paper_id"], list) else [meta["paper_id"]]
        if "paper_id" in df.columns and (stray := sorted(set(df["paper_id"].dropna().astype(str)) - set(map(str, card_ids)))):
            problems.append(f"{curated / f'{name}.yaml'}: rows cite papers {stray} that the card's paper_id does not list; add them")
        table_problems = _check(name, path, schema, df, tables)
        table_problems += [f"{where(path, row, column)}: {describe(value)}" for column, row, value in formula_cells(df)]
        table_problems += provenance.check(path, df, papers, page_starts, lines)
        if table_problems:
            problems += table_problems
            continue
        tables[name] = df
        data = _parquet_bytes(df, schema, name, str(meta["title"]))
        outputs[f"datasets/{name}.parquet"] = data
        ids = meta["paper_id"] if isinstance(meta["paper_id"], list) else [meta["paper_id"]]
        cited = [papers[str(i)] for i in ids]
        cited_cards = [
            {
                "paper_id": p.paper_id,
                "title": p.title,
                "authors": p.authors,
                "pages": f"{page_of(p.first_line, page_starts)}\u2013{page_of(p.last_line, page_starts)}",
            }
            for p in cited
        ]
        cards[name] = meta
        resources.append(
            {
                "name": name,
                "path": f"{name}.parquet",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "title": meta["title"],
                "description": meta["description"],
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "cadata_bytes": len(data),
                "sources": [
                    {"title": f"{p.authors}, \u201c{p.title}\u201d, in {package_meta['source']['title']}"} for p in cited
                ],
                "cadata_card": _card(meta, df, cited_cards),
                "schema": schema,
            }
        )
    for table, row, problem in errata_link_problems(tables, schemas):
        problems.append(f"{where(curated / f'{table}.csv', row, 'note' if table != 'errata' else 'affected_rows')}: {problem}")
    if problems:
        raise CuratedDataError(problems)
    descriptor = {**release_metadata(package_meta), "resources": resources}
    try:
        _descriptor.check(json.loads(json.dumps(descriptor)))  # the rules every reader applies
    except _descriptor.Invalid as exc:
        raise BuildError(f"datasets/datapackage.json would break a rule readers check: {exc}") from None
    outputs["datasets/datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()
    outputs.update(codegen.render(schemas, cards))
    return outputs


#: The Data Package v2 profile the descriptor follows.
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"


def release_metadata(package_meta: dict[str, Any]) -> dict[str, Any]:
    """The package's own properties (all but its resources), from curated/datapackage.yaml:
    the version, the release date (``citation.RELEASE_DATE``, never the build's clock, so a
    rebuild is byte-identical) and the source text's sha256 (``_paths.SOURCE_SHA256``) filled in."""
    from cadata._paths import SOURCE_SHA256
    from cadata.citation import RELEASE_DATE

    source = {**package_meta["source"], "hash": f"sha256:{SOURCE_SHA256}"}
    meta: dict[str, Any] = {"$schema": PROFILE, "name": package_meta["name"]}
    meta.update({k: package_meta[k] for k in ("id",) if k in package_meta})
    meta.update(title=package_meta["title"], description=package_meta["description"], version=__version__)
    meta["created"] = f"{RELEASE_DATE}T00:00:00Z"
    meta.update({k: package_meta[k] for k in ("homepage", "keywords", "contributors") if k in package_meta})
    meta.update(licenses=package_meta["licenses"], sources=[source])
    return meta


def _check(name: str, path: Path, schema: dict[str, Any], df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[str]:
    from cadata.validation import check_frame

    problems = []
    for failure in check_frame(name, schema, df, tables):
        rule = failure.rule
        descriptions = {r.name: r.description for r in rules_for(name, list(df.columns), schema)}
        if rule in descriptions:
            rule = f"{rule} ({descriptions[rule]})"
        value = f"; value {cut(failure.value)!r}" if failure.column else ""
        problems.append(f"{where(path, failure.row, failure.column)}: breaks {rule}{value}")
    return problems


def stale(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Files that differ from a fresh build, are missing, or should not be there."""
    found = []
    for rel, data in sorted(outputs.items()):
        path = root / rel
        if not path.is_file():
            found.append(f"{rel}: missing; run `cadata build`")
        elif path.read_bytes() != data:
            found.append(f"{rel}: stale or edited by hand (differs from a rebuild of the curated inputs); run `cadata build`")
    for path in sorted((root / "datasets").glob("*.parquet")):
        rel = f"datasets/{path.name}"
        if rel not in outputs:
            found.append(f"{rel}: not produced by the build (no schema for it); delete it")
    return found


#: How staged bytes are written (a seam: the tests fill the disk here).
_write = os.write


def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file beside ``target``; on any failure, none is left."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temp = Path(name)
    try:
        view = memoryview(data)
        while view:
            view = view[_write(handle, view) :]
    except BaseException:
        os.close(handle)
        temp.unlink(missing_ok=True)
        raise
    os.close(handle)
    return temp


def write(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Write the outputs: stage every changed file beside its target, then swap them all in.

    The swap is one switch as readers see it: it runs under the datasets folder's
    exclusive lock (see ``cadata._lock``), the Parquet files first and datapackage.json
    last. A failure while staging (a full disk) changes nothing and leaves no staging file.
    """
    from cadata import _lock

    staged: list[tuple[Path, Path]] = []
    current = root
    swapping = False
    try:
        for rel, data in sorted(outputs.items()):
            current = target = root / rel
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, data), target))
        datasets = root / "datasets"
        datasets.mkdir(parents=True, exist_ok=True)
        changed = []
        swapping = True
        with _lock.exclusive(datasets):
            for temp, target in sorted(staged, key=lambda pair: pair[1].name == "datapackage.json"):
                current = target
                os.replace(temp, target)
                changed.append(str(target.relative_to(root)))
            for path in sorted(datasets.glob("*.parquet")):
                if f"datasets/{path.name}" not in outputs:
                    current = path
                    path.unlink()
                    changed.append(f"datasets/{path.name} (removed)")
    except OSError as exc:
        state = (
            "some outputs were replaced, others not; run `cadata build` again" if swapping
            else "no output was changed; free some space (or fix the permissions) and run `cadata build` again"
        )
        raise BuildError(f"{current}: cannot write ({exc.strerror or exc}); {state}") from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    return changed
