"""Deployments as a turn needs them: parsed, with their recognition prepared, cached per container
with a short TTL (an unknown key is remembered too, briefly, so a misconfigured client costs few
reads), and re-parsed only when the stored document's digest changed. Recognition is prepared per
language on the first turn of that language (``IntentMatcher``): indexes, stems and the typo
index are built once per container, never per turn."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from parley.dialogue.deployment import Deployment, parse_deployment
from parley.dialogue.ports import DeploymentRepository
from parley.dialogue.recognition import IntentMatcher
from parley.errors import NotFound

DEPLOYMENT_TTL_SECONDS = 60.0
MISSING_DEPLOYMENT_TTL_SECONDS = 10.0


@dataclass(frozen=True)
class PreparedDeployment:
    deployment: Deployment
    matcher: IntentMatcher
    digest: str


class DeploymentCache:
    def __init__(self, repository: DeploymentRepository, clock: Callable[[], float] = time.monotonic) -> None:
        self._repository = repository
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, PreparedDeployment | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, deployment_key: str) -> PreparedDeployment | None:
        now = self._clock()
        cache_key = (tenant_id, deployment_key)
        with self._lock:
            entry = self._entries.get(cache_key)
        if entry is not None:
            checked, prepared = entry
            ttl = DEPLOYMENT_TTL_SECONDS if prepared is not None else MISSING_DEPLOYMENT_TTL_SECONDS
            if now - checked < ttl:
                return prepared
        stored = self._repository.get(tenant_id, deployment_key)
        previous = entry[1] if entry is not None else None
        if stored is None:
            prepared = None
        elif previous is not None and previous.digest == stored.digest:
            prepared = previous  # unchanged: keep the recognition built for it
        else:
            # A document stored before deployments had languages may list a channel it has no
            # content for: it is served in the deployment's own language rather than refused.
            deployment = parse_deployment(stored.document, strict_languages=False)
            prepared = PreparedDeployment(deployment, IntentMatcher(deployment), stored.digest)
        with self._lock:
            self._entries[cache_key] = (now, prepared)
        return prepared

    def for_channel(self, tenant_id: str, deployment_key: str, channel_key: str) -> PreparedDeployment:
        """The deployment a request to ``/c/{deploymentKey}/{channelKey}`` addresses; ``NotFound``
        when the deployment or its channel does not exist."""
        prepared = self.get(tenant_id, deployment_key)
        if prepared is None:
            raise NotFound(f"No deployment {deployment_key!r} exists.")
        if channel_key not in prepared.deployment.channels:
            raise NotFound(f"The deployment has no channel {channel_key!r}.")
        return prepared
