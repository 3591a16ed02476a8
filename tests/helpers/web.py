"""The npm packages the NLX tests drive (web/package.json, installed by `make test` with `npm ci`),
and the node scripts under web/e2e/ that drive them: each prints one JSON report as its last line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

from tests.helpers.paths import ROOT

WEB = ROOT / "web"


def node_modules_installed() -> None:
    """Fail (never skip) with the command that installs them when they are missing."""
    missing = [
        name
        for name in ("@nlxai/chat-core", "@nlxai/touchpoint-ui", "playwright-core")
        if not (WEB / "node_modules" / name / "package.json").is_file()
    ]
    assert not missing, f"{missing} not installed: run `make web` (npm ci --prefix web)"


def run_node(
    script: str, *args: str, env: dict[str, str] | None = None, timeout: int = 180
) -> dict[str, Any]:
    """Run web/e2e/<script> with node; its JSON report."""
    node_modules_installed()
    node = shutil.which("node")
    assert node, "node is missing (Debian's nodejs)"
    completed = subprocess.run(  # noqa: S603 -- node, a script of this repository, test-chosen arguments
        [node, str(WEB / "e2e" / script), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report
