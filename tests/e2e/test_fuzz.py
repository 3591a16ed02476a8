"""Schemathesis against the local gateway, over Parley's own document and the specs' three.

No 5xx, responses conform to the document's schemas (Parley's own: also every status and media
type is documented), and every 4xx/5xx is problem+json with a request id. The number of cases is
bounded (PARLEY_FUZZ_EXAMPLES positive and as many negative cases per operation, 20 by default:
about a minute on two cores); `make fuzz` runs more.
"""

from __future__ import annotations

import os

import pytest

from tests.helpers.fuzzing import DOCUMENTS, fuzz_document
from tests.helpers.gateway import RunningGateway
from tests.helpers.run_log import RunLog

pytestmark = pytest.mark.e2e
EXAMPLES_PER_MODE = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "20"))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_fuzz_document_against_the_gateway(gateway: RunningGateway, document: str, run_log: RunLog) -> None:
    # Given the demo key, When every operation gets its bounded positive and negative cases
    assert gateway.demo_key
    report = fuzz_document(document, gateway.url, gateway.demo_key, EXAMPLES_PER_MODE)

    # Then cases were sent and none failed a check
    run_log.add(report.summary())  # the counts are the run's record (the terminal's "run log")
    assert report.cases >= EXAMPLES_PER_MODE
    assert not report.failures, "\n".join([report.summary(), *report.failures])
