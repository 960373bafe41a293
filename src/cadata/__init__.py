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

__version__ = "0.1.0"

from cadata._catalog import list_datasets
from cadata.errors import (
    CadataError,
    CuratedDataError,
    IntegrityError,
    UnknownDatasetError,
)
from cadata.info import DatasetInfo, info
from cadata.loading import load
from cadata.tables import *  # noqa: F403  (typed per-table loaders, generated)
from cadata.tables import __all__ as _table_loaders

__all__ = [
    "CadataError",
    "CuratedDataError",
    "DatasetInfo",
    "IntegrityError",
    "UnknownDatasetError",
    "__version__",
    "info",
    "list_datasets",
    "load",
    *_table_loaders,
]
