"""``cadata build``: curated plain-text inputs to Parquet, datapackage.json and typed code.

The build renders every output in memory first (``render``), so a failure leaves
the tree untouched; ``write`` then swaps the files in, and ``stale`` compares.
"""

from cadata.build.outputs import render, stale, write

__all__ = ["render", "stale", "write"]
