"""cadata diff on the real releases, and the machine-readable changelog against CHANGELOG.md."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cadata
from cadata import changes
from cadata.cli import main
from cadata.errors import UnknownDatasetError, UnknownVersionError

ROOT = Path(__file__).resolve().parent.parent
ZIP_010 = ROOT / "releases" / "cadata-0.1.0.zip"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> cadata.Diff:
    mp = pytest.MonkeyPatch()
    mp.setenv("CADATA_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.delenv("CADATA_RELEASES_URL", raising=False)  # a checkout reads releases/cadata-0.1.0.zip, offline
    try:
        return cadata.diff("0.1.0", "current")
    finally:
        mp.undo()


def _cell(result: cadata.Diff, table: str, key: str, column: str) -> tuple[str, str]:
    found = result.cells[(result.cells["table"] == table) & (result.cells["key"] == key) & (result.cells["column"] == column)]
    assert len(found) == 1, (table, key, column)
    return str(found["old"].iloc[0]), str(found["new"].iloc[0])


def test_diff_0_1_0_to_current_finds_the_known_changes(result: cadata.Diff) -> None:
    assert (result.old, result.new) == ("0.1.0", "0.2.0")
    # the CHANGELOG's corrections and rescalings, cell by cell
    assert _cell(result, "facts", "sabirov-5633-t6", "value") == ("28935", "28.935")
    assert _cell(result, "facts", "sikorskaia-4920-1", "value") == ("0.25", "25")
    assert _cell(result, "facts", "ergashev-7694-1", "value") == ("0.5", "50")
    assert _cell(result, "fighter_estimates", "ergashev-7639-1", "source_table") == ("ergashev_table_1", "ca_fighter_estimates")
    # the ten "0,00" cells of categories not yet created are no longer facts
    removed = result.rows[(result.rows["table"] == "facts") & (result.rows["change"] == "row removed")]["key"]
    assert sum(k.startswith("sabirov-56") for k in removed) == 10
    # errata E043-E045 added; E039, E040 and E042 now link their rows
    added = set(result.rows[(result.rows["table"] == "errata") & (result.rows["change"] == "row added")]["key"])
    assert added == {"E043", "E044", "E045"}
    assert {"E039", "E040", "E042"} <= set(result.cells[result.cells["table"] == "errata"]["key"])
    # schema changes apart: renamed and added columns, new registers, merged tables
    schema = result.schema
    renamed = schema[(schema["table"] == "kz_hotline_reports") & (schema["change"] == "column renamed")]
    assert set(zip(renamed["old"], renamed["new"])) >= {("year", "year_start")}
    assert ((schema["table"] == "facts") & (schema["change"] == "column renamed") & (schema["old"] == "table")
            & (schema["new"] == "source_table")).any()
    assert set(schema[schema["change"] == "table added"]["table"]) == {"indicators", "units", "sources_cited", "fact_sources"}
    merged = result.tables[result.tables["status"] == "merged"]
    assert len(merged) == 10 and "af_isil_presence" in set(merged["table"])
    assert merged.set_index("table").loc["uz_population", "note"].startswith("merged into facts in 0.2.0 (deprecated.json)")
    assert "of them not in" not in " ".join(merged["note"])  # every fact they became is in facts


def test_nothing_changed_is_an_empty_diff() -> None:
    same = cadata.diff("current", str(ROOT / "datasets"))
    assert same.empty and (same.tables["status"] == "same").all()
    assert "no differences" in str(same)


def test_diff_command_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path))
    assert main(["diff", str(ZIP_010), "current", "--table", "kz_hotline_reports", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["new"] == "0.2.0" and document["tables"][0]["table"] == "kz_hotline_reports"
    assert main(["diff", str(ZIP_010), "current", "--table", "facts", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["table", "change", "key", "column", "old", "new"]
    assert ((frame["key"] == "sabirov-5633-t6") & (frame["column"] == "value") & (frame["new"] == "28.935")).any()
    assert main(["diff", str(ZIP_010), "current", "--table", "kz_hotline_reports"]) == 0
    assert "schema: column renamed: year -> year_start" in capsys.readouterr().out
    assert main(["diff", str(ZIP_010), "current", "--table", "no_such_table"]) == 2
    assert "no table 'no_such_table'" in capsys.readouterr().err
    assert main(["diff", "0.0.9", "current"]) == 1
    assert "no release '0.0.9'" in capsys.readouterr().err


def test_bad_diff_arguments() -> None:
    with pytest.raises(UnknownVersionError):
        cadata.diff("0.0.9")
    with pytest.raises(UnknownDatasetError):
        cadata.diff("current", "current", table="nope")


def test_changes_csv_is_fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """datasets/changes.csv is what comparing with the previous release gives (`python -m cadata.changes` writes it)."""
    monkeypatch.setenv("CADATA_CACHE", str(tmp_path))
    assert changes.render(ROOT) == (ROOT / "datasets" / "changes.csv").read_bytes(), "run `.venv/bin/python -m cadata.changes`"


def test_changelog_agrees_with_changes_csv() -> None:
    """The per-table counts in CHANGELOG.md's 0.2.0 section are those of datasets/changes.csv."""
    frame = changes.read(ROOT / "datasets" / "changes.csv")
    assert list(frame.columns) == changes.COLUMNS
    assert set(frame["version"]) == {cadata.__version__}
    block = changes.changelog_block((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), cadata.__version__)
    assert block is not None, "CHANGELOG.md's 0.2.0 section lacks its <!-- changes 0.2.0 --> block"
    assert block == changes.summary_markdown(frame, cadata.__version__), "run `.venv/bin/python -m cadata.changes`"


def test_every_change_has_a_reason() -> None:
    frame = changes.read(ROOT / "datasets" / "changes.csv")
    assert (frame["reason"] != "").all()
    assert set(frame[frame["table"] == "errata"]["reason"]) <= {"E039", "E040", "E042", "E043", "E044", "E045", "E012", "E019"} | set(
        frame["reason"][frame["reason"].str.startswith("model change")])
    fix = frame[(frame["key"] == "sabirov-5633-t6") & (frame["column"] == "value")]
    assert fix["reason"].iloc[0].startswith("correction") and (fix["old"].iloc[0], fix["new"].iloc[0]) == ("28935", "28.935")


def test_a_table_renamed_in_the_deprecation_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table deprecated.json says was renamed is compared with its new self, not removed and added."""
    from cadata import loading

    old = tmp_path / "old"
    shutil.copytree(ROOT / "datasets", old)
    descriptor = json.loads((old / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "kz_hotline_reports":
            resource["name"] = "hotline_reports"
    (old / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setattr(loading, "_deprecated", lambda: {"hotline_reports": {"since": "0.2.0", "replacement": "kz_hotline_reports"}})
    result = cadata.diff(str(old), "current")
    summary = result.tables.set_index("table").loc["kz_hotline_reports"]
    assert summary["status"] == "renamed" and summary["old_table"] == "hotline_reports"
    assert summary["added"] == summary["removed"] == summary["changed_cells"] == 0
    assert result.rows.empty and result.cells.empty
    assert result.schema[["table", "change", "old", "new"]].values.tolist() == [
        ["kz_hotline_reports", "table renamed", "hotline_reports", "kz_hotline_reports"]]
    assert "hotline_reports" not in set(result.tables["table"])
    only = cadata.diff(str(old), "current", table="kz_hotline_reports")
    assert len(only.tables) == 1 and only.tables["status"].iloc[0] == "renamed"
