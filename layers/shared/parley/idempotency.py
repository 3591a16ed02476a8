"""Powertools Idempotency behind the domain's ``IdempotencyGuard``: the first call with a key runs,
repeats get its stored answer, and Powertools' exceptions become domain errors.

The key is built by the caller from values it read and validated itself (the tenant, the path and
the ``Idempotency-Key`` header) — never left to a JMESPath over headers, which lets a missing header
collide with another client's (FIELD-NOTES). Powertools builds its DynamoDB persistence layer
(and its client) on construction: functions construct this at import, once per container, with
the container's shared client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from parley.errors import IdempotencyKeyReused, RequestInProgress, Unavailable

DEFAULT_TTL_SECONDS = 24 * 3600


class PowertoolsIdempotency:
    def __init__(
        self,
        table_name: str,
        client: Any,
        *,
        key_fields: tuple[str, ...],
        payload_fields: tuple[str, ...],
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        what: str = "request",
        record_name: str,
    ) -> None:
        self._key_fields = key_fields
        self._what = what
        self._payload_fields = payload_fields
        # The key and the validated payload reach Powertools as lists of the fields' values, picked
        # out here: a JMESPath of one field reads them (a multiselect of every field cost a tenth of
        # a conversion's own time), and the lists are what the multiselect
        # ``[key.tenant_id, …]`` / ``[payload.outcome, …]`` gave, so records hash as before.
        self.config = IdempotencyConfig(
            event_key_jmespath="key",
            payload_validation_jmespath="payload",
            expires_after_seconds=ttl_seconds,
            raise_on_no_idempotency_key=True,
        )
        persistence = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)

        def run(call: dict[str, Any], action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
            return action()

        # Powertools puts the decorated function's module and qualified name in every record id.
        # They are the names the handler module gave it before this adapter existed (``app`` on
        # Lambda), so a retry that straddles a deploy still finds its record and does not run twice.
        run.__module__, run.__qualname__ = "app", record_name
        self._run = idempotent_function(
            data_keyword_argument="call", config=self.config, persistence_store=persistence
        )(run)

    def register_lambda_context(self, context: Any) -> None:
        """Lets Powertools expire an in-progress record when the function times out."""
        self.config.register_lambda_context(context)

    def run(
        self, key: dict[str, str], payload: dict[str, Any], action: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        done: list[dict[str, Any]] = []

        def recorded() -> dict[str, Any]:
            done.append(action())
            return done[0]

        try:
            call = {
                "key": [key.get(name) for name in self._key_fields],
                "payload": [payload.get(name) for name in self._payload_fields],
            }
            result: dict[str, Any] = self._run(call=call, action=recorded)
        except (IdempotencyAlreadyInProgressError, IdempotencyInconsistentStateError):
            # Inconsistent state: the record changed between Powertools' put and its read (a
            # concurrent request with the same key) three times over; nothing ran, so the client
            # retries like any request that met one in progress.
            raise RequestInProgress(
                "A request with this Idempotency-Key is still in progress; retry shortly.", retry_after=1
            ) from None
        except IdempotencyValidationError:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request body."
            ) from None
        except IdempotencyPersistenceLayerError:
            if done:
                # The action committed; only its record could not be completed. Never a 5xx after
                # a commit: the client gets its answer (a retry finds the same write: see callers).
                return done[0]
            # The idempotency table is throttling or unreachable (after the SDK's retries): nothing
            # was done, and the same key is safe to retry.
            raise Unavailable(f"The {self._what} could not be recorded now; retry shortly.") from None
        return result
