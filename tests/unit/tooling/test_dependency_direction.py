"""The layer's dependencies point one way (import-linter's contracts in pyproject.toml): the
contracts hold for the code as it is, and they break when a domain module imports the HTTP edge."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.paths import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(layer_folder: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH comes before the venv's .pth entry: grimp analyses the layer found there.
    env = {**os.environ, "PYTHONPATH": str(layer_folder)}
    return subprocess.run(  # noqa: S603 -- the venv's own tool, fixed arguments
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_the_layer_keeps_its_dependency_contracts() -> None:
    result = lint_imports(ROOT / "layers" / "shared")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_domain_module_that_imports_parley_http_breaks_them(tmp_path: Path) -> None:
    # Given a copy of the layer whose conversations service imports the HTTP edge
    shutil.copytree(ROOT / "layers" / "shared" / "parley", tmp_path / "parley")
    service = tmp_path / "parley" / "conversations" / "service.py"
    service.write_text(service.read_text() + "\nfrom parley.http.problems import ProblemError  # noqa\n")

    # When the contracts are checked
    result = lint_imports(tmp_path)

    # Then both say so, naming the import
    assert result.returncode != 0
    assert "No domain module knows HTTP BROKEN" in result.stdout
    assert "parley.conversations.service -> parley.http.problems" in result.stdout
