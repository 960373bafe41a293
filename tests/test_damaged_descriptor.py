"""An edited datapackage.json never gives a traceback: `cadata list`, `info`, `cite` and
`load` say what is malformed, and `cadata validate` reports each table as it is reached,
a frictionless failure included."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cadata
from cadata import validation
from cadata.cli import main

Descriptor = dict[str, Any]


def _resource(package: Descriptor, name: str = "kz_hotline_reports") -> dict[str, Any]:
    return next(r for r in package["resources"] if r.get("name") == name)


DAMAGES: dict[str, Callable[[Descriptor], None]] = {
    "resource without name": lambda p: _resource(p).pop("name"),
    "non-string name": lambda p: _resource(p).update(name=17),
    "rows: many": lambda p: _resource(p)["cadata_card"].update(rows="many"),
    "card paper without paper_id": lambda p: _resource(p)["cadata_card"]["papers"][0].pop("paper_id"),
    "field without type": lambda p: _resource(p)["schema"]["fields"][1].pop("type"),
    "constraints a list": lambda p: _resource(p)["schema"]["fields"][0].update(constraints=["required"]),
    "caveats a mapping": lambda p: _resource(p)["cadata_card"].update(caveats={"a": "b"}),
    "licenses a string": lambda p: p.update(licenses="CC-BY-4.0"),
    "resource a string": lambda p: p["resources"].append("extra"),
    "duplicate name": lambda p: p["resources"].append(dict(_resource(p))),
    "nested 100,000 deep": lambda p: p.update(deep="@deep@"),
}


def _damage(folder: Path, change: Callable[[Descriptor], None]) -> None:
    path = folder / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    change(package)
    text = json.dumps(package)
    path.write_text(text.replace('"@deep@"', "[" * 100_000 + "]" * 100_000), encoding="utf-8")


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_list_info_cite_load_never_give_a_traceback(damage: str, datasets_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _damage(datasets_copy, DAMAGES[damage])
    for argv in (["list"], ["info", "kz_hotline_reports"], ["cite", "kz_hotline_reports"], ["cite", "kz_hotline_reports", "--format", "apa"],
                 ["show", "kz_hotline_reports"], ["info", "uz_labour_migrants"]):
        code = main(argv)  # an exception would escape here
        err = capsys.readouterr().err
        assert code in (0, 1), (argv, err)
        if code:
            assert "datapackage.json" in err and "reinstall cadata" in err, (argv, err)
    with pytest.raises(cadata.CadataError, match="datapackage.json"):
        cadata.load("kz_hotline_reports")


def test_damage_in_one_resource_leaves_the_others_usable(datasets_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _damage(datasets_copy, DAMAGES["field without type"])
    assert main(["info", "kz_hotline_reports"]) == 1
    assert "resource 'kz_hotline_reports': schema: field 2 ('unit') has no type" in capsys.readouterr().err
    assert main(["info", "uz_labour_migrants"]) == 0 and main(["list"]) == 0
    assert re.search(r"^kz_hotline_reports +7 rows", capsys.readouterr().out, re.M)
    assert len(cadata.load("uz_labour_migrants")) == 4


def test_validate_turns_a_frictionless_exception_into_a_failed_table(datasets_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _damage(datasets_copy, lambda p: _resource(p).update(path="../../etc/passwd"))
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "FAILED  kz_hotline_reports" in out and "plain file name" in out
    assert "ok      uz_labour_migrants (4 rows)" in out and "ok      facts (" in out
    assert "FAILED  datapackage.json (frictionless)" in out and "frictionless cannot validate the package" in out


def test_validate_reports_each_table_before_the_package_check(datasets_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    monkeypatch.setattr(validation, "frictionless_errors", lambda path, covered=(): checked.append("frictionless") or [])
    reports = validation.validate_package()
    first = next(reports)
    assert first.name == cadata.list_datasets()[0] and first.ok and checked == []
    rest = list(reports)
    assert checked == ["frictionless"] and rest[-1].name == "datapackage.json (frictionless)"
