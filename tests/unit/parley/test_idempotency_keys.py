"""Idempotency records keep their keys across the change of how Parley hands them to Powertools.

Powertools hashes what its JMESPath picks out of the call. Parley used to pass the whole key and
payload and pick the fields with a multiselect (``[key.tenant_id, …]``); it now picks them itself
and Powertools reads one field. A retry that straddles that deploy must still find its record (the
same key hash) and still pass payload validation (the same payload hash), or it would run twice or
be refused as a reused key.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

from parley.idempotency import PowertoolsIdempotency

KEY_FIELDS = ("tenant_id", "session_id", "idempotency_key")
PAYLOAD_FIELDS = ("outcome", "metadata")
KEY = {"tenant_id": "demo", "session_id": "sess-1", "idempotency_key": "7b0c0e0c-5a3e-4a6c-9c1a-1f2e3d4c5b6a"}
PAYLOAD = {"outcome": "purchase", "metadata": {"order": "A-1", "value": 120.5, "items": [1, 2]}}


class NoClient:
    """Powertools only keeps the client until a record is read or written."""


def persistence(config: IdempotencyConfig) -> DynamoDBPersistenceLayer:
    layer = DynamoDBPersistenceLayer(table_name="Idempotency", boto3_client=NoClient())
    layer.configure(config, function_name="app.record_conversion")
    return layer


def hashes(layer: DynamoDBPersistenceLayer, call: dict[str, Any]) -> tuple[str | None, str]:
    return layer._get_hashed_idempotency_key(call), layer._get_hashed_payload(call)


def before_the_change() -> DynamoDBPersistenceLayer:
    return persistence(
        IdempotencyConfig(
            event_key_jmespath="[" + ", ".join(f"key.{name}" for name in KEY_FIELDS) + "]",
            payload_validation_jmespath="[" + ", ".join(f"payload.{name}" for name in PAYLOAD_FIELDS) + "]",
            raise_on_no_idempotency_key=True,
        )
    )


def now() -> tuple[PowertoolsIdempotency, DynamoDBPersistenceLayer]:
    guard = PowertoolsIdempotency(
        "Idempotency", NoClient(), key_fields=KEY_FIELDS, payload_fields=PAYLOAD_FIELDS,
        record_name="record_conversion",
    )  # fmt: skip
    return guard, persistence(guard.config)


def handed_to_powertools(guard: PowertoolsIdempotency, key: dict[str, str], payload: dict[str, Any]) -> Any:
    """The call ``run`` hands to Powertools' decorated function."""
    seen: list[dict[str, Any]] = []

    def decorated(*, call: dict[str, Any], action: Any) -> dict[str, Any]:
        seen.append(call)
        return {"done": True}

    guard._run = decorated
    guard.run(key, payload, lambda: {"done": True})
    return seen[0]


def test_given_the_same_request_when_keyed_now_then_its_record_and_payload_hash_as_before() -> None:
    guard, layer = now()

    call = handed_to_powertools(guard, KEY, PAYLOAD)

    assert hashes(layer, call) == hashes(before_the_change(), {"key": KEY, "payload": PAYLOAD})


def test_given_a_payload_without_an_optional_field_when_keyed_now_then_it_hashes_as_before() -> None:
    guard, layer = now()
    partial = {"outcome": "abandoned"}

    call = handed_to_powertools(guard, KEY, partial)

    assert hashes(layer, call) == hashes(before_the_change(), {"key": KEY, "payload": partial})


def test_given_another_body_when_keyed_now_then_the_payload_hash_differs_and_the_key_does_not() -> None:
    _, layer = now()
    first = hashes(layer, {"key": list(KEY.values()), "payload": ["purchase", None]})
    second = hashes(layer, {"key": list(KEY.values()), "payload": ["abandoned", None]})

    assert first[0] == second[0] and first[1] != second[1]
