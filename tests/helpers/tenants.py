"""A second tenant in a running local gateway's store, made with the admin command itself."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from parley import admin
from tests.helpers.gateway import RunningGateway


def admin_json(gateway: RunningGateway, *argv: str) -> dict[str, Any]:
    """Run ``python -m parley.admin --local-state <gateway's state> …`` in-process; its printed JSON."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = admin.main(["--local-state", str(gateway.state_file), *argv])
    assert code == 0, err.getvalue()
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def tenant_with_key(gateway: RunningGateway, tenant_id: str, name: str) -> str:
    """Create ``tenant_id`` and issue it a test key (registered with the usage plan); the secret."""
    admin_json(gateway, "create-tenant", tenant_id, name)
    return str(admin_json(gateway, "issue-key", tenant_id, "--test")["api_key"])
