"""Where a warm handler's own time goes: a cProfile of further requests, AWS calls left out.

The warm section times a handler's own CPU (handler minus botocore); for a route over its target
this names the cause. ``Owners`` is a profiler the replay switches off for the length of every
AWS call (``pause``/``resume`` around ``_make_api_call``), so what it holds is the handler's own
code only. Each function's own time (``tottime``) goes to the code that owns it: a Parley
package (``parley.sessions``), the function's handler, Powertools by subpackage, pydantic,
botocore outside calls (client-side helpers), or a standard-library module; time in C built-ins
(``dict.get``, ``str.join``) goes to whoever called them, in proportion to each caller's share.
Shares, not the profiled milliseconds, are reported: the profiler adds its own cost to every
Python call.
"""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

# pstats' key of a function: (file, line, name); built-ins have the file "~".
FunctionKey = tuple[str, int, str]
_STDLIB = PurePath(sysconfig.get_paths()["stdlib"]).as_posix()
_THIRD_PARTY = {
    "pydantic": "pydantic",
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_extensions": "pydantic",
    "botocore": "botocore (outside AWS calls)",
    "boto3": "botocore (outside AWS calls)",
    "jmespath": "jmespath",
}


HARNESS = "benchmark harness"


def owner_of(filename: str) -> str:
    """Who owns the code of ``filename``: ``parley.<domain>``, ``handler``, ``Powertools
    <subpackage>``, a third-party package, ``stdlib <module>``, ``generated`` (dataclasses' and
    named tuples' methods), the benchmark's own harness, or ``other``."""
    if filename.startswith("<"):
        frozen = filename.removeprefix("<frozen ").removesuffix(">").split(".")[0]
        return "generated (dataclass methods)" if filename == "<string>" else f"stdlib {frozen}"
    parts = PurePath(filename).parts
    return _package_owner(parts) or _stdlib_owner(filename, parts) or "other"


def _package_owner(parts: tuple[str, ...]) -> str | None:
    if "benchmarks" in parts:
        return HARNESS
    if "parley" in parts:
        rest = parts[len(parts) - parts[::-1].index("parley") :]
        return "parley." + (rest[0].removesuffix(".py") if rest else "")
    if "functions" in parts and parts[-1] == "app.py":
        return "handler"
    if "aws_lambda_powertools" in parts:
        at = parts.index("aws_lambda_powertools")
        sub = [part.removesuffix(".py") for part in parts[at + 1 : at + 3]]
        name = sub[1] if sub[:1] == ["utilities"] and len(sub) > 1 else (sub[0] if sub else "")
        return f"Powertools {name}".rstrip()
    return next((owner for package, owner in _THIRD_PARTY.items() if package in parts), None)


def _stdlib_owner(filename: str, parts: tuple[str, ...]) -> str | None:
    posix = PurePath(filename).as_posix()
    if posix.startswith(_STDLIB + "/") and "site-packages" not in parts:
        return "stdlib " + PurePath(posix[len(_STDLIB) + 1 :]).parts[0].removesuffix(".py")
    return None


@dataclass(frozen=True)
class Share:
    owner: str
    fraction: float


@dataclass(frozen=True)
class Attribution:
    """Owners of the profiled own time, largest first, and the functions that spent most."""

    owners: list[Share]
    functions: list[Share]

    def summary(self, own_ms: float, top: int = 4) -> dict[str, Any]:
        return {
            "owners": [(s.owner, s.fraction, s.fraction * own_ms) for s in self.owners[:top]],
            "functions": [(s.owner, s.fraction) for s in self.functions[:top]],
        }


class Owners:
    """A profiler to run around requests; ``pause``/``resume`` around every AWS call."""

    def __init__(self) -> None:
        self._profile = cProfile.Profile()
        self.active = False

    def start(self) -> None:
        self.active = True
        self._profile.enable()

    def stop(self) -> None:
        self._profile.disable()
        self.active = False

    def pause(self) -> None:
        if self.active:
            self._profile.disable()

    def resume(self) -> None:
        if self.active:
            self._profile.enable()

    def attribution(self) -> Attribution:
        return attribute(pstats.Stats(self._profile).stats)  # type: ignore[attr-defined]


def attribute(stats: dict[FunctionKey, tuple[Any, ...]]) -> Attribution:
    """Own time by owner (built-ins charged to their callers) and by function, as fractions;
    the benchmark's own harness left out."""
    by_owner: dict[str, float] = defaultdict(float)
    by_function: dict[str, float] = defaultdict(float)
    for (file, line, name), (_, _, tottime, _, callers) in stats.items():
        if tottime <= 0 or "_lsprof" in name:
            continue  # the profiler's own switching
        if file != "~":
            owner = owner_of(file)
            if owner != HARNESS:
                by_owner[owner] += tottime
                by_function[f"{owner}: {name} ({PurePath(file).name}:{line})"] += tottime
            continue
        for owner, seconds in _callers_shares(tottime, callers).items():
            if owner != HARNESS:
                by_owner[owner] += seconds
                by_function[name] += seconds
    total = sum(by_owner.values()) or 1.0

    def shares(seconds: dict[str, float]) -> list[Share]:
        ranked = sorted(seconds.items(), key=lambda item: -item[1])
        return [Share(owner, value / total) for owner, value in ranked]

    return Attribution(shares(by_owner), shares(by_function))


def _callers_shares(tottime: float, callers: dict[FunctionKey, tuple[Any, ...]]) -> dict[str, float]:
    """A built-in's time split between its callers' owners by the time spent under each call."""
    edges = {caller: edge[2] for caller, edge in callers.items() if edge[2] > 0}
    spread = sum(edges.values())
    if not spread:
        return {"other": tottime}
    owners: dict[str, float] = defaultdict(float)
    for caller, seconds in edges.items():
        owners[owner_of(caller[0]) if caller[0] != "~" else "other"] += tottime * seconds / spread
    return owners
