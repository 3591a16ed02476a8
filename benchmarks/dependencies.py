"""Section: what the language layer's dependencies add to a cold start.

Each row is measured in fresh interpreters (``python -s -P``, bytecode compiled): the process first
imports what the turn function already imports (its service and models, pydantic, Powertools), then
times the import of one module, so the figure is what that module adds beyond them. Median of
``RUNS`` processes. Candidates that were measured and not chosen are listed when installed.

    .venv/bin/python -m benchmarks.dependencies
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
ALREADY = "import parley.dialogue.service, parley.dialogue.models, pydantic, aws_lambda_powertools"
# (module imported, what it is, whether Parley uses it)
MODULES = (
    ("Stemmer", "PyStemmer 3.1.0: Snowball stemmers in C (English, Spanish)", "chosen"),
    (
        "snowballstemmer",
        "snowballstemmer 3.1.1: the same stemmers in pure Python (~15 to 20 ms to import and "
        "~25 µs a word when measured without PyStemmer)",
        "not chosen",
    ),
    (
        "rapidfuzz.distance.OSA",
        "RapidFuzz 3.14.6: edit distances in C++ (typo verification)",
        "chosen, on first typo",
    ),
    ("re2", "google-re2: linear-time regular expressions (tenants' patterns)", "chosen, on first pattern"),
)
_CHILD = """
import sys, time
sys.path.insert(0, {layer!r})
{already}
started = time.perf_counter()
import {module}
print((time.perf_counter() - started) * 1000)
"""


def marginal_ms(module: str, layer: Path = ROOT / "layers" / "shared") -> list[float] | None:
    code = _CHILD.format(layer=str(layer), already=ALREADY, module=module)
    times = []
    for _ in range(RUNS):
        done = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
            [sys.executable, "-s", "-P", "-c", code], capture_output=True, text=True, check=False, timeout=60
        )
        if done.returncode != 0:
            return None
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def run() -> dict[str, Any]:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "layers" / "shared")], check=False)  # noqa: S603
    data = {}
    for module, what, status in MODULES:
        times = marginal_ms(module)
        data[module] = {
            "what": what,
            "status": status,
            "median_ms": statistics.median(times) if times else None,
            "min_ms": min(times) if times else None,
        }
    return data


def markdown(data: dict[str, Any]) -> str:
    lines = [
        f"Each module imported in {RUNS} fresh interpreters after what the turn function already imports "
        f"(`{ALREADY}`): the median is what it adds to a cold start. RapidFuzz and RE2 are imported on "
        "first use only (the first unknown word with typo candidates, the first pattern slot), never at "
        "module import.",
        "",
        "| module | what | used | adds (median ms) | min ms |",
        "|---|---|---|---|---|",
    ]
    for module, row in data.items():
        if row["median_ms"] is None:
            lines.append(f"| `{module}` | {row['what']} | {row['status']} | not installed | — |")
        else:
            cells = (
                f"`{module}`",
                row["what"],
                row["status"],
                f"{row['median_ms']:.1f}",
                f"{row['min_ms']:.1f}",
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


class DependenciesSection:
    key = "dependencies"
    title = "Language layer: import cost of its dependencies"

    def run(self, context: Any) -> Any:
        from benchmarks.common import SectionResult

        data = run()
        return SectionResult(self.title, markdown(data), data)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dependencies", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--write", action="store_true", help="update the section in benchmarks/results.md")
    args = parser.parse_args(argv)
    text = markdown(run())
    print(text)
    if args.write:
        from benchmarks.understanding import write_section

        write_section(text, DependenciesSection.title)
    return 0


if __name__ == "__main__":
    sys.exit(main())
