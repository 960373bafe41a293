"""``import cadata``, ``cadata list`` and ``cadata info`` never import the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "pandera", "frictionless", "numpy", "yaml")

CHECK = f"""
import sys
{{code}}
loaded = [m for m in {HEAVY!r} if m in sys.modules]
assert not loaded, loaded
"""


def _run(code: str) -> None:
    result = subprocess.run([sys.executable, "-c", CHECK.format(code=code)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_import_cadata_is_light() -> None:
    _run("import cadata; cadata.list_datasets()")


def test_cli_list_and_info_are_light() -> None:
    _run("from cadata.cli import main; import contextlib, io\n"
         "with contextlib.redirect_stdout(io.StringIO()):\n"
         "    assert main(['list']) == 0 and main(['info', 'kz_hotline_reports']) == 0")


def test_heavy_libraries_load_on_first_use() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys, cadata; cadata.load('kz_hotline_reports'); print('pandas' in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == "True"


def test_dir_lists_the_lazy_api_not_the_typing_helpers() -> None:
    import cadata

    names = dir(cadata)
    assert {"info", "search", "find_facts", "validate", "check", "testing", "ValidationReport", "load"} <= set(names)
    assert not {"Any", "TYPE_CHECKING", "annotations"} & set(names)
    assert all(hasattr(cadata, n) for n in names)


def test_the_pytest_helper_is_light_until_used() -> None:
    _run("import cadata.testing; from cadata.testing import assert_valid")
