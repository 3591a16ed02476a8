"""A ``MemorySize`` per function from what its cold start measured: peak RSS and CPU-bound work.

Lambda gives a function CPU in proportion to its memory (one vCPU at 1,769 MB), so the memory
setting is also its CPU: a function whose cold start and first request are mostly its own CPU
(import, models, recognition or analysis — not AWS calls) runs that part faster with more.

The rule, in order:

1. **enough memory**: twice the peak RSS of a cold start and its first invocation (room for
   larger items and batches and a container's heap growth), rounded up to 128 MB;
2. **CPU-heavy** (its own CPU time — the cold start's total without AWS calls — at least
   ``CPU_HEAVY_RATIO`` times that of the *floor + Powertools + pydantic* reference, what every API
   function keeps by design: so Parley's own code costs half as much again): at least 1,024 MB
   (≈ 0.58 vCPU);
3. **on the request path** (an API route, the authorizer, or a worker a client waits for: the
   compiler, which the SDK's ``wait_for_compilation`` polls): at least 512 MB (≈ 0.29 vCPU), so
   the cold start a caller waits for is not stretched by a small CPU share;
4. **in the background** (queues, streams, schedules: nobody waits on them): at least 256 MB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STEP_MB = 128
RSS_HEADROOM = 2.0
CPU_HEAVY_RATIO = 1.5
CPU_HEAVY_MB = 1024
REQUEST_PATH_MB = 512
BACKGROUND_MB = 256
MB_PER_VCPU = 1769
API = "Api"
# Workers whose result a client waits for.
AWAITED = frozenset({"CompileConfigurationFunction"})


@dataclass(frozen=True)
class Suggestion:
    memory_mb: int
    reason: str

    @property
    def vcpu(self) -> float:
        return self.memory_mb / MB_PER_VCPU


def suggest(
    peak_rss_mib: float, own_cpu_ratio: float, triggers: tuple[str, ...], awaited: bool = False
) -> Suggestion:
    """``own_cpu_ratio``: the function's total without AWS calls / the reference's; ``triggers``: the
    types of its template events (none: the authorizer, which runs on every uncached request);
    ``awaited``: a worker whose result a client polls for."""
    enough = max(STEP_MB, math.ceil(peak_rss_mib * RSS_HEADROOM / STEP_MB) * STEP_MB)
    rss = f"peak RSS {peak_rss_mib:.0f} MiB"
    if own_cpu_ratio >= CPU_HEAVY_RATIO:
        return Suggestion(
            max(enough, CPU_HEAVY_MB),
            f"CPU-bound cold start ({own_cpu_ratio:.2f}x the reference's own CPU); {rss}",
        )
    if awaited:
        return Suggestion(max(enough, REQUEST_PATH_MB), f"a client waits for its result; {rss}")
    if API in triggers or not triggers:
        return Suggestion(max(enough, REQUEST_PATH_MB), f"on the request path; {rss}")
    return Suggestion(max(enough, BACKGROUND_MB), f"background ({', '.join(triggers)}); {rss}")
