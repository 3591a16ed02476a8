"""GET /api/v1/conversations — the tenant's conversations, newest first, filtered, with an exact total."""

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
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


def handle_list_conversations(http: Request) -> Response:
    caller = http.caller
    query = parse_query(http.query_parameters, ListConversationsQuery)
    page, total = list_conversations(conversations, caller.tenant_id, query)
    body = ListConversationsResponse(
        data=[ConversationListItem.model_validate(summary, from_attributes=True) for summary in page],
        pagination=Pagination(total=total, limit=query.limit, offset=query.offset),
    )
    return json_response(body.model_dump(mode="json", by_alias=True), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_list_conversations))
