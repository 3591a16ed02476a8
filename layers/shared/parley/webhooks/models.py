"""Webhook endpoints as the domain sees them (plain dataclasses: the worker imports these on every
cold start)."""

from __future__ import annotations

from dataclasses import dataclass

CONVERSATION_UPDATED = "conversation.updated"
CONVERSATION_COMPLETED = "conversation.completed"
INSIGHTS_GENERATED = "insights.generated"
# Insights brought up to date after they were generated (an outcome recorded later).
INSIGHTS_UPDATED = "insights.updated"
CONVERSION_RECORDED = "conversion.recorded"
EVENT_TYPES: frozenset[str] = frozenset(
    {CONVERSATION_UPDATED, CONVERSATION_COMPLETED, INSIGHTS_GENERATED, INSIGHTS_UPDATED, CONVERSION_RECORDED}
)


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    webhook_id: str
    tenant_id: str
    url: str
    events: frozenset[str]
    # Kept server-side because every delivery is signed with it; shown to the tenant only once.
    secret: str
    created_at: str
    active: bool = True


class WebhookNotFound(LookupError):
    pass


class InvalidWebhook(ValueError):
    """A registration the service refuses (URL, events, or too many endpoints)."""
