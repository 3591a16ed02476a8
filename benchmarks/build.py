"""A Lambda-like build of the code the children run: what ``sam build`` then ``make build`` produce.

Compiling in the working tree with ``--invalidation-mode unchecked-hash`` would leave .pyc files
that Python never checks against their sources: every later edit of layers/ or functions/ would
be silently ignored by tests and local runs. So the build is a temporary copy, as `sam build`'s
is, and the children import from it:

- ``layer/python``: the layer's dependencies (``benchmarks.runtime_env``, cached and compiled)
  with ``layers/shared/parley`` copied in, as ``sam build`` lays out a ``BuildMethod: python3.12``
  layer (it becomes ``/opt/python``);
- ``functions/<folder>``: each function's ``CodeUri`` (``/var/task``);
- ``benchmarks/floor``, ``benchmarks/floor_powertools_pydantic``: the two references, built like
  functions; ``benchmarks/child.py``: the children's bootstrap (stdlib only);
- the runtime's SDK stays in the cache (``runtime``), read-only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.runtime_env import Dependencies, compile_tree, dependencies, lambda_path

LAYER_SOURCE = Path("layers") / "shared"
LAYER_PACKAGE = LAYER_SOURCE / "parley"
# Copied as they are (the layer's package goes into the layer's python folder).
COPIED = (
    "functions",
    "benchmarks/floor",
    "benchmarks/floor_powertools_pydantic",
    "benchmarks/child.py",
)
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


@dataclass(frozen=True)
class Build:
    source: Path
    root: Path
    runtime: Path
    dependencies: Dependencies | None = None
    seconds: float = 0.0

    def path(self, source_path: Path) -> Path:
        """Where a file of the working tree is in the build."""
        relative = source_path.resolve().relative_to(self.source)
        if relative.is_relative_to(LAYER_PACKAGE):
            return self.layer / relative.relative_to(LAYER_SOURCE)
        return self.root / relative

    @property
    def layer(self) -> Path:
        """The layer's ``python`` folder (``/opt/python`` on Lambda)."""
        return self.root / "layer" / "python"

    def sys_path(self, app: Path) -> list[Path]:
        """The function's folder, the layer and the runtime, in Lambda's order."""
        return lambda_path(self.path(app).parent, self.layer, self.runtime)

    def allowed(self, app: Path) -> list[Path]:
        """Where a module of this function may come from, besides the standard library."""
        return [self.path(app).parent, self.layer, self.runtime]


def _link_or_copy(source: str, destination: str) -> None:
    """Hard links where the cache and the build share a file system (the files are never written:
    their bytecode is unchecked and children run with PYTHONDONTWRITEBYTECODE)."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


@contextmanager
def lambda_build(source: Path, python: str) -> Iterator[Build]:
    started = time.perf_counter()
    packages = dependencies(source, python)
    with tempfile.TemporaryDirectory(prefix="parley-bench-build-") as folder:
        root = Path(folder)
        build = Build(source.resolve(), root, packages.runtime, packages)
        shutil.copytree(packages.layer_python, build.layer, copy_function=_link_or_copy)
        shutil.copytree(source / LAYER_PACKAGE, build.layer / LAYER_PACKAGE.name, ignore=IGNORED)
        for relative in COPIED:
            origin, target = source / relative, root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=IGNORED)
            else:
                shutil.copy2(origin, target)
        compile_tree(python, build.layer / LAYER_PACKAGE.name, root / "functions", root / "benchmarks")
        yield Build(build.source, root, packages.runtime, packages, seconds=time.perf_counter() - started)
