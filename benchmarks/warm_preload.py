"""What every warm-benchmark process needs before its function: imported once, in the fork server.

The warm section measures each function in a process of its own. Spawning a fresh interpreter for
each of the 37 functions spent about 2.5 s apiece re-importing moto and SAM CLI's template
providers and re-reading ``template.yaml`` — over a minute of ``make bench``'s ten. The processes
are forked from a server that imported this module instead: every one starts from the same clean
state (nothing of the benchmark runner's own heap, no function's module), with these ready.
"""

from __future__ import annotations

import moto  # noqa: F401  (imported here so that each forked process has it)

from benchmarks.common import ROOT, BenchContext
from localgw.template import SamTemplate

TEMPLATE: SamTemplate = BenchContext(root=ROOT).template
