"""Damaged curated inputs (CSV tables, YAML cards, JSON schemas) stop the build with a
CuratedDataError naming the file (and the row and column where there is one), never a
traceback, and leave every output as it was. One test per kind of damage, then a
hypothesis test that generates damage of every sort (types, encodings, nesting, sizes).

They run on a small checkout (a few tables, built once): the real build, on fewer inputs."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadata.build import render, write
from cadata.cli import main
from cadata.errors import CuratedDataError

from .conftest import MINI_FILES, MINI_TABLES, ROOT

HUGE_CELL = 131_073  # one more than the csv module's field limit


def _outputs(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for part in ("datasets", "src")
        for p in sorted((root / part).rglob("*"))
        if p.is_file()
    }


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def set_cell(file: str, row: int, column: str, value: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        rows = _rows(data.decode("utf-8"))
        rows[row][rows[0].index(column)] = value
        return _csv(rows)

    return change


def rename_column(column: str, new: str) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        rows = _rows(data.decode("utf-8"))
        rows[0][rows[0].index(column)] = new
        return _csv(rows)

    return change


def text_edit(change: Callable[[str], str]) -> Callable[[bytes], bytes]:
    return lambda data: change(data.decode("utf-8")).encode("utf-8")


def schema_edit(change: Callable[[dict[str, object]], None]) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        schema = json.loads(data)
        change(schema)
        return json.dumps(schema, indent=2).encode("utf-8")

    return edit


def alias_bomb(depth: int = 9) -> str:
    """A "billion laughs": each level is nine aliases of the one before (1 KB, 9**depth strings)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth)]
    return "\n".join(lines) + f"\ncaveats: *a{depth - 1}\n"


def _field(schema: dict[str, object], name: str) -> dict[str, object]:
    return next(f for f in schema["fields"] if f["name"] == name)  # type: ignore[attr-defined, index, no-any-return]


@dataclass(frozen=True)
class Damage:
    kind: str
    file: str  # relative to the checkout
    change: Callable[[bytes], bytes]
    expected: str  # a regular expression one of the problems must match


R, P, PAGES = "curated/kz_hotline_reports.csv", "curated/papers.csv", "curated/source_pages.csv"
CARD, SCHEMA = "curated/kz_hotline_reports.yaml", "schemas/kz_hotline_reports.json"
DAMAGES = [
    Damage("cell over 131,072 characters", R, set_cell(R, 1, "note", "x" * HUGE_CELL),
           r"kz_hotline_reports\.csv, line \d+: not readable as CSV \(field larger than field limit"),
    Damage("cell over 131,072 characters, csv limit raised", R, set_cell(R, 1, "note", "x" * HUGE_CELL),
           r"kz_hotline_reports\.csv, row 1 \(line 2\), column note: a cell of 131,073 characters; a cell holds at most 131,072"),
    Damage("40-digit integer", R, set_cell(R, 2, "year_start", "1" * 40),
           r"kz_hotline_reports\.csv, row 2 \(line 3\), column year_start: '1{40}' is too large: integers are 64-bit"),
    Damage("5,000-digit integer", R, set_cell(R, 2, "line", "7" * 5000),
           r"kz_hotline_reports\.csv, row 2 \(line 3\), column line: '7{60}\.\.\. \(5,000 characters\)' is too large"),
    Damage("number too large for a float", "curated/kz_hotline_report_shares.csv",
           set_cell("", 3, "low", "9" * 400), r"kz_hotline_report_shares\.csv, row 3 \(line 4\), column low: .* is too large for a number"),
    Damage("non-integer first_line in papers.csv", P, set_cell(P, 1, "first_line", "one"),
           r"papers\.csv, row 1 \(line 2\), column first_line: 'one' is not an integer"),
    Damage("non-integer page in source_pages.csv", PAGES, set_cell(PAGES, 3, "page", "7a"),
           r"source_pages\.csv, row 3 \(line 4\), column page: '7a' is not an integer"),
    Damage("misnamed header in papers.csv", P, rename_column("first_line", "firstline"),
           r"papers\.csv: header is .*; it needs the columns .* \(missing \['first_line'\]\)"),
    Damage("misnamed header in the categories", "curated/kz_hotline_report_categories.csv", rename_column("label", "Label"),
           r"kz_hotline_report_categories\.csv: header is .*\(missing \['label'\]\)"),
    Damage("data card not UTF-8", CARD, lambda d: d.replace(b"Reports", b"R\xe9ports", 1),
           r"kz_hotline_reports\.yaml: not UTF-8 at byte \d+ \(line 1\)"),
    Damage("schema not UTF-8", SCHEMA, lambda d: d.replace(b'"fields"', b'"fi\xe9lds"', 1),
           r"kz_hotline_reports\.json: not UTF-8 at byte \d+"),
    Damage("schema JSON nested 100,000 deep", SCHEMA, lambda d: d.replace(b'"fields"', b'"deep": ' + b"[" * 100_000 + b"]" * 100_000 + b', "fields"', 1),
           r"kz_hotline_reports\.json: not valid JSON: nested too deeply"),
    Damage("card YAML nested 100,000 deep", CARD, text_edit(lambda t: t + "unit2: " + "[" * 100_000 + "]" * 100_000 + "\n"),
           r"kz_hotline_reports\.yaml: not valid YAML: nested too deeply"),
    Damage("field without type", SCHEMA, schema_edit(lambda s: _field(s, "low").pop("type")),
           r"kz_hotline_reports\.json: field \d+ \('low'\) has no type; give one of integer, number, string, boolean"),
    Damage("field of an unsupported type", SCHEMA, schema_edit(lambda s: _field(s, "low").update(type="geopoint")),
           r"kz_hotline_reports\.json: field \d+ \('low'\) has type the text 'geopoint', which cadata does not support"),
    Damage("constraints a list", SCHEMA, schema_edit(lambda s: _field(s, "year_start").update(constraints=["required"])),
           r"kz_hotline_reports\.json: field \d+ \('year_start'\): constraints is a list, expected an object"),
    Damage("categories not a list of value and label", "schemas/kz_hotline_report_shares.json",
           schema_edit(lambda s: _field(s, "category").update(categories=["online_abuse_bullying"])),
           r"kz_hotline_report_shares\.json: field 1 \('category'\): categories is a list, expected a list of"),
    Damage("minimum beyond 64 bits", SCHEMA, schema_edit(lambda s: _field(s, "year_start")["constraints"].update(minimum=10**40)),  # type: ignore[attr-defined]
           r"field \d+ \('year_start'\): constraint minimum is the number 1000+, expected a 64-bit integer"),
    Damage("YAML alias bomb in caveats", CARD, text_edit(lambda t: t.split("caveats:")[0] + alias_bomb()),
           r"kz_hotline_reports\.yaml: not valid YAML: .*found the alias \*a0, which cadata does not allow.*line 12"),
    Damage("card title not text", CARD, text_edit(lambda t: re.sub(r"^title: .*$", "title: [Reports, 2011]", t, flags=re.M)),
           r"kz_hotline_reports\.yaml: title is a list, expected text"),
    Damage("card row a number", CARD, text_edit(lambda t: re.sub(r"^row: .*$", "row: 7", t, flags=re.M)),
           r"kz_hotline_reports\.yaml: row is the number 7, expected text"),
    Damage("caveat read as a mapping", CARD, text_edit(lambda t: t.replace("caveats:\n  - ", "caveats:\n  - Note: ", 1)),
           r"kz_hotline_reports\.yaml: caveat 1 is an object, expected text \(quote it"),
    Damage("caveats not a list", CARD, text_edit(lambda t: t.split("caveats:")[0] + "caveats: just one\n"),
           r"kz_hotline_reports\.yaml: caveats is the text 'just one', expected a list of texts"),
    Damage("misspelt key cavaets", CARD, text_edit(lambda t: t.replace("caveats:", "cavaets:")),
           r"kz_hotline_reports\.yaml: unknown key 'cavaets' \(did you mean 'caveats'\?\)"),
    Damage("package description with a wrong type", "curated/datapackage.yaml", text_edit(lambda t: t.replace("name: cadata", "name: [cadata]")),
           r"datapackage\.yaml: name is a list, expected text"),
]


@pytest.fixture()
def damaged(mini_checkout: Path) -> Iterator[Callable[[Damage], list[str]]]:
    """Apply a damage to the small checkout, build, and give the problems; restores the file."""
    saved: dict[Path, bytes] = {}
    before = _outputs(mini_checkout)

    def apply(damage: Damage) -> list[str]:
        path = mini_checkout / damage.file
        saved.setdefault(path, path.read_bytes())
        path.write_bytes(damage.change(saved[path]))
        with pytest.raises(CuratedDataError) as caught:
            write(mini_checkout, render(mini_checkout, None))
        assert _outputs(mini_checkout) == before, "a failed build must leave every output as it was"
        return caught.value.problems

    try:
        yield apply
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.kind for d in DAMAGES])
def test_damage_is_named_by_file_row_and_column(damaged: Callable[[Damage], list[str]], damage: Damage) -> None:
    limit = csv.field_size_limit()  # process-wide: frictionless raises it once it has read a CSV
    csv.field_size_limit(1 << 30 if "csv limit raised" in damage.kind else HUGE_CELL - 1)
    try:
        problems = damaged(damage)
    finally:
        csv.field_size_limit(limit)
    assert any(re.search(damage.expected, p) for p in problems), problems
    assert all(len(p) < 2_000 for p in problems), "a message quotes a damaged value at length"


def test_build_command_reports_damage_without_a_traceback(mini_checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card = mini_checkout / CARD
    original = card.read_bytes()
    try:
        card.write_text(card.read_text(encoding="utf-8").split("caveats:")[0] + alias_bomb(), encoding="utf-8")
        assert main(["build", "--root", str(mini_checkout)]) == 1
    finally:
        card.write_bytes(original)
    err = capsys.readouterr().err
    assert "kz_hotline_reports.yaml: not valid YAML" in err and "alias" in err and "Traceback" not in err


def test_full_checkout_refuses_a_field_without_type(checkout: Path) -> None:
    """The same on the whole checkout (every table), once."""
    path = checkout / "schemas" / "fighter_estimates.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    del schema["fields"][0]["type"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(CuratedDataError, match=r"fighter_estimates\.json: field 1 \('estimate_id'\) has no type"):
        render(checkout, None)


# --- generated damage ---------------------------------------------------------------------------

_INTEGER, _NUMBER = re.compile(r"-?[0-9]+"), re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _schema(name: str) -> dict[str, object]:
    return json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _typed_columns() -> dict[str, dict[str, str]]:
    """For each curated CSV of the small checkout, its typed columns and their types."""
    found = {"curated/source_pages.csv": {"page": "integer", "first_line": "integer"},
             "curated/kz_hotline_report_categories.csv": {"created_year": "integer"}}
    for name in MINI_TABLES:
        header = _rows((ROOT / "curated" / f"{name}.csv").read_text(encoding="utf-8"))[0]
        fields = {f["name"]: f["type"] for f in _schema(name)["fields"]}  # type: ignore[attr-defined]
        found[f"curated/{name}.csv"] = {c: fields[c] for c in header if fields[c] != "string"}
    return found


TYPED = _typed_columns()
#: Header columns whose name matters: every column of a table; the needed ones of the others.
NEEDED = {"curated/source_pages.csv": ["page", "first_line"], "curated/kz_hotline_report_categories.csv": ["category", "label", "created_year"]}
CARDS = [f"curated/{n}.yaml" for n in MINI_TABLES]
SCHEMAS = [f"schemas/{n}.json" for n in MINI_TABLES]


def _original(file: str) -> bytes:
    return (ROOT / file).read_bytes()


def _bad_cell(kind: str) -> st.SearchStrategy[str]:
    long_digits = st.integers(20, 5_000).map(lambda n: "9" * n)
    if kind == "integer":
        return st.one_of(st.text(min_size=1, max_size=30).filter(lambda t: not _INTEGER.fullmatch(t)), long_digits,
                         st.integers(2**63, 10**60).map(str), st.integers(-(10**60), -(2**63) - 1).map(str))
    if kind == "number":
        return st.one_of(st.text(min_size=1, max_size=30).filter(lambda t: not _NUMBER.fullmatch(t)),
                         st.integers(309, 2_000).map(lambda n: "9" * n))
    return st.text(min_size=1, max_size=30).filter(lambda t: t not in ("true", "false"))


def _insert(data: bytes, offset: int, piece: bytes) -> bytes:
    offset %= len(data) + 1
    return data[:offset] + piece + data[offset:]


@st.composite
def csv_damage(draw: st.DrawFn) -> tuple[str, bytes]:
    file = draw(st.sampled_from(sorted(TYPED)))
    data = _original(file)
    rows = _rows(data.decode("utf-8"))
    how = draw(st.sampled_from(["cell", "huge cell", "not utf-8", "header", "short row"]))
    if how == "not utf-8":
        return file, _insert(data, draw(st.integers(0, len(data))), draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc"])))
    row = draw(st.integers(1, len(rows) - 1))
    if how == "cell" and TYPED[file]:
        column, kind = draw(st.sampled_from(sorted(TYPED[file].items())))
        rows[row][rows[0].index(column)] = draw(_bad_cell(kind))
    elif how == "header":
        column = draw(st.sampled_from(NEEDED.get(file, rows[0])))
        rows[0][rows[0].index(column)] = draw(st.text(max_size=20).filter(lambda t: t not in rows[0]))
    elif how == "short row":
        rows[row] = rows[row][:-1]
    else:
        rows[row][draw(st.integers(0, len(rows[0]) - 1))] = "x" * draw(st.integers(HUGE_CELL, HUGE_CELL + 50_000))
    return file, _csv(rows)


NOT_TEXT = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
                     st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))


def _nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


@st.composite
def card_damage(draw: st.DrawFn) -> tuple[str, bytes]:
    file = draw(st.sampled_from([*CARDS, "curated/datapackage.yaml"]))
    data = _original(file)
    card = yaml.safe_load(data)
    how = draw(st.sampled_from(["value", "caveats", "unknown key", "not utf-8", "alias", "nesting", "huge integer", "not a mapping"]))
    text = data.decode("utf-8")
    if how == "not utf-8":
        return file, _insert(data, draw(st.integers(0, len(data))), b"\xff")
    if how == "alias":
        return file, (text.split("caveats:")[0] + alias_bomb(draw(st.integers(2, 9)))).encode()
    if how == "nesting":
        return file, (text + f"unit2: {_nested(draw(st.integers(1, 100_000)))}\n").encode()
    if how == "huge integer":
        return file, (text + f"population2: {'9' * draw(st.integers(4_301, 20_000))}\n").encode()
    if how == "not a mapping":
        return file, yaml.safe_dump(draw(st.one_of(st.lists(st.text(max_size=5), max_size=3), st.text(max_size=5), st.integers()))).encode()
    if how == "unknown key":
        card[draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in card))] = "x"
    elif how == "caveats" and "caveats" in card:
        card["caveats"] = draw(st.one_of(st.text(max_size=5), st.integers(), st.lists(NOT_TEXT.filter(lambda v: not isinstance(v, str)), min_size=1, max_size=3)))
    else:
        key = draw(st.sampled_from(["title", "description", "row", "unit", "population"] if file in CARDS else ["name", "title", "description"]))
        card[key] = draw(NOT_TEXT)
    return file, yaml.safe_dump(card, allow_unicode=True).encode("utf-8")


@st.composite
def schema_damage(draw: st.DrawFn) -> tuple[str, bytes]:
    file = draw(st.sampled_from(SCHEMAS))
    data = _original(file)
    schema = json.loads(data)
    fields = schema["fields"]
    field = fields[draw(st.integers(0, len(fields) - 1))]
    how = draw(st.sampled_from(["type", "no type", "constraints", "constraint value", "categories", "nesting", "not utf-8", "truncated", "fields", "huge integer"]))
    if how == "not utf-8":
        return file, _insert(data, draw(st.integers(0, len(data))), b"\xff")
    if how == "truncated":
        return file, data[: draw(st.integers(0, data.rindex(b"}") - 1))]
    if how == "nesting":  # a field's description (text) as arrays nested deep, or objects
        field["description"] = "@deep@"
        nested = _nested(draw(st.integers(1, 100_000))) if draw(st.booleans()) else _nested(draw(st.integers(1, 50_000)), '{"a":', "}").replace("{\"a\":}", "{\"a\":1}")
        return file, json.dumps(schema).replace('"@deep@"', nested).encode("utf-8")
    if how == "huge integer":
        return file, data.replace(b'"fields"', f'"big": {"9" * draw(st.integers(4_301, 20_000))}, "fields"'.encode(), 1)
    if how == "type":
        field["type"] = draw(st.one_of(st.text(max_size=10).filter(lambda t: t not in ("integer", "number", "string", "boolean")), NOT_TEXT))
    elif how == "no type":
        del field["type"]
    elif how == "categories":
        field["categories"] = draw(st.one_of(NOT_TEXT.filter(lambda v: not isinstance(v, list) or v), st.text(max_size=5)))
    elif how == "constraints":
        field["constraints"] = draw(st.one_of(st.lists(st.text(max_size=5), max_size=3), st.text(max_size=5), st.integers(), st.none()))
    elif how == "constraint value":
        constraints = field.setdefault("constraints", {})
        if field["type"] == "integer":
            constraints[draw(st.sampled_from(["minimum", "maximum"]))] = draw(st.one_of(st.text(max_size=5), st.floats(), st.integers(2**63, 10**50), st.booleans()))
        elif "enum" in constraints:
            constraints["enum"] = draw(st.one_of(st.text(max_size=5), st.just([]), st.lists(st.integers(), min_size=1, max_size=3)))
        else:
            constraints["required"] = draw(st.one_of(st.text(max_size=5), st.integers(), st.none()))
    else:
        schema["fields"] = draw(st.one_of(st.just([]), st.text(max_size=5), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), st.lists(st.integers(), min_size=1, max_size=2)))
    return file, json.dumps(schema).encode("utf-8")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(csv_damage(), card_damage(), schema_damage()))
def test_generated_damage_is_a_curated_data_error_naming_the_file(mini_checkout: Path, damage: tuple[str, bytes]) -> None:
    file, data = damage
    path = mini_checkout / file
    original = path.read_bytes()
    before = _outputs(mini_checkout)
    path.write_bytes(data)
    try:
        with pytest.raises(CuratedDataError) as caught:
            write(mini_checkout, render(mini_checkout, None))
    finally:
        path.write_bytes(original)
    assert any(Path(file).name in p for p in caught.value.problems), caught.value.problems[:5]
    assert all(len(p) < 2_000 for p in caught.value.problems)
    assert _outputs(mini_checkout) == before


def test_the_small_checkout_builds_as_it_is(mini_checkout: Path) -> None:
    """The generated damage starts from inputs that build: the small checkout is fresh."""
    from cadata.build import stale

    assert stale(mini_checkout, render(mini_checkout, None)) == []
    assert {p.name for p in (mini_checkout / "curated").iterdir()} == {
        *(f"{n}{s}" for n in MINI_TABLES for s in (".csv", ".yaml")), *MINI_FILES
    }
