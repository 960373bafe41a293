"""cadata: curated, validated statistical tables from the OSCE volume
"New Challenges and Approaches to Regional and Global Security in Central Asia".

    >>> import cadata
    >>> cadata.list_datasets()
    >>> df = cadata.load("kz_hotline_reports")
    >>> print(cadata.info("kz_hotline_reports"))

Importing cadata is light: pandas, pyarrow, pandera and frictionless are imported
on first use (``load``, ``validate``, ``build``), never by ``import cadata``.
"""

from __future__ import annotations

__version__ = "0.2.0"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy reads any TYPE_CHECKING as true)

#: cadata's own names; no table may take one (the build refuses it).
API = (
    "CadataError",
    "Comparison",
    "CuratedDataError",
    "DatasetInfo",
    "Diff",
    "IntegrityError",
    "InvalidArgumentError",
    "MissingExtraError",
    "OutputError",
    "ContractError",
    "PackageError",
    "TableName",
    "UnknownDatasetError",
    "ValidationReport",
    "__version__",
    "catalog",
    "check",
    "cite_row",
    "cite_used",
    "compare",
    "connect",
    "diff",
    "erratum",
    "find_facts",
    "info",
    "list_datasets",
    "load",
    "search",
    "testing",
    "validate",
    "versions",
)

if TYPE_CHECKING:
    from typing import Any

    from cadata._catalog import list_datasets as list_datasets
    from cadata.errors import (
        CadataError as CadataError,
        ContractError as ContractError,
        CuratedDataError as CuratedDataError,
        IntegrityError as IntegrityError,
        InvalidArgumentError as InvalidArgumentError,
        MissingExtraError as MissingExtraError,
        OutputError as OutputError,
        PackageError as PackageError,
        UnknownDatasetError as UnknownDatasetError,
    )
    from cadata.loading import load as load
    from cadata.tables import *  # noqa: F403  (typed per-table loaders, generated)
    from cadata.tables import TableName as TableName
    from cadata.tables import __all__ as _table_loaders

    __all__ = [*API, *_table_loaders]
    # `X as X`: exported for mypy (``__all__`` is built from API, which mypy does not follow)
    from cadata.cards import DatasetInfo as DatasetInfo, info as info
    from cadata.citation import cite_used as cite_used
    from cadata.overview import catalog as catalog
    from cadata import testing as testing
    from cadata.report import ValidationReport as ValidationReport
    from cadata.validation import check as check, validate as validate
    from cadata.registers import cite_row as cite_row, erratum as erratum, find_facts as find_facts, search as search
    from cadata.sql import connect as connect
    from cadata.triangulate import Comparison as Comparison, compare as compare
    from cadata.differences import Diff as Diff, diff as diff
    from cadata.releases import versions as versions


_ERRORS = frozenset(("CadataError", "ContractError", "CuratedDataError", "IntegrityError", "InvalidArgumentError",
                     "MissingExtraError", "OutputError", "PackageError", "UnknownDatasetError"))


def __getattr__(name: str) -> Any:
    """The API, imported on first use: ``import cadata`` itself imports nothing (not even typing
    or pathlib), so that it costs next to no start-up time. Each name is kept once imported."""
    value = _lazy(name)
    globals()[name] = value
    return value


def _lazy(name: str) -> Any:
    if name in _ERRORS:
        from cadata import errors

        return getattr(errors, name)
    if name == "load":
        from cadata.loading import load

        return load
    if name == "list_datasets":
        from cadata._catalog import list_datasets

        return list_datasets
    if name == "__all__":
        import importlib

        return [*API, *importlib.import_module("cadata.tables").__all__]
    if name in ("info", "DatasetInfo"):
        from cadata import cards

        return getattr(cards, name)
    if name == "cite_used":
        from cadata.citation import cite_used

        return cite_used
    if name == "catalog":
        from cadata.overview import catalog

        return catalog
    if name in ("check", "validate"):
        from cadata import validation

        return getattr(validation, name)
    if name == "ValidationReport":
        from cadata.report import ValidationReport

        return ValidationReport
    if name == "testing":
        import importlib

        return importlib.import_module("cadata.testing")
    if name == "connect":
        from cadata.sql import connect

        return connect
    if name in ("compare", "Comparison"):
        from cadata import triangulate

        return getattr(triangulate, name)
    if name in ("find_facts", "search", "erratum", "cite_row"):
        from cadata import registers

        return getattr(registers, name)
    if name in ("diff", "Diff"):
        from cadata import differences as _diff

        return getattr(_diff, name)
    if name == "versions":
        from cadata.releases import versions

        return versions
    if not name.startswith("_") and not _is_submodule(name):  # importlib asks for submodules before importing them
        import importlib

        tables = importlib.import_module("cadata.tables")  # TableName and the typed per-table loaders
        if name == "TableName" or name in tables.__all__:
            return getattr(tables, name)
    raise AttributeError(f"module 'cadata' has no attribute {name!r}")


def _is_submodule(name: str) -> bool:
    import os

    here = os.path.dirname(__file__)
    return os.path.isfile(os.path.join(here, f"{name}.py")) or os.path.isdir(os.path.join(here, name))


def __dir__() -> list[str]:
    """The public API, the lazily imported part included (not the typing helpers)."""
    return sorted(__getattr__("__all__"))
