"""A lock on a datasets folder that makes a rebuild one switch, as readers see it.

``cadata build`` stages every file beside its target, then swaps them all in (the
Parquet files first, datapackage.json last) while holding an exclusive lock on the
folder itself (``flock`` on the directory; no lock file is left behind). Readers take
no lock on the way in; a reader that finds a file differing from the descriptor it
read takes the shared lock, which waits for a swap in progress, and reads once more.
Where ``flock`` is not available (Windows) or the folder cannot be opened, the
lock is a no-op and the reader simply retries once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def _locked(folder: Path, exclusive: bool) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def exclusive(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Held by a build while it swaps files into ``folder``."""
    return _locked(folder, exclusive=True)


def shared(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Held by a reader that retries: no swap happens into ``folder`` meanwhile."""
    return _locked(folder, exclusive=False)
