"""The one Logger, Metrics and Tracer of a function, the decorator stack every handler wears, and
``count``: the business metrics a user charts (questions served, conversions by outcome, turns
understood…), one per invocation at least, as CloudWatch embedded metrics with low-cardinality
dimensions.

Powertools' Tracer imports the X-Ray SDK, which costs about 130 ms of cold start even when tracing
is disabled; it is built only when the deployment turns it on (``PowertoolsTracer=true``). Lambda's
own X-Ray segments (``Tracing: Active``) need no SDK.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from parley.settings import Settings

Handler = Callable[[dict[str, Any], Any], Any]


class _NoTracer:
    """Stands in for Powertools' Tracer when tracing is off: same decorators, no X-Ray import."""

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        return handler

    def capture_method(self, method: Callable[..., Any]) -> Callable[..., Any]:
        return method


class Observability:
    def __init__(self, settings: Settings) -> None:
        self.logger = Logger()
        self.metrics = Metrics()
        if settings.tracer_enabled:
            from aws_lambda_powertools import Tracer

            self.tracer: Any = Tracer()
        else:
            self.tracer = _NoTracer()

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        """Add ``value`` to the metric ``name`` for this invocation. ``dimensions`` apply to every
        metric of the invocation (Powertools clears them after each flush): a function emits one
        dimensioned metric per invocation, or several that share their dimensions."""
        for dimension, dimension_value in dimensions.items():
            self.metrics.add_dimension(name=dimension, value=dimension_value)
        self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def count_each(self, name: str, value: float = 1, **dimensions: str) -> None:
        """A metric with dimensions of its own, written at once (one EMF document): for batch
        workers, whose records end differently within one invocation."""
        from aws_lambda_powertools.metrics import single_metric

        with single_metric(
            name=name,
            unit=MetricUnit.Count,
            value=value,
            namespace=self.metrics.namespace,
            default_dimensions=self.metrics.default_dimensions,
        ) as metric:
            for dimension, dimension_value in dimensions.items():
                metric.add_dimension(name=dimension, value=dimension_value)

    def api_handler(self, handler: Handler) -> Handler:
        """The decorator stack of an API Gateway REST function or authorizer (both carry the
        gateway's request id, which becomes the logs' correlation id)."""
        handler = self.tracer.capture_lambda_handler(handler)
        # ColdStart (dimensions function_name, service): the dashboard's cold starts per function.
        handler = self.metrics.log_metrics(handler, capture_cold_start_metric=True)
        logger = self.logger

        @functools.wraps(handler)
        def correlated(event: dict[str, Any], context: Any) -> Any:
            # The gateway's request id, read directly: Powertools' correlation_id_path would
            # evaluate a JMESPath expression on every request for the same one field.
            logger.set_correlation_id((event.get("requestContext") or {}).get("requestId"))
            return handler(event, context)

        # log_event=False, never left to POWERTOOLS_LOGGER_LOG_EVENT: the event holds the API key
        # (Authorization / nlx-api-key headers) and the message bodies, which are never logged.
        return self.logger.inject_lambda_context(log_event=False)(correlated)

    def worker_handler(self, handler: Handler) -> Handler:
        """The decorator stack of a function that is not behind API Gateway (queue workers)."""
        handler = self.tracer.capture_lambda_handler(handler)
        handler = self.metrics.log_metrics(handler, capture_cold_start_metric=True)
        # Queue records carry ids only today; a worker's event is not logged either way.
        return self.logger.inject_lambda_context(log_event=False)(handler)
