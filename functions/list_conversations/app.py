"""GET /api/v1/conversations — the tenant's conversations, newest first, filtered, with an exact total."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.models import (
    ConversationListItem,
    ListConversationsQuery,
    ListConversationsResponse,
    Pagination,
)
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import list_conversations
from parley.http.bodies import parse_query
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


@app.get("/api/v1/conversations")
def handle_list_conversations() -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    query = parse_query(event.query_string_parameters, ListConversationsQuery)
    page, total = list_conversations(conversations, caller.tenant_id, query)
    body = ListConversationsResponse(
        data=[ConversationListItem.model_validate(summary, from_attributes=True) for summary in page],
        pagination=Pagination(total=total, limit=query.limit, offset=query.offset),
    )
    return json_response(body.model_dump(mode="json", by_alias=True), request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
