"""Exceptions raised by cadata; every message says what, where and what to do."""

from __future__ import annotations

from typing import Any


class CadataError(Exception):
    """Base class of every error cadata raises on purpose."""


class UnknownDatasetError(CadataError, KeyError):
    """A dataset name that is not in the catalog."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class IntegrityError(CadataError):
    """A shipped data file differs from what datapackage.json records."""


class PackageError(CadataError):
    """A data package that cannot be used: unreachable, malformed, unsafe or unreadable by this version."""


class CuratedDataError(CadataError):
    """A curated input breaks a rule; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class OutputError(CadataError):
    """An output path cadata will not write: replacing it could delete files cadata did not write."""


class ContractError(CadataError, ValueError):
    """A table breaks its contract (docs/contracts.md); ``failures`` lists every breach."""

    def __init__(self, name: str, failures: list[Any]) -> None:
        from cadata.validation import describe

        self.name = name
        self.failures = failures
        shown = [f"  {describe(f)}" for f in failures[:50]]
        more = [f"  ... and {len(failures) - 50} more"] if len(failures) > 50 else []
        super().__init__(
            "\n".join([f"{name}: {len(failures)} breach(es) of its contract (row = 0-based position):", *shown, *more,
                        "fix these rows, or see docs/contracts.md for what the contract requires"])
        )


class BuildError(CadataError):
    """The build cannot run (missing inputs, not a source checkout)."""


class InvalidArgumentError(CadataError, TypeError, ValueError):
    """An argument of the wrong type or value (also a TypeError and a ValueError)."""


class MissingExtraError(CadataError, ImportError):
    """A feature needs an optional dependency that is not installed; names the extra."""


class UnknownVersionError(CadataError, KeyError):
    """A release version that releases.json does not record; the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
