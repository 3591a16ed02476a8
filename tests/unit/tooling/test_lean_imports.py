"""Import time is cold start: each function imports only what its own path needs.

Every function's ``app.py`` is imported in a fresh interpreter (the function's folder and the layer
on the path, as on Lambda; the settings' defaults, so tracing is off), and the modules it loaded are
compared with what its path never needs. Each absence below was measured as cold start (with the
layer's wheels and no ``awscrt``, ``python -X importtime``):

- a configuration function never loads the sessions' engine and models (``parley.wiring`` builds
  each service from its own domain, ≈ 70 ms), nor the configuration's mutation models (the readers
  and the compiler: no pydantic at all);
- boto3 only where Powertools Idempotency imports it: ``parley.aws`` builds botocore clients, and
  ``import boto3`` would add s3transfer and multiprocessing (≈ 10 % of the floor's import);
- the X-Ray SDK only when the deployment turns tracing on (``Tracer()`` ≈ 130 ms), Powertools
  Idempotency only where a function mutates, the language libraries and the offline sentiment
  lexicon on first use, the webhooks only in the functions that deliver them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT

LAYER = ROOT / "layers" / "shared"

# Never loaded by importing any function (the settings' defaults: PowertoolsTracer off).
NOWHERE = ("aws_xray_sdk", "parley.admin", "moto")
IDEMPOTENCY = ("aws_lambda_powertools.utilities.idempotency",)
# The sessions' service, engine and models (their limits are shared constants).
SESSIONS = ("parley.sessions.service", "parley.sessions.engine", "parley.sessions.models")
CONFIGURATION_CHANGES = ("parley.configuration.changes",)
FIRST_USE = ("vaderSentiment", "rapidfuzz", "re2")
WEBHOOKS = ("parley.webhooks",)

# function folder → module prefixes its import must not load (besides NOWHERE)
ABSENT: dict[str, tuple[str, ...]] = {
    "process_turn": (
        *IDEMPOTENCY,
        *SESSIONS,
        "parley.configuration",
        "parley.insights",
        *WEBHOOKS,
        *FIRST_USE,
    ),
    "update_context": (*IDEMPOTENCY, *SESSIONS, "parley.insights", *WEBHOOKS, *FIRST_USE),
    "insights_worker": (*IDEMPOTENCY, *SESSIONS, "parley.webhooks.delivery", *FIRST_USE),
    "deliver_webhooks": (*IDEMPOTENCY, *SESSIONS, "parley.insights", *FIRST_USE, "pydantic"),
    "relay_changes": (*IDEMPOTENCY, *WEBHOOKS, *FIRST_USE, "pydantic"),
    "compile_configuration": (*SESSIONS, *CONFIGURATION_CHANGES, *IDEMPOTENCY, "pydantic"),
    "get_compilation": (*SESSIONS, *CONFIGURATION_CHANGES, *IDEMPOTENCY, "pydantic"),
    "get_configuration": (*SESSIONS, *CONFIGURATION_CHANGES, *IDEMPOTENCY),
    "list_configuration_questions": (*SESSIONS, *CONFIGURATION_CHANGES, *IDEMPOTENCY),
    "list_configuration_audit": (*SESSIONS, *CONFIGURATION_CHANGES, *IDEMPOTENCY),
    "publish_configuration": (*SESSIONS, *CONFIGURATION_CHANGES),
    "apply_configuration_changes": SESSIONS,
    "get_session": (*IDEMPOTENCY, "parley.configuration", "parley.dialogue", "parley.insights"),
    "create_session": ("parley.configuration", "parley.dialogue", "parley.insights", *WEBHOOKS),
    "create_conversation": (
        *IDEMPOTENCY,
        *SESSIONS,
        "parley.dialogue",
        "parley.insights",
        *WEBHOOKS,
        *FIRST_USE,
    ),
    "append_messages": (*IDEMPOTENCY, *SESSIONS, "parley.dialogue", "parley.insights", *WEBHOOKS, *FIRST_USE),
    "get_conversation": (*IDEMPOTENCY, *SESSIONS, "parley.dialogue", "parley.insights", *WEBHOOKS),
    "list_conversations": (*IDEMPOTENCY, *SESSIONS, "parley.dialogue", "parley.insights", *WEBHOOKS),
    "next_question": (*IDEMPOTENCY, *SESSIONS, "parley.dialogue", "parley.conversations", *WEBHOOKS),
    "authorize_request": ("pydantic", *IDEMPOTENCY, "parley.nbq", "parley.conversations", *SESSIONS),
}

_LIST_MODULES = "import app, json, sys; print(json.dumps(sorted(sys.modules)))"


def modules_loaded_by(function: str) -> list[str]:
    """The modules loaded by importing the function's ``app.py`` in a fresh interpreter."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join((str(ROOT / "functions" / function), str(LAYER))),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    done = subprocess.run(  # noqa: S603 -- this interpreter, fixed arguments
        [sys.executable, "-P", "-c", _LIST_MODULES],
        env=env,
        cwd=ROOT / "functions" / function,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


# boto3 comes with Powertools Idempotency (its persistence layer imports it), and only with it.
WITHOUT_IDEMPOTENCY = {name for name, absent in ABSENT.items() if IDEMPOTENCY[0] in absent}
BOTO3 = ("boto3", "s3transfer")


@pytest.mark.parametrize("function", sorted(ABSENT))
def test_a_function_imports_only_what_its_path_needs(function: str) -> None:
    # Given the function's app.py, When it is imported in a fresh interpreter
    loaded = modules_loaded_by(function)

    # Then it loaded its handler, and none of the modules its path never needs
    assert "parley.observability" in loaded
    forbidden = (*NOWHERE, *ABSENT[function], *(BOTO3 if function in WITHOUT_IDEMPOTENCY else ()))
    unexpected = sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in forbidden))
    assert unexpected == [], f"{function} imports {unexpected}"
