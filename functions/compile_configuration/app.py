"""The compilations function: SQS batches from the compilations queue, with partial batch
responses. Each message compiles one queued publication: its draft revision is validated as
``parley.admin load-config`` validates a catalog, then published (``parley.configuration``).
A failed compilation is a normal outcome (its status says why); only an error of the store
hands the record back to the queue."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from parley import aws
from parley.observability import Observability
from parley.queues.messages import CompilationRequested, decode
from parley.settings import Settings
from parley.wiring import configuration_service

settings = Settings.from_env()
observability = Observability(settings)
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
service, _ = configuration_service(settings, aws.dynamodb())


def handle(record: SQSRecord) -> str:
    message = decode(record.body)
    if not isinstance(message, CompilationRequested):
        raise ValueError(f"{message.kind} does not belong on the compilations queue")
    compiled = service.compile(message.tenant_id, message.compilation_id)
    status = compiled.status if compiled is not None else "unknown"
    observability.count_each("CompilationsProcessed", status=status)
    return status


@observability.worker_handler
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    observability.count("CompilationBatches")
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
