"""Never lose a user's files: `cadata docs` and `cadata export` replace only what they wrote,
refuse /, the home and the current folder, and a failed build leaves no staging file."""

from __future__ import annotations

import errno
import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from cadata.build import outputs, render, write
from cadata.cli import main
from cadata.errors import BuildError
from cadata.site import MARKER


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    assert main(["docs", "--out", str(out)]) == 0
    return out


@pytest.fixture()
def no_deletion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any deletion, rename or replace is a failure: a refusal must come before all of them."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"tried to delete or move {args}")

    for target in ("shutil.rmtree", "os.rename", "os.replace", "os.unlink", "os.rmdir"):
        monkeypatch.setattr(target, refuse)


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_docs_refuses_a_folder_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text("\\chapter{One}")
    assert main(["docs", "--out", str(thesis)]) == 1
    err = capsys.readouterr().err
    assert "exists and is not an empty folder" in err and MARKER in err and "Traceback" not in err
    assert (thesis / "thesis.tex").read_text() == "\\chapter{One}" and len(list(thesis.iterdir())) == 1


@pytest.mark.parametrize("place", ["root", "home", "cwd", "empty cwd", "parent of cwd"])
def test_docs_and_export_refuse_root_home_and_current_folder(
    place: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_deletion: None
) -> None:
    home, cwd = tmp_path / "home", tmp_path / "work" / "cwd"
    for folder in (home, cwd):
        folder.mkdir(parents=True)
        if place != "empty cwd":
            (folder / "thesis.tex").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    out = {"root": "/", "home": str(home), "cwd": ".", "empty cwd": ".", "parent of cwd": ".."}[place]
    before = _tree(tmp_path)
    for argv in (["docs", "--out", out], ["export", "--out", out], ["export", "--out", out, "--force"], ["export", "--out", out, "--zip", "--force"]):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "will not replace it" in err and "Traceback" not in err, (argv, err)
    assert _tree(tmp_path) == before


def test_docs_replaces_its_own_site_but_nothing_added_to_it(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "index.html").write_text("stale")
    assert main(["docs", "--out", str(copy)]) == 0  # its own site: replaced whole
    assert _tree(copy) == _tree(site)
    (copy / "notes.txt").write_text("mine")
    (copy / "tables" / "draft.html").write_text("mine too")
    assert main(["docs", "--out", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "holds files cadata docs did not write (notes.txt, tables/draft.html)" in err
    assert (copy / "notes.txt").read_text() == "mine" and (copy / "tables" / "draft.html").read_text() == "mine too"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a staging or set-aside folder was left"


def test_docs_refuses_a_forged_or_damaged_marker(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / MARKER).write_text('{"written_by": "someone else", "files": []}')
    assert main(["docs", "--out", str(copy)]) == 1
    (copy / MARKER).write_bytes(b"\xff[[[")
    assert main(["docs", "--out", str(copy)]) == 1
    assert (copy / "index.html").is_file()


def test_export_never_overwrites_a_zip_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"mine")
    for out in (existing, tmp_path / "existing"):  # --zip adds the suffix: the same file
        assert main(["export", "--out", str(out), "--zip"]) == 1
        assert "existing.zip: exists; choose a new path, or pass --force to replace it" in capsys.readouterr().err
        assert existing.read_bytes() == b"mine"
    assert main(["export", "--out", str(existing), "--zip", "--force"]) == 0
    assert "datapackage.json" in zipfile.ZipFile(existing).namelist()
    folder = tmp_path / "folder.zip"
    folder.mkdir()
    assert main(["export", "--out", str(folder), "--zip", "--force"]) == 1
    assert "is a folder" in capsys.readouterr().err and folder.is_dir()


def test_export_force_replaces_only_an_earlier_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "package"
    assert main(["export", "--out", str(out)]) == 0
    first = _tree(out)
    assert main(["export", "--out", str(out)]) == 1  # without --force: refused
    assert "pass --force" in capsys.readouterr().err
    assert main(["export", "--out", str(out), "--force", "--format", "both"]) == 0
    assert set(first) < set(_tree(out))
    (out / "analysis.R").write_text("mine")
    assert main(["export", "--out", str(out), "--force"]) == 1
    assert "holds files cadata export did not write (analysis.R)" in capsys.readouterr().err
    assert (out / "analysis.R").read_text() == "mine"
    other = tmp_path / "other"
    other.mkdir()
    (other / "datapackage.json").write_text('{"name": "mine", "resources": []}')
    assert main(["export", "--out", str(other), "--force"]) == 1  # a package, but not one cadata exported
    assert (other / "datapackage.json").read_text() == '{"name": "mine", "resources": []}'


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """The disk fills up on the ``calls``-th write: half of it lands, then ENOSPC."""
    real = outputs._write
    count = 0

    def write(fd: int, data: memoryview) -> int:
        nonlocal count
        count += 1
        if count >= calls:
            if len(data) > 1:
                real(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(outputs, "_write", write)


def _outputs(root: Path) -> dict[str, str]:
    """Every file under datasets/ and src/, hidden staging files included."""
    return {k: v for k, v in _tree(root).items() if k.startswith(("datasets", "src"))}


@pytest.mark.parametrize("calls", [1, 2, 11], ids=["first file", "datapackage.json", "last file"])
def test_build_on_a_full_disk_changes_nothing_and_leaves_no_staging_file(
    mini_checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: int
) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(mini_checkout, root)
    fresh = render(root, None)
    for rel in fresh:  # make every output stale, so that the build stages every file
        (root / rel).write_bytes((root / rel).read_bytes() + b"\n")
    assert len(fresh) == 11 and sorted(fresh)[1] == "datasets/datapackage.json"
    before = _outputs(root)
    _disk_full_after(monkeypatch, calls)
    with pytest.raises(BuildError, match=r"cannot write \(No space left on device\); no output was changed"):
        write(root, fresh)
    assert _outputs(root) == before  # no output changed, no .datapackage.json.XXXX left
    monkeypatch.undo()
    assert main(["build", "--root", str(root)]) == 0  # and once there is space, it builds
    assert _outputs(root) == {k: hashlib.sha256(v).hexdigest() for k, v in fresh.items()}


def test_cli_build_on_a_full_disk_is_one_clear_error(mini_checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(mini_checkout, root)
    parquet = root / "datasets" / "uz_labour_migrants.parquet"
    parquet.write_bytes(b"stale")
    _disk_full_after(monkeypatch, 1)
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "uz_labour_migrants.parquet: cannot write (No space left on device)" in err and "Traceback" not in err
    assert parquet.read_bytes() == b"stale"
    assert [p.name for p in (root / "datasets").iterdir() if p.name.startswith(".")] == []
