"""Why a function's cold start is over the target: its excess over the floor, taken apart.

From what the cold-start section measured (no new runs): the excess of the median total over the
floor's, split into the import and the first invocation (and the first invocation's AWS calls);
the part a function shares with the second reference (Powertools and pydantic, which alone is
over the target), and what is left; and the modules the floor does not import, by owner, from the
``-X importtime`` run (self times: a module's own top-level code, its classes and the clients it
builds, not what it imports).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from benchmarks.common import table

if TYPE_CHECKING:
    from benchmarks.cold_start import ImportEntry, Measured

PYDANTIC_STACK = frozenset({"pydantic", "pydantic_core", "annotated_types", "typing_inspection"})
POWERTOOLS_STACK = frozenset({"aws_lambda_powertools", "jmespath"})
OWNERS_SHOWN = 4


def owner(module: str) -> str:
    """``parley.<domain>``, ``pydantic`` (with its dependencies), ``Powertools`` (with jmespath), or
    the top-level package."""
    top, _, rest = module.partition(".")
    if top == "parley":
        return "parley." + rest.split(".", 1)[0] if rest else "parley"
    if top in PYDANTIC_STACK:
        return "pydantic"
    if top in POWERTOOLS_STACK:
        return "Powertools"
    return top


def beyond_floor_by_owner(entries: list[ImportEntry], floor: list[ImportEntry]) -> list[tuple[str, float]]:
    """Self time of the modules the floor does not import, by owner, largest first."""
    floor_modules = {entry.module for entry in floor}
    owners: dict[str, float] = defaultdict(float)
    for entry in entries:
        if entry.module not in floor_modules:
            owners[owner(entry.module)] += entry.self_ms
    return sorted(owners.items(), key=lambda item: -item[1])


def causes_text(measured: Measured, floor: str, reference: str, target: float) -> str:
    stats = measured.stats
    base = stats[floor]
    reference_excess = stats[reference]["total_ms"].median - base["total_ms"].median
    rows = []
    for function in measured.functions:
        name = function.name
        own = stats[name]
        if name == reference or own["total_ms"].median / base["total_ms"].median <= target:
            continue
        entries = measured.imports[name]
        shares_reference = any(owner(entry.module) == "pydantic" for entry in entries)
        excess = own["total_ms"].median - base["total_ms"].median
        left = excess - (reference_excess if shares_reference else 0.0)
        beyond = beyond_floor_by_owner(entries, measured.imports[floor])
        rows.append(
            (
                name,
                f"{own['total_ms'].median:.0f}",
                f"+{excess:.0f}",
                f"{own['import_ms'].median - base['import_ms'].median:+.0f}",
                f"{own['first_invocation_ms'].median - base['first_invocation_ms'].median:+.0f} "
                f"({own['aws_call_ms'].median - base['aws_call_ms'].median:+.0f})",
                f"{reference_excess:.0f}" if shares_reference else "0 (no pydantic)",
                f"+{left:.0f}" if left > 0 else "none: within the reference's",
                ", ".join(f"`{who}` {ms:.0f}" for who, ms in beyond[:OWNERS_SHOWN]),
            )
        )
    if not rows:
        return "No function is over the target."
    headers = (
        "Function",
        "total ms",
        "over the floor ms",
        "import Δ ms",
        "1st invoke Δ ms (AWS calls Δ)",
        "shared with the reference ms",
        "left for Parley's own ms",
        "imports the floor has not, self ms by owner (largest first)",
    )
    return "\n".join(
        [
            "### Each function over the target, and its measured cause",
            "",
            f"The excess of each median total over the floor's, taken apart from the figures above "
            f"(`benchmarks/cold_causes.py`). **Shared with the reference**: what the second "
            f"reference ({reference}) costs over the floor, {reference_excess:.0f} ms — Powertools' "
            f"Logger and Metrics and one pydantic model, which alone is over the target — for every "
            f"function that imports pydantic. **Left for Parley's own**: the rest — Parley's "
            f"modules and models, the packages only it uses, the work of its first request. The last "
            f"column is the one `-X importtime` run: the self time of the modules the floor does "
            f"not import, by owner (`parley.<domain>` for Parley's own; pydantic with "
            f"`pydantic_core`, `annotated_types` and `typing_inspection`; Powertools with "
            f"`jmespath`). A function's own client creation is in its `app` self time, not here; "
            f"an import Δ below that sum is botocore the function imports without boto3 (the floor "
            f"imports boto3 and s3transfer).",
            "",
            table(headers, rows),
        ]
    )
