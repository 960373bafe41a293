"""cadata's benchmarks, side by side with their baselines. Run on demand:

    .venv/bin/python benchmarks/run.py [--repeat N]

It measures, each as the median of N runs (a command and its baseline in turn, so that both
see the same load on a shared machine):
- ``import cadata`` against ``python -c pass`` (fresh processes; goal: within 30 ms);
- ``cadata list`` on the command line (goal: under 0.25 s, pandas never imported);
- ``cadata.load(name)`` cold (integrity check and read, caches emptied) against
  ``pandas.read_parquet`` of the same file (goal: at most 1.25x);
- a second ``load`` of the same table (goal: no file read; a copy the caller may change);
- ``cadata validate`` of the bundled catalog against ``python -c "import pandera.pandas, frictionless"``
  (the libraries it cannot do without; goal: at most 2x; N/3 pairs), and ``cadata build --check`` (every
  table rendered and compared; goal: under 5 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def wall(command: list[str], repeat: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(command: list[str], baseline: list[str], repeat: int) -> tuple[float, float]:
    """Median wall times of a command and its baseline, run in turn (so that both see the same
    load on a shared machine), in seconds."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for which, cmd in enumerate((command, baseline)):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            times[which].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def timed(function: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None) -> float:
    """Median time of a call, in seconds; ``before`` runs untimed before each call."""
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    n = parser.parse_args().repeat
    rows: list[tuple[str, float, float | None, str]] = []  # (what, seconds, baseline seconds, goal)

    imported, bare = paired([sys.executable, "-c", "import cadata"], [sys.executable, "-c", "pass"], n)
    rows.append(("import cadata (vs python -c pass)", imported, bare, "+30 ms"))
    rows.append(("cadata list (wall)", wall([str(BIN / "cadata"), "list"], n), None, "< 0.25 s"))
    light = subprocess.run(
        [sys.executable, "-c", "import sys, io, contextlib; from cadata.cli import main\n"
         "with contextlib.redirect_stdout(io.StringIO()): main(['list'])\nprint('pandas' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()

    import pandas as pd

    import cadata
    from cadata import _paths, loading

    def empty_caches() -> None:
        loading._cache.clear()

    for name in cadata.list_datasets():
        path = _paths.datasets_dir() / f"{name}.parquet"
        baseline = timed(lambda p=path: pd.read_parquet(p), n)
        cold = timed(lambda nm=name: cadata.load(nm), n, before=empty_caches)
        rows.append((f"load {name} (vs read_parquet)", cold, baseline, "<= 1.25x"))
        cadata.load(name)
        warm = timed(lambda nm=name: cadata.load(nm), n)
        rows.append((f"second load {name}", warm, None, "no file read"))

    few = max(3, n // 3)
    validated, libraries = paired([str(BIN / "cadata"), "validate"], [sys.executable, "-c", "import pandera.pandas, frictionless"], few)
    rows.append(("cadata validate (vs import pandera.pandas, frictionless)", validated, libraries, "<= 2x"))
    rows.append(("cadata build --check (all tables)", wall([str(BIN / "cadata"), "build", "--check"], max(3, n // 5)), None, "< 5 s"))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}, pandas {pd.__version__}; median of {n} runs")
    print(f"'cadata list' imported pandas: {light}")
    print(f"{'what':58} {'time':>10} {'baseline':>10} {'ratio':>7}  goal")
    for what, seconds, base, goal in rows:
        ratio = (f"+{(seconds - base) * 1000:.0f} ms" if goal.startswith("+") else f"{seconds / base:.2f}x") if base else ""
        base_text = f"{base * 1000:.1f} ms" if base else ""
        print(f"{what:58} {seconds * 1000:>7.1f} ms {base_text:>10} {ratio:>7}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
