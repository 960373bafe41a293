"""Output folders the user names (``cadata docs``, ``cadata export``): never lose a user's files.

The output is built in a staging folder beside the target, then swapped in. An existing
target is replaced only if it is empty or everything in it is known to be what an
earlier run wrote; ``/``, the home directory and the current directory (and any folder
holding one of them) are refused outright.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from cadata.errors import OutputError

#: The files (relative paths, folders included) an earlier run wrote into a folder; None if it was not one.
Owned = Callable[[Path], "set[str] | None"]


def _precious() -> list[tuple[Path, str]]:
    places = [(Path("/").resolve(), "the root folder"), (Path.cwd().resolve(), "the current folder")]
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no home directory: nothing to protect there
        return places
    return [*places, (home.resolve(), "your home folder")] if home.is_absolute() else places


def refuse_precious(out: Path, command: str) -> None:
    """OutputError if ``out`` is ``/``, the home or the current folder, or holds one of them."""
    for place, label in _precious():
        if out == place or out in place.parents:
            held = "is" if out == place else "holds"
            raise OutputError(f"{out}: {held} {label}; {command} will not replace it; give a new folder, such as {out / 'cadata-out'}")


def contents(folder: Path) -> set[str]:
    """Every file and folder below ``folder`` (relative, '/'-separated); links are not followed."""
    found: set[str] = set()
    for top, dirs, files in os.walk(folder, followlinks=False):
        base = Path(top).relative_to(folder)
        found |= {(base / n).as_posix() for n in (*dirs, *files)}
    return found


def check_replaceable(out: Path, command: str, owned: Owned, force: bool = True, hint: str = "") -> None:
    """OutputError unless ``out`` is absent, an empty folder, or (with ``force``) a folder
    holding nothing but what an earlier run of ``command`` wrote there."""
    refuse_precious(out, command)
    if not os.path.lexists(out):
        return
    if out.is_symlink() or not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another path")
    present = contents(out)
    if not present:
        return
    listed = owned(out)
    if listed is None or not force:
        raise OutputError(f"{out}: exists and is not an empty folder; choose a new path{hint}")
    if extra := sorted(present - listed):
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise OutputError(f"{out}: holds files {command} did not write ({shown}); move them away or choose a new path")


def swap_in(staging: Path, out: Path, command: str, owned: Owned, force: bool = True, hint: str = "") -> None:
    """Put the staged folder at ``out``. A previous ``out`` is moved aside, checked once more
    (nothing new may have appeared in it meanwhile), and only then deleted."""
    if not os.path.lexists(out):
        os.replace(staging, out)
        return
    aside = out.with_name(f".{out.name}.old-{secrets.token_hex(4)}")
    os.rename(out, aside)
    try:
        check_replaceable(aside, command, owned, force, hint)
    except OutputError:
        os.rename(aside, out)
        check_replaceable(out, command, owned, force, hint)  # raises, naming the right path
        raise
    try:
        os.replace(staging, out)
    except BaseException:
        os.rename(aside, out)
        raise
    shutil.rmtree(aside, ignore_errors=True)
