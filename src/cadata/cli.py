"""The ``cadata`` command: list, show, info, validate, build.

Exit codes: 0 ok, 1 a failed check (or a bad input), 2 a usage error.
Output goes to stdout, errors to stderr. ``cadata list`` and ``cadata info``
never import pandas.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cadata.errors import CadataError, InvalidArgumentError, UnknownDatasetError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"cadata: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _is_text(value: str) -> bool:
    """Whether a string is text: no lone surrogates (the shell's stand-ins for bytes that are not UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds greater than 0")
    return value


def _command(sub: Any, name: str, summary: str, example: str, description: str = "") -> _Parser:
    """A subcommand with its one-line help, a description and one example (in ``--help``)."""
    parser: _Parser = sub.add_parser(
        name, help=summary, description=description or summary[0].upper() + summary[1:] + ".",
        epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _parser() -> _Parser:
    from cadata import __version__

    parser = _Parser(
        prog="cadata", description="Curated statistical tables on security in Central Asia.",
        epilog="example:\n  cadata list\n  cadata show kz_hotline_reports\n\n`cadata COMMAND --help` describes a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cadata {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    table = "a table's name (`cadata list` lists them)"
    _command(sub, "list", "list the tables with their size and title", "cadata list")
    show = _command(sub, "show", "print a table", "cadata show kz_hotline_reports --columns year_start,value,as_printed --head 5",
                    "Print a table. On a terminal, wide cells are cut to fit its width; piped, rows are printed whole.")
    show.add_argument("name", help=table)
    show.add_argument("--format", choices=["table", "csv", "json"], default="table", help="how to print it (default: table)")
    show.add_argument("--columns", type=_columns, metavar="A,B,C", help="only these columns, in this order, comma-separated")
    show.add_argument("--head", type=_count, metavar="N", help="only the first N rows")
    info = _command(sub, "info", "print a table's data card and citation", "cadata info kz_hotline_reports")
    info.add_argument("name", help=table)
    validate = _command(
        sub, "validate", "validate the bundled tables, any data package, or your own files against a table's contract",
        "cadata validate --table kz_hotline_reports my_hotline.csv",
        "With no argument: every bundled table and the package, each printed as it is checked. PACKAGE: a folder, "
        "a datapackage.json, a .zip or an http(s) URL, against its own schemas or, with --against cadata, cadata's "
        "contracts. --table NAME FILE...: CSV or Parquet files against one table's contract.",
    )
    validate.add_argument("target", nargs="*", metavar="PACKAGE|FILE",
                          help="a data package, or CSV/Parquet files (each against the table it is named after, or --table NAME)")
    validate.add_argument("--table", metavar="NAME", help="check the FILEs against this cadata table's contract")
    validate.add_argument("--against", choices=["cadata"], help="check the package's tables against cadata's contracts")
    validate.add_argument("--format", choices=["text", "json", "junit"], default="text", help="the report's format (default: text)")
    check = _command(sub, "check", "check your own copy or extension of a table (CSV or Parquet) against its contract",
                     "cadata check kz_hotline_reports my_hotline.csv")
    check.add_argument("name", help="the table whose contract the file must keep")
    check.add_argument("file", type=Path, help="your CSV or Parquet file")
    export = _command(sub, "export", "write a self-contained Frictionless data package", "cadata export --out cadata.zip --format csv",
                      "Write a self-contained Frictionless data package (the tables, datapackage.json, README.md, LICENSE.md) to a new folder or a .zip file.")
    export.add_argument("--out", type=Path, required=True, help="a new folder, or a .zip file (a name ending in .zip writes a zip)")
    export.add_argument("--format", choices=["parquet", "csv", "both", "all"], default="parquet",
                        help="the tables' file format (default: parquet; R and Excel read csv; all: parquet, csv and a Stata .dta per table)")
    export.add_argument("--stata", action="store_true", help="also write a labelled Stata .dta file per table")
    export.add_argument("--zip", action="store_true", help="write one .zip file")
    export.add_argument("--force", action="store_true", help="replace an existing .zip, or a folder an earlier export wrote")
    fetch = _command(sub, "fetch", "download a published data package, or a cadata release, into the cache (verified)",
                     "cadata fetch --version 0.1.0",
                     "Download a published data package (URL) or a release of cadata (--version, its sha256 checked against "
                     "releases.json) into the cache; afterwards it is read offline.")
    fetch.add_argument("url", nargs="?", help="the package's datapackage.json or .zip URL")
    fetch.add_argument("--version", dest="release", metavar="VERSION", help="a cadata release instead of a URL (`cadata versions` lists them)")
    fetch.add_argument("--refresh", action="store_true", help="download again even if cached")
    fetch.add_argument("--deadline", type=_seconds, default=None, metavar="SECONDS",
                       help="give up on a file after this long (default $CADATA_DOWNLOAD_DEADLINE or 300)")
    _command(sub, "versions", "list cadata's releases: date, sha256, DOI, and which are bundled or cached", "cadata versions")
    diff = _command(
        sub, "diff", "what changed between two versions or packages: rows, cells and schemas", "cadata diff 0.1.0 current --table facts",
        "What changed from OLD to NEW, table by table: rows added and removed by primary key, each changed cell (column, old "
        "and new value), and schema changes apart. OLD and NEW are each a release version (cadata versions), `current` "
        "(the bundled data), a package folder, a datapackage.json, a .zip or an http(s) URL.",
    )
    diff.add_argument("old", help="the older version or package")
    diff.add_argument("new", help="the newer version or package (`current`: the bundled data)")
    diff.add_argument("--table", metavar="NAME", help="only this table")
    diff.add_argument("--format", choices=["text", "csv", "json"], default="text", help="text (default), csv (one row per change) or json")
    cite = _command(sub, "cite", "how to cite a table (its papers and cadata)", "cadata cite kz_hotline_reports --format bibtex")
    cite.add_argument("name", help=table)
    cite.add_argument("--format", choices=["plain", "bibtex", "apa"], default="plain", help="citation style (default: plain)")
    search = _command(sub, "search", "facts mentioning a word, a number or a place", "cadata search 650000",
                      "Facts mentioning a word, a number (650000 finds \"650,000\") or a place (a name, or an ISO code such as KGZ).")
    search.add_argument("text", help="a word, a number or a place")
    erratum = _command(sub, "erratum", "show an erratum and the rows it touches", "cadata erratum E001")
    erratum.add_argument("erratum_id", help="an erratum id, e.g. E001 (`cadata show errata` lists them)")
    cite_row = _command(sub, "cite-row", "where a row's value is printed, and how to cite it", "cadata cite-row kz_hotline_reports 2017")
    cite_row.add_argument("name", help=table)
    cite_row.add_argument("key", help="the row's primary key values joined by '|' (e.g. 2017, or UZB|2015)")
    compare = _command(sub, "compare", "every estimate of a quantity side by side, with its source chain and agreement",
                       "cadata compare foreign_fighters --iso3 UZB")
    compare.add_argument("indicator", help="an indicator code (cadata show indicators), e.g. foreign_fighters")
    compare.add_argument("--iso3", help="only estimates about this country (ISO 3166-1 alpha-3, e.g. UZB)")
    compare.add_argument("--year", type=int, help="only estimates whose years include this one (and undated ones)")
    docs = _command(sub, "docs", "build a static site of data cards with charts (needs the docs extra)", "cadata docs --out site")
    docs.add_argument("--out", type=Path, required=True, help="a new folder for the site")
    build = _command(sub, "build", "build datasets/ from curated/ (source checkout only)", "cadata build --check")
    build.add_argument("--check", action="store_true", help="only report stale or hand-edited outputs")
    build.add_argument("--root", type=Path, default=None, help="the source checkout (default: this package's)")
    build.add_argument("--dry-run", action="store_true", help="check the curated inputs, write nothing")
    build.add_argument("--only", nargs="+", metavar="NAME", help="with --dry-run: check only these tables")
    return parser


def _columns(value: str) -> list[str]:
    names = [c.strip() for c in value.split(",") if c.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give column names separated by commas, e.g. year_start,value")
    return names


def _count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of rows (0 or more)")
    return n


def _terminal_width() -> int | None:
    """The terminal's width, or None when stdout is not a terminal (print everything whole)."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def _wrap(text: str, width: int | None = None) -> str:
    """``text`` with each line wrapped to the terminal's width, continuation lines indented as it is."""
    width = width or shutil.get_terminal_size().columns
    out = []
    for line in text.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        bullet = "  " if line.lstrip().startswith("- ") else ""
        out += textwrap.wrap(line, width, subsequent_indent=indent + bullet, break_on_hyphens=False, break_long_words=False) or [""]
    return "\n".join(out)


#: Cells are cut to no fewer characters than this; beyond that, columns are left out instead.
_NARROWEST = 12


def _fit(cells: list[list[str]], width: int) -> tuple[list[list[str]], int]:
    """Rows of cells (the header first) cut to fit ``width``: the widest column loses a character
    (ending in "…") until the table fits or no column is wider than ``_NARROWEST``; then columns at the right are
    left out. Returns the rows and how many columns were left out."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    def total(ws: list[int]) -> int:
        return sum(ws) + 2 * (len(ws) - 1)
    while total(widths) > width and max(widths) > _NARROWEST:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    dropped = 0
    while len(widths) > 1 and total(widths) > width:
        widths.pop()
        dropped += 1
    def cut(text: str, w: int) -> str:
        return text if len(text) <= w else text[: w - 1] + "\u2026"
    return [[cut(row[i], w) for i, w in enumerate(widths)] for row in cells], dropped


def _table_text(df: Any, width: int | None) -> str:
    """A DataFrame as aligned text: whole when ``width`` is None, else cut to fit it."""
    import pandas as pd

    if width is None:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", None, "display.max_colwidth", None):
            return str(df.to_string(index=False))
    cells = [[str(c) for c in df.columns]]
    for row in df.itertuples(index=False):
        cells.append(["<NA>" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v).replace("\n", " ") for v in row])
    rows, dropped = _fit(cells, width)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns[: len(widths)]]
    lines = ["  ".join(cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(r, widths, numeric)).rstrip() for r in rows]
    if dropped:
        lines.append(f"({dropped} more column(s) not shown; pick them with --columns, or pipe the output to see it whole)")
    return "\n".join(lines)


def _list() -> int:
    from cadata._catalog import package

    resources = package()["resources"]  # each has a name (checked); the rest may be damaged
    width = max((len(r["name"]) for r in resources), default=0)
    columns = shutil.get_terminal_size().columns
    for r in sorted(resources, key=lambda r: str(r["name"])):
        card = r.get("cadata_card")
        rows = card.get("rows") if isinstance(card, dict) else None
        shown = str(rows) if isinstance(rows, int) and not isinstance(rows, bool) else "?"
        title = r.get("title")
        lead = f"{r['name'].ljust(width)}  {shown.rjust(4)} rows  "
        text = title if isinstance(title, str) else ""
        if columns - len(lead) >= 20:
            lines = textwrap.wrap(text, columns - len(lead), break_on_hyphens=False) or [""]
            print(lead + lines[0], *(" " * len(lead) + line for line in lines[1:]), sep="\n")
        else:  # too narrow for the title beside the name: below it, indented
            print(lead.rstrip(), *textwrap.wrap(text, max(columns, 20), initial_indent="    ", subsequent_indent="    "), sep="\n")
    return EXIT_OK


def _show(name: str, fmt: str, columns: list[str] | None = None, head: int | None = None) -> int:
    from cadata.loading import load_any

    df = load_any(name)
    if columns:
        unknown = [c for c in columns if c not in df.columns]
        if unknown:
            raise InvalidArgumentError(
                f"{name} has no column {', '.join(map(repr, unknown))}; its columns: {', '.join(map(str, df.columns))}"
            )
        df = df[columns]
    if head is not None:
        df = df.head(head)
    if fmt == "csv":
        sys.stdout.write(df.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(df.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    else:
        print(_table_text(df, _terminal_width()))
    return EXIT_OK


def _validate() -> int:
    from cadata.validation import validate_package

    failed = False
    for report in validate_package():  # each table's result as it is reached
        status = "ok" if report.ok else "FAILED"
        size = f" ({report.rows} rows)" if report.rows else ""
        lines = [f"{status:6}  {report.name}{size}", *(f"        {error}" for error in report.errors)]
        for f in report.failures:
            at = ", ".join(p for p in (f"row {f.row}" if f.row is not None else "", f"column {f.column}" if f.column else "") if p)
            lines.append(f"        {f.rule}: {at or 'table'}: value {f.value!r}")
        print("\n".join(lines), flush=True)
        failed = failed or not report.ok
    return EXIT_FAILED if failed else EXIT_OK


def _validate_report(target: list[str], table: str | None, against: str | None, fmt: str) -> int:
    """``cadata validate`` with a package, ``--table`` files or a machine format."""
    from cadata.validation import validate

    if table is not None:
        if not target:
            _parser().error("validate --table NAME needs at least one FILE")
        if against is not None:
            _parser().error("--against goes with a PACKAGE, not with --table")
        report = validate([Path(t) for t in target], table=table)
    else:
        if against is not None and (len(target) != 1 or Path(target[0]).suffix.lower() in (".csv", ".parquet")):
            _parser().error("--against cadata needs one PACKAGE (a folder, datapackage.json, .zip or URL)")
        if len(target) > 1 and not all(Path(t).suffix.lower() in (".csv", ".parquet") for t in target):
            _parser().error("validate takes one PACKAGE, or CSV/Parquet files (named like a table, or with --table NAME)")
        report = validate(target if len(target) > 1 else target[0] if target else None, against=against)
    out = report.render(fmt)
    print(out, flush=True)
    return EXIT_OK if report.ok else EXIT_FAILED


def _check(name: str, file: Path) -> int:
    """Check a user's table file against the contract of table ``name`` (docs/contracts.md)."""
    from cadata.validation import contract_failures, read_user_table

    frame, first_line = read_user_table(file)
    failures = contract_failures(name, frame)
    for f in sorted(failures, key=lambda f: (-1 if f.row is None else f.row, f.column or "", f.rule)):
        where = f"line {f.row + first_line}" if first_line and f.row is not None else (f"row {f.row}" if f.row is not None else "")
        at = ", ".join(p for p in (where, f"column {f.column}" if f.column else "") if p) or "the table"
        value = f" (value {f.value!r})" if f.column else ""
        print(f"{file}: {at}: breaks {f.rule}{value}", file=sys.stderr)
    if failures:
        print(f"{file}: {len(failures)} breach(es) of the contract of {name}; see docs/contracts.md", file=sys.stderr)
        return EXIT_FAILED
    print(f"{file}: keeps the contract of {name} ({len(frame)} rows)")
    return EXIT_OK


def _build(check: bool, root: Path | None, dry_run: bool = False, only: list[str] | None = None) -> int:
    from cadata import _paths
    from cadata.build import render, stale, write
    from cadata.errors import BuildError

    root = root or _paths.checkout_root()
    if root is None:
        raise BuildError("no source checkout found: run `cadata build` from a clone of cadata, or pass --root")
    source = _paths.source_text_path()
    if source is None:
        print("note: source text not found ($CADATA_SOURCE or ../shared/source/); quotes not checked", file=sys.stderr)
    outputs = render(root, source, set(only) if only else None)
    if dry_run:
        print(f"curated inputs ok: {sum(1 for k in outputs if k.endswith('.parquet'))} tables checked, nothing written")
        return EXIT_OK
    if check:
        problems = stale(root, outputs)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print(f"up to date: {len(outputs)} files match a rebuild")
        return EXIT_FAILED if problems else EXIT_OK
    changed = write(root, outputs)
    print(f"built {len(outputs)} files; changed: {', '.join(changed) if changed else 'none'}")
    return EXIT_OK


#: Arguments that are text (a name, a word, a key, a URL), not a file name.
_TEXT_ARGUMENTS = ("name", "text", "erratum_id", "key", "url", "table", "release", "old", "new")


def _shown(path: Path) -> str:
    """A path for stdout: a file name that is not UTF-8 (shell bytes) is escaped, not an error."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    for key in _TEXT_ARGUMENTS:
        value = getattr(args, key, None)
        if isinstance(value, str) and not _is_text(value):
            print(f"cadata: error: {key.replace('_', ' ')} {value!r} is not valid UTF-8 text", file=sys.stderr)
            return EXIT_USAGE
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:  # `cadata show facts | head`: the reader has what it wanted
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's final flush is quiet too
        except (OSError, ValueError):
            pass  # stdout is not a file descriptor (tests)
        return EXIT_OK
    except (UnknownDatasetError, InvalidArgumentError) as exc:
        print(f"cadata: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (CadataError, OSError) as exc:
        print(f"cadata: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _run(args: argparse.Namespace) -> int:
    """Run one parsed command."""
    if args.command == "list":
        return _list()
    if args.command == "show":
        return _show(args.name, args.format, args.columns, args.head)
    if args.command == "info":
        from cadata.cards import info

        print(_wrap(str(info(args.name))))
        return EXIT_OK
    if args.command == "validate":
        if args.table is None and args.format == "text" and not args.target and args.against is None:
            return _validate()
        return _validate_report(args.target, args.table, args.against, args.format)
    if args.command == "check":
        return _check(args.name, args.file)
    if args.command == "export":
        from cadata.export import export

        as_zip = args.zip or args.out.suffix.lower() == ".zip"
        what = "parquet, csv and Stata" if args.format == "all" else args.format + (" and Stata" if args.stata else "")
        print(f"writing the data package ({what} tables, datapackage.json, README.md, LICENSE.md) "
              f"to {_shown(args.out)}{' as a zip' if as_zip else ''} ...", file=sys.stderr, flush=True)
        print(_shown(export(args.out, args.format, as_zip, force=args.force, stata=args.stata)))
        return EXIT_OK
    if args.command == "versions":
        from cadata.releases import versions

        for r in versions():
            state = "bundled" if r.bundled else ("cached" if r.cached else "not downloaded")
            print(f"{r.version:8}  {r.date}  {state:14}  {r.sha256 or '-'}  {('doi:' + r.doi) if r.doi else 'no DOI yet'}")
        return EXIT_OK
    if args.command == "diff":
        from cadata.differences import diff

        print(diff(args.old, args.new, args.table).render(args.format), end="" if args.format != "text" else "\n")
        return EXIT_OK
    if args.command == "fetch" and args.release is not None:
        from cadata._catalog import list_datasets
        from cadata.releases import package_folder

        if args.url is not None:
            _parser().error("fetch takes a URL or --version, not both")
        folder = package_folder(args.release, refresh=args.refresh, deadline=args.deadline)
        print(f"{_shown(folder)}: cadata {args.release}, {len(list_datasets(folder))} tables, cached and verified; "
              f"in Python: cadata.load(name, version={args.release!r})")
        return EXIT_OK
    if args.command == "fetch":
        from cadata._catalog import list_datasets
        from cadata.packages import fetch

        if args.url is None:
            _parser().error("fetch needs a URL or --version VERSION")
        folder = fetch(args.url, refresh=args.refresh, deadline=args.deadline)
        print(f"{_shown(folder)}: {len(list_datasets(folder))} tables, cached and verified; in Python: cadata.load(name, package={args.url!r})")
        return EXIT_OK
    if args.command == "cite":
        from cadata.citation import cite

        print(cite(args.name, args.format))
        return EXIT_OK
    if args.command == "search":
        from cadata.registers import search as find

        found = find(args.text)
        columns = ["fact_id", "indicator", "as_printed", "low", "high", "unit", "iso3", "year_start", "paper_id", "page", "line"]
        print(_table_text(found[columns], _terminal_width()) if len(found) else f"no fact mentions {args.text!r}")
        return EXIT_OK
    if args.command == "erratum":
        from cadata.registers import erratum as show

        print(show(args.erratum_id))
        return EXIT_OK
    if args.command == "cite-row":
        from cadata.registers import cite_row as where_printed

        print(where_printed(args.name, args.key))
        return EXIT_OK
    if args.command == "compare":
        from cadata.triangulate import compare as line_up

        print(line_up(args.indicator, args.iso3, args.year))
        return EXIT_OK
    if args.command == "docs":
        from cadata.site import build_site

        print(f"writing the site (a page per table, with charts) to {_shown(args.out)} ...", file=sys.stderr, flush=True)
        print(_shown(build_site(args.out)))
        return EXIT_OK
    if args.only and not args.dry_run:
        _parser().error("--only goes with --dry-run")
    return _build(args.check, args.root, args.dry_run, args.only)


if __name__ == "__main__":
    raise SystemExit(main())
