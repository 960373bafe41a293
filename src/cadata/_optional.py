"""Optional dependencies: imported on demand, with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from cadata.errors import MissingExtraError


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise MissingExtraError saying which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{feature} needs the optional package {module!r}, which is not installed; "
            f'install it with: pip install "cadata[{extra}]"'
        ) from None
