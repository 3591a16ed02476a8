"""The environment a cold start runs in, as AWS Lambda's Python 3.12 runtime lays it out.

On Lambda a function's ``sys.path`` is ``/var/task`` (the function's code), the layer
(``/opt/python/lib/python3.12/site-packages``, then ``/opt/python``), then the runtime's own
packages (boto3, botocore and their dependencies) — and nothing of a development venv: no
``awscrt`` (which ``botocore.compat`` imports when it can, about 45 to 60 ms), no moto, SAM CLI or test
tools. Built here, once per ``make bench`` run:

- **the layer's dependencies**: ``pip install --only-binary=:all: --target <dir>/python -r
  layers/shared/requirements.txt`` with this venv's pip (the registries this machine is configured
  with; wheels for this machine, x86_64, where ``sam build`` fetches arm64 ones — the same
  versions), compiled with ``--invalidation-mode unchecked-hash``. Kept in a cache keyed by the
  requirements, the pins below and the interpreter (``BENCH_CACHE_DIR``, default
  ``~/.cache/parley-bench``): a rebuild only when one of them changes;
- **the runtime's SDK**: boto3/botocore in a directory of their own, placed after the layer (the
  layer pins the same versions, so the layer's copy is the one imported, as on Lambda);
- ``parley`` (``layers/shared/parley``), each function's folder and the floors, copied and compiled
  by ``benchmarks.build``.

Children run with ``python -S -P -X frozen_modules=on``: no ``site`` (so not one directory of the
venv), no script folder; ``PYTHONPATH`` is exactly the Lambda order above. ``benchmarks/child.py``
asserts it before the handler's import and again after the first invocation.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import BenchmarkError

LAYER_REQUIREMENTS = Path("layers") / "shared" / "requirements.txt"
# The SDK the python3.12 runtime ships. AWS documents that it depends on the runtime's version and
# the region, and publishes no number (docs.aws.amazon.com/lambda/latest/dg/lambda-python.html,
# "Runtime-included SDK versions"): the versions the layer pins stand in for it.
RUNTIME_PACKAGES = ("boto3==1.43.108", "botocore==1.43.127")
# Importable in the development venv, never on Lambda: the child fails if any of them is found.
FORBIDDEN_MODULES = (
    "awscrt",
    "moto",
    "samcli",
    "pytest",
    "boto3_stubs",
    "mypy_boto3_dynamodb",
    "playwright",
)
# How the children start: no site (no venv directory), no script folder, frozen stdlib modules.
FAITHFUL_FLAGS = ("-S", "-P", "-X", "frozen_modules=on")
# The old way, kept for one comparison: the dev venv's site-packages (awscrt included).
DEV_VENV_FLAGS = ("-s", "-P", "-X", "frozen_modules=on")
PIP_TIMEOUT_SECONDS = 900
COMPLETE = "complete"


@dataclass(frozen=True)
class Dependencies:
    """The cached, compiled dependency folders (read-only: builds copy the layer's)."""

    layer_python: Path
    runtime: Path
    seconds: float
    cached: bool


def cache_root() -> Path:
    configured = os.environ.get("BENCH_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "parley-bench"


def cache_key(requirements: str, python: str) -> str:
    """Changes with the layer's requirements, the runtime pins, the interpreter and the machine."""
    version = subprocess.run(  # noqa: S603 - our own interpreter
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True, check=True
    ).stdout
    digest = hashlib.sha256()
    for part in (requirements, "\n".join(RUNTIME_PACKAGES), version, platform.machine()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def dependencies(root: Path, python: str) -> Dependencies:
    """The layer's and the runtime's packages for this requirements file, built when missing."""
    started = time.perf_counter()
    requirements = (root / LAYER_REQUIREMENTS).read_text()
    folder = cache_root() / cache_key(requirements, python)
    cached = (folder / COMPLETE).is_file()
    if not cached:
        _build(root, python, folder)
    return Dependencies(
        folder / "layer" / "python", folder / "runtime", time.perf_counter() - started, cached
    )


def _build(root: Path, python: str, folder: Path) -> None:
    """pip into a temporary sibling, compile, then rename: a concurrent or interrupted build never
    leaves a half-built folder behind the ``complete`` marker."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=folder.name + "-", dir=folder.parent))
    try:
        _pip(python, staging / "layer" / "python", ["-r", str(root / LAYER_REQUIREMENTS)])
        _pip(python, staging / "runtime", list(RUNTIME_PACKAGES))
        compile_tree(python, staging)
        (staging / COMPLETE).write_text("built by benchmarks.runtime_env\n")
        try:
            staging.rename(folder)
        except OSError:  # built meanwhile by another run: keep that one
            if not (folder / COMPLETE).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _pip(python: str, target: Path, arguments: list[str]) -> None:
    command = [
        python, "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check",
        "--only-binary=:all:", "--target", str(target), *arguments,
    ]  # fmt: skip
    completed = subprocess.run(  # noqa: S603 - our own interpreter and pip
        command, capture_output=True, text=True, timeout=PIP_TIMEOUT_SECONDS, check=False
    )
    if completed.returncode != 0:
        raise BenchmarkError(
            f"building the benchmark's Lambda environment failed: {' '.join(command)}\n"
            f"{completed.stderr[-4000:]}"
        )


def compile_tree(python: str, *folders: Path) -> None:
    """What ``make build`` does to ``.aws-sam/build``: bytecode that is never checked against its
    source (and so never rewritten, which is why builds are copies)."""
    subprocess.run(  # noqa: S603 - our own interpreter
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
         *map(str, folders)],
        capture_output=True, check=True,
    )  # fmt: skip


def lambda_path(function_folder: Path, layer_python: Path, runtime: Path) -> list[Path]:
    """``sys.path`` after the stdlib on Lambda: the task, the layer (both of its places), the runtime."""
    return [
        function_folder,
        layer_python / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages",
        layer_python,
        runtime,
    ]


def pythonpath(entries: list[Path]) -> str:
    return os.pathsep.join(str(entry) for entry in entries)


def package_versions(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of ``names`` in a pip ``--target`` folder, from its .dist-info names."""
    found = {}
    for info in folder.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        normalized = name.lower().replace("_", "-")
        if normalized in names:
            found[normalized] = version
    return found
