"""The GitHub workflows: CI runs the README's test command, a tag runs the release job; actionlint passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.skip("actionlint not installed (the test extra installs it on Linux x86_64)")
    return found


def test_actionlint_passes() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "release.yml"]
    done = subprocess.run([_actionlint(), "-no-color", *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nonsense_key }}\n")
    done = subprocess.run([_actionlint(), "-no-color", str(broken)], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1 and "nonsense_key" in done.stdout


def test_ci_runs_the_readme_test_command() -> None:
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert ".ci/run" in runs
    assert "exec python3 tasks.py test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_release_runs_on_a_version_tag_and_attaches_dist() -> None:
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    triggers = release[True] if True in release else release["on"]  # YAML 1.1 reads `on` as true
    assert triggers == {"push": {"tags": ["v*"]}}
    runs = "\n".join(step.get("run", "") for job in release["jobs"].values() for step in job["steps"])
    assert "python3 tasks.py release" in runs and "gh release upload" in runs and "dist/*" in runs
