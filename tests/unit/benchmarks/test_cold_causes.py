"""The cold-start section names each miss's measured cause: its excess over the floor, taken apart."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from benchmarks.cold_causes import beyond_floor_by_owner, causes_text, owner
from benchmarks.cold_start import ImportEntry
from benchmarks.common import Stats


def entry(module: str, self_ms: float) -> ImportEntry:
    return ImportEntry(module, 0, self_ms, self_ms)


FLOOR_IMPORTS = [entry("boto3", 5.0), entry("json", 1.0)]


def timings(total: float, imported: float, aws: float = 0.0) -> dict[str, Stats]:
    def one(value: float) -> Stats:
        return Stats.of([value])

    return {
        "total_ms": one(total),
        "import_ms": one(imported),
        "first_invocation_ms": one(total - imported),
        "aws_call_ms": one(aws),
    }


def measured(**functions: tuple[float, list[ImportEntry]]) -> Any:
    stats = {"floor": timings(200, 190, 5), "reference": timings(260, 245, 6)}
    imports = {"floor": FLOOR_IMPORTS, "reference": [*FLOOR_IMPORTS, entry("pydantic.main", 30.0)]}
    for name, (total, entries) in functions.items():
        stats[name] = timings(total, total - 20, 10)
        imports[name] = entries
    targets = [SimpleNamespace(name=name) for name in ("reference", *functions)]
    return SimpleNamespace(stats=stats, imports=imports, functions=targets)


def test_given_modules_when_owned_then_parley_by_domain_and_libraries_with_their_dependencies() -> None:
    assert owner("parley.sessions.progress") == "parley.sessions"
    assert owner("pydantic_core._pydantic_core") == owner("annotated_types") == "pydantic"
    assert owner("jmespath.visitor") == owner("aws_lambda_powertools.logging") == "Powertools"
    assert owner("re2") == "re2"


def test_given_imports_when_compared_with_the_floor_then_only_new_modules_count_by_owner() -> None:
    entries = [
        *FLOOR_IMPORTS,
        entry("parley.nbq.catalog", 4.0),
        entry("parley.nbq.detection", 3.0),
        entry("pydantic.main", 9.0),
    ]

    assert beyond_floor_by_owner(entries, FLOOR_IMPORTS) == [("pydantic", 9.0), ("parley.nbq", 7.0)]


def test_given_functions_over_and_under_the_target_then_only_misses_are_explained() -> None:
    parley_heavy = [*FLOOR_IMPORTS, entry("pydantic.main", 30.0), entry("parley.sessions.models", 25.0)]
    no_pydantic = [*FLOOR_IMPORTS, entry("aws_lambda_powertools.logging", 8.0)]

    text = causes_text(
        measured(Sessions=(300, parley_heavy), Health=(230, no_pydantic), Small=(250, parley_heavy)),
        "floor",
        "reference",
        1.2,
    )

    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert set(rows) == {"Function", "Sessions", "Small"}  # Health is 1.15x; the reference is no row
    assert "| +100 |" in rows["Sessions"] and "| 60 | +40 |" in rows["Sessions"]
    assert "`pydantic` 30, `parley.sessions` 25" in rows["Sessions"]
    assert "none: within the reference's" in rows["Small"]
