"""Schemathesis against the local gateway, over Parley's own document and the specs' three.

No 5xx, responses conform to the document's schemas (Parley's own: also every status and media
type is documented), and every 4xx/5xx is problem+json with a request id. The number of cases is
bounded (PARLEY_FUZZ_EXAMPLES positive and as many negative cases per operation, 20 by default:
about a minute on two cores); `make fuzz` runs more.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

from tests.helpers.fuzzing import DOCUMENTS, fuzz_document
from tests.helpers.gateway import RunningGateway
from tests.helpers.paths import ROOT
from tests.helpers.run_log import RunLog
from tests.helpers.tenants import admin_json

pytestmark = pytest.mark.e2e
EXAMPLES_PER_MODE = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "20"))


@pytest.fixture(scope="module")
def scratch_key(gateway: RunningGateway, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tenant of its own with the demo's catalog, whose configuration the fuzzer may publish."""
    folder = tmp_path_factory.mktemp("fuzzed")
    shutil.copy(ROOT / "tenants/demo/catalog.yaml", folder / "catalog.yaml")
    tenant_id = f"fuzzed{uuid.uuid4().hex[:6]}"
    (folder / "tenant.yaml").write_text(f"tenant_id: {tenant_id}\nname: Fuzzed\n")
    admin_json(gateway, "load-config", str(folder))
    key: str = admin_json(gateway, "issue-key", tenant_id, "--test")["api_key"]
    return key


@pytest.mark.parametrize("document", DOCUMENTS)
def test_fuzz_document_against_the_gateway(
    gateway: RunningGateway, scratch_key: str, document: str, run_log: RunLog
) -> None:
    # Given the demo key (a scratch tenant's for the configuration routes),
    # When every operation gets its bounded positive and negative cases
    assert gateway.demo_key
    report = fuzz_document(
        document, gateway.url, gateway.demo_key, EXAMPLES_PER_MODE, {"/v1/configuration": scratch_key}
    )

    # Then cases were sent and none failed a check
    run_log.add(report.summary())  # the counts are the run's record (the terminal's "run log")
    assert report.cases >= EXAMPLES_PER_MODE
    assert not report.failures, "\n".join([report.summary(), *report.failures])
