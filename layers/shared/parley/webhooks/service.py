"""Webhooks: register endpoints, fan an event out to them, deliver one signed POST at a time.

Webhooks have their own queue and function (``DeliverWebhooksFunction``), so no receiver can delay
insights or learning: the insights worker only puts a ``WebhookEvent`` on the webhooks queue. The
webhooks function fans an event out into one ``WebhookDelivery`` message per subscribed endpoint,
so one slow or broken receiver never holds up another, and delivers each with one signed POST under
a wall-clock deadline (``parley.webhooks.delivery``). A failed POST is not a failed SQS record:
``deliver`` re-sends the message itself with ``attempt + 1`` and a growing delay (SQS's
``DelaySeconds``, at most 15 minutes), and after ``MAX_ATTEMPTS`` puts it on the webhooks
dead-letter queue, where an operator can inspect or re-drive it. Only our own failures (the store,
the queue) raise, so the function's partial batch response retries exactly those.

The body a receiver gets is the envelope built from the event — ``{"id", "type", "created_at",
"data"}`` — identical on every attempt; the signature's timestamp is fresh on each attempt.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from parley.queues.messages import QueueMessage, WebhookDelivery, WebhookEvent
from parley.webhooks.delivery import (
    DeliveryOutcome,
    UnsafeDestination,
    is_public_address,
    parse_destination,
    post_json,
    vetted_addresses,
)
from parley.webhooks.models import EVENT_TYPES, InvalidWebhook, WebhookEndpoint
from parley.webhooks.repository import WebhookRepository
from parley.webhooks.signing import SIGNATURE_HEADER, signature_header

MAX_ATTEMPTS = 6
# Delay before attempt n + 1 after attempt n failed; the last value repeats. SQS caps a delay at
# 900 s. Six attempts span about 28 minutes: long enough to ride out a deploy or a short outage.
BACKOFF_SECONDS = (5, 30, 120, 600, 900)
# Each event costs one message per endpoint; a bound keeps a tenant's fan-out (and its cost) small.
MAX_ENDPOINTS_PER_TENANT = 10

FANNED_OUT = "fanned_out"
NO_ENDPOINT = "no_endpoint"
DELIVERED = "delivered"
RETRYING = "retrying"
DEAD_LETTERED = "dead-lettered"
DROPPED = "dropped"

Transport = Callable[..., DeliveryOutcome]


class DeliveryQueue(Protocol):
    def send(self, message: QueueMessage, delay_seconds: int = 0) -> None: ...


def backoff(attempt: int) -> int:
    """Seconds to wait before retrying after failed attempt ``attempt`` (1-based)."""
    return BACKOFF_SECONDS[min(max(attempt, 1), len(BACKOFF_SECONDS)) - 1]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def new_webhook_id() -> str:
    return "wh_" + secrets.token_hex(12)


class WebhookService:
    def __init__(
        self,
        repository: WebhookRepository,
        *,
        allow_private: bool = False,
        transport: Transport = post_json,
        clock: Callable[[], float] = time.time,
        logger: Any = None,
    ) -> None:
        self._repository = repository
        self._allow_private = allow_private
        self._transport = transport
        self._clock = clock
        self._logger = logger or logging.getLogger("parley.webhooks")

    # --------------------------------------------------------------------------------------------
    # Registration
    # --------------------------------------------------------------------------------------------
    def register(self, tenant_id: str, url: str, events: Iterable[str]) -> tuple[WebhookEndpoint, str]:
        """Store a new endpoint; return it and its signing secret (the only time it is returned).

        ``InvalidWebhook`` for a URL or events we refuse; ``TenantNotFound`` for an unknown tenant.
        """
        subscribed = frozenset(event.strip() for event in events if event.strip())
        if not subscribed:
            raise InvalidWebhook(f"name at least one event of {sorted(EVENT_TYPES)}")
        unknown = subscribed - EVENT_TYPES
        if unknown:
            raise InvalidWebhook(f"unknown events {sorted(unknown)}; known: {sorted(EVENT_TYPES)}")
        self._check_url(url)
        if len(self._repository.list_for_tenant(tenant_id)) >= MAX_ENDPOINTS_PER_TENANT:
            raise InvalidWebhook(f"a tenant has at most {MAX_ENDPOINTS_PER_TENANT} webhooks")
        secret = new_secret()
        endpoint = WebhookEndpoint(
            webhook_id=new_webhook_id(),
            tenant_id=tenant_id,
            url=url,
            events=subscribed,
            secret=secret,
            created_at=_iso(self._clock()),
        )
        self._repository.put(endpoint)
        return endpoint, secret

    def _check_url(self, url: str) -> None:
        """Refuse what can never be delivered, early. Delivery checks the addresses again on every
        attempt (DNS changes); a name that does not resolve yet is accepted here."""
        try:
            destination = parse_destination(url, self._allow_private)
            if self._allow_private:
                return
            try:
                literal = is_public_address(destination.host)
            except ValueError:  # a name, not an IP literal
                literal = None
            if literal is False:
                raise UnsafeDestination("the URL's address is not public")
            if literal is None:
                try:
                    vetted_addresses(destination)
                except UnsafeDestination as exc:
                    if isinstance(exc.__cause__, OSError):
                        return  # does not resolve (yet); see above
                    raise
        except UnsafeDestination as exc:
            raise InvalidWebhook(str(exc)) from exc

    def list_endpoints(self, tenant_id: str) -> list[WebhookEndpoint]:
        return self._repository.list_for_tenant(tenant_id)

    def delete(self, tenant_id: str, webhook_id: str) -> None:
        """``WebhookNotFound`` if the tenant has no such endpoint. Queued deliveries to it are dropped."""
        self._repository.delete(tenant_id, webhook_id)

    # --------------------------------------------------------------------------------------------
    # Fan-out and delivery (the worker)
    # --------------------------------------------------------------------------------------------
    def handle(
        self, message: WebhookEvent | WebhookDelivery, queue: DeliveryQueue, dead_letters: DeliveryQueue
    ) -> str:
        """Fan an event out (its deliveries are queued) or deliver one; what was done."""
        if isinstance(message, WebhookEvent):
            deliveries = self.fan_out(message)
            for delivery in deliveries:
                queue.send(delivery)
            return FANNED_OUT if deliveries else NO_ENDPOINT
        return self.deliver(message, queue, dead_letters)

    def fan_out(self, event: WebhookEvent) -> list[WebhookDelivery]:
        """One delivery message per active endpoint of the tenant subscribed to the event's type.

        ``event.event_id`` is stable for the event, so receivers can ignore a duplicate delivery.
        """
        if event.event_type not in EVENT_TYPES:
            raise ValueError(f"unknown webhook event {event.event_type!r}")
        endpoints = [
            endpoint
            for endpoint in self._repository.list_for_tenant(event.tenant_id)
            if endpoint.active and event.event_type in endpoint.events
        ]
        envelope = {
            "id": event.event_id,
            "type": event.event_type,
            "created_at": event.created_at,
            "data": dict(event.data),
        }
        return [
            WebhookDelivery(
                tenant_id=event.tenant_id,
                webhook_id=endpoint.webhook_id,
                event_id=event.event_id,
                event_type=event.event_type,
                payload=envelope,
            )
            for endpoint in endpoints
        ]

    def deliver(
        self,
        message: WebhookDelivery,
        queue: DeliveryQueue,
        dead_letter_queue: DeliveryQueue,
        now: float | None = None,
    ) -> str:
        """POST ``message`` once; schedule the next attempt or dead-letter it when that fails.

        Returns ``DELIVERED``, ``RETRYING``, ``DEAD_LETTERED`` or ``DROPPED`` (the endpoint was
        deleted or disabled meanwhile). Raises only for the store's or the queues' errors.
        """
        endpoint = self._repository.get(message.tenant_id, message.webhook_id)
        log_fields = {
            "tenant_id": message.tenant_id,
            "webhook_id": message.webhook_id,
            "event_id": message.event_id,
            "event_type": message.event_type,
            "attempt": message.attempt,
        }
        if endpoint is None or not endpoint.active:
            self._logger.info("webhook delivery dropped: endpoint gone", extra=log_fields)
            return DROPPED
        body = json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()
        timestamp = int(self._clock() if now is None else now)
        headers = {
            SIGNATURE_HEADER: signature_header(endpoint.secret, timestamp, body),
            "Parley-Event": message.event_type,
            "Parley-Delivery": message.event_id,
        }
        outcome = self._transport(endpoint.url, body, headers, allow_private=self._allow_private)
        log_fields |= {"status": outcome.status, "error": outcome.error}
        if outcome.ok:
            self._logger.info("webhook delivered", extra=log_fields)
            return DELIVERED
        if message.attempt >= MAX_ATTEMPTS:
            dead_letter_queue.send(message)
            self._logger.warning("webhook delivery dead-lettered", extra=log_fields)
            return DEAD_LETTERED
        delay = backoff(message.attempt)
        queue.send(replace(message, attempt=message.attempt + 1), delay_seconds=delay)
        self._logger.info("webhook delivery failed; retrying", extra=log_fields | {"delay_seconds": delay})
        return RETRYING
