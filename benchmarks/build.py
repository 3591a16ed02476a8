"""A Lambda-like build of the code the children run: a copy of the tree, compiled as a build would.

Compiling in the working tree with ``--invalidation-mode unchecked-hash`` would leave .pyc files
that Python never checks against their sources: every later edit of layers/ or functions/ would
be silently ignored by tests and local runs. So the build is a temporary copy, as `sam build`'s
is, and the children import from it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# What a function's cold start imports: the layer, the functions, the two floors and the child.
COPIED = (
    "layers/shared",
    "functions",
    "benchmarks/floor",
    "benchmarks/floor_powertools_pydantic",
    "benchmarks/child.py",
)
COMPILED = ("layers/shared", "functions", "benchmarks")


@dataclass(frozen=True)
class Build:
    source: Path
    root: Path

    def path(self, source_path: Path) -> Path:
        """Where a file of the working tree is in the build."""
        return self.root / source_path.resolve().relative_to(self.source)

    @property
    def layer(self) -> Path:
        return self.root / "layers" / "shared"


@contextmanager
def lambda_build(source: Path, python: str) -> Iterator[Build]:
    with tempfile.TemporaryDirectory(prefix="parley-bench-build-") as folder:
        root = Path(folder)
        for relative in COPIED:
            origin, target = source / relative, root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(origin, target)
        subprocess.run(  # noqa: S603 - our own interpreter
            [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", *COMPILED],
            cwd=root,
            check=True,
        )
        yield Build(source.resolve(), root)
