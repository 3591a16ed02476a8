"""openapi.yaml held to the code and to the specs: any drift fails here.

- its routes are exactly template.yaml's Api events;
- each request schema has the pydantic model's fields, required fields, limits and enums
  (compared with `model_json_schema()`), and response schemas the models' fields;
- the specs keep their names and limits in it, and the specs' examples validate against it;
- each route documents the statuses its handler, the authorizer and API Gateway really give.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from pydantic import BaseModel
from samcli.yamlhelper import yaml_parse

import parley
from parley.configuration import models as configuration
from parley.conversations import models as conversations
from parley.conversations import run_models as runs
from parley.dialogue import models as dialogue
from parley.insights import v1 as run_insights
from parley.nbq import models as nbq
from parley.sessions import models as sessions
from tests.helpers.fuzzing import spec_block
from tests.helpers.paths import ROOT

SPECS = ROOT / "specs"
DOCUMENT: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
CONSTRAINTS = ("minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum", "pattern", "const")


# ------------------------------------------------------------------------------------------------
# Helpers: resolve the document's references, flatten a schema's constraints
# ------------------------------------------------------------------------------------------------
def resolve(node: Any, document: dict[str, Any] = DOCUMENT) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def merged(schema: dict[str, Any], document: dict[str, Any] = DOCUMENT) -> dict[str, Any]:
    """An object schema with its allOf parts merged (properties and required)."""
    schema = resolve(schema, document)
    result: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    result["properties"] = dict(schema.get("properties", {}))
    result["required"] = list(schema.get("required", []))
    for raw_part in schema.get("allOf", []):
        part = merged(raw_part, document)
        result["properties"].update(part.get("properties", {}))
        result["required"] += part.get("required", [])
        for key, value in part.items():
            if key not in ("properties", "required"):
                result.setdefault(key, value)
    return result


def constraints(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """Limits and enums of one property, whatever nullability wrapper carries them."""
    schema = merged(schema, document)
    branches = [schema] + [resolve(b, document) for b in schema.get("anyOf", []) + schema.get("oneOf", [])]
    found: dict[str, Any] = {}
    for branch in branches:
        for key in CONSTRAINTS:
            if key in branch:
                found[key] = branch[key]
        if "enum" in branch:
            found["enum"] = sorted(value for value in branch["enum"] if value is not None)
    return found


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {**schema, "components": {"schemas": schema.get("$defs", {})}}


def _pydantic_ref(node: Any, schema: dict[str, Any]) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        return schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def model_constraints(model: type[BaseModel]) -> tuple[set[str], dict[str, dict[str, Any]]]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    defs = {"components": {"schemas": schema.get("$defs", {})}}
    properties = {}
    for name, raw in schema["properties"].items():
        prop = json.loads(json.dumps(raw).replace("#/$defs/", "#/components/schemas/"))
        properties[name] = constraints(prop, defs)
    return set(schema.get("required", [])), properties


def doc_constraints(schema: dict[str, Any]) -> tuple[set[str], dict[str, dict[str, Any]]]:
    schema = merged(schema)
    return set(schema["required"]), {n: constraints(p, DOCUMENT) for n, p in schema["properties"].items()}


def validator(schema: dict[str, Any], *, strict: bool = True) -> Draft202012Validator:
    """A validator of one of the document's schemas, its `#/components/…` references resolvable."""
    root = {**resolve(schema), "components": DOCUMENT["components"]}
    if not strict:
        root = _without_required(copy.deepcopy(root))
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _without_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_without_required(v) for v in node]
    return node


def operation(path: str, method: str) -> dict[str, Any]:
    return DOCUMENT["paths"][path][method]


def request_schema(path: str, method: str) -> dict[str, Any]:
    return operation(path, method)["requestBody"]["content"]["application/json"]["schema"]


def response_media(path: str, method: str, status: str) -> tuple[str, dict[str, Any]]:
    response = resolve(operation(path, method)["responses"][status])
    [(media_type, media)] = response["content"].items()
    return media_type, media


def template_routes() -> set[tuple[str, str]]:
    template = yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))
    routes = set()
    for resource in template["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event.get("Type") == "Api":
                routes.add((event["Properties"]["Path"], event["Properties"]["Method"].lower()))
    return routes


# ------------------------------------------------------------------------------------------------
# The document itself
# ------------------------------------------------------------------------------------------------
def test_document_is_valid_openapi_3_1_of_this_version() -> None:
    validate_openapi(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")
    assert DOCUMENT["info"]["version"] == parley.__version__


def test_routes_are_exactly_the_templates() -> None:
    documented = {(path, m) for path, item in DOCUMENT["paths"].items() for m in item if m in METHODS}
    assert documented == template_routes()


def test_every_example_in_the_document_validates_against_its_schema() -> None:
    count = 0
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            media_sets = [op.get("requestBody", {}).get("content", {})]
            media_sets += [resolve(r).get("content", {}) for r in op["responses"].values()]
            for content in media_sets:
                for media in content.values():
                    examples = [e["value"] for e in media.get("examples", {}).values()]
                    examples += [media["example"]] if "example" in media else []
                    for example in examples:
                        errors = list(validator(media["schema"]).iter_errors(example))
                        assert not errors, f"{method.upper()} {path}: {errors[0].message}"
                        count += 1
    assert count >= 20


# ------------------------------------------------------------------------------------------------
# The code's models
# ------------------------------------------------------------------------------------------------
REQUEST_MODELS: list[tuple[str, type[BaseModel]]] = [
    ("NextQuestionRequest", nbq.NextQuestionRequest),
    ("HistoryMessage", nbq.HistoryMessage),
    ("ConversionRequest", nbq.ConversionRequest),
    ("CreateConversationRequest", conversations.CreateConversationRequest),
    ("AppendMessagesRequest", conversations.AppendMessagesRequest),
    ("Message", conversations.Message),
    ("RunMessage", runs.RunMessage),
    ("CreateRunRequest", runs.CreateRunRequest),
    ("AppendRunRequest", runs.AppendRunRequest),
    ("MatchAgentRequest", runs.MatchAgentRequest),
    ("ConfigurationChangesRequest", configuration.ConfigurationChangesRequest),
    ("PublishRequest", configuration.PublishRequest),
    ("SessionCreateRequest", sessions.SessionCreateRequest),
    ("NextRequest", sessions.NextRequest),
    ("PreviousTurn", sessions.PreviousTurn),
    ("StructuredAnswer", sessions.StructuredAnswer),
    ("SessionEventsRequest", sessions.SessionEventsRequest),
    ("FeedbackRequest", sessions.FeedbackRequest),
    ("TurnRequest", dialogue.TurnRequest),
    ("ContextRequest", dialogue.ContextRequest),
    ("UnstructuredInput", dialogue.UnstructuredInput),
    ("StructuredInput", dialogue.StructuredInput),
    ("Slot", dialogue.SlotInput),
]


@pytest.mark.parametrize(("name", "model"), REQUEST_MODELS, ids=[name for name, _ in REQUEST_MODELS])
def test_request_schema_matches_its_model(name: str, model: type[BaseModel]) -> None:
    model_required, model_props = model_constraints(model)
    doc_required, doc_props = doc_constraints({"$ref": f"#/components/schemas/{name}"})

    assert set(doc_props) == set(model_props)
    assert doc_required == model_required
    for prop, expected in model_props.items():
        # The document may say more than pydantic can (an item's limits checked by a validator).
        actual = {k: v for k, v in doc_props[prop].items() if k in expected or k == "enum"}
        assert actual == expected, f"{name}.{prop}"


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/conversations", conversations.ListConversationsQuery),
        ("/api/v1/conversations/{id}", conversations.GetConversationQuery),
        ("/v1/configuration", configuration.ConfigurationQuery),
        ("/v1/configuration/questions", configuration.QuestionsQuery),
        ("/v1/configuration/audit", configuration.AuditQuery),
        ("/api/v1/runs", runs.ListRunsQuery),
        ("/api/v1/sdk/agents/{id}/active-variant", runs.ActiveVariantQuery),
    ],
)
def test_query_parameters_match_their_model(path: str, model: type[BaseModel]) -> None:
    parameters = [resolve(p) for p in operation(path, "get")["parameters"] if resolve(p)["in"] == "query"]
    _, model_props = model_constraints(model)

    assert {p["name"] for p in parameters} == set(model_props)
    for parameter in parameters:
        assert constraints(parameter["schema"], DOCUMENT) == model_props[parameter["name"]], parameter["name"]
        default = model.model_fields[_field_name(model, parameter["name"])].default
        assert parameter["schema"].get("default") == default


def _field_name(model: type[BaseModel], alias: str) -> str:
    return next(name for name, f in model.model_fields.items() if alias in (f.alias or name, name))


RESPONSE_MODELS: list[tuple[str, type[BaseModel]]] = [
    ("CreateConversationResponse", conversations.CreateConversationResponse),
    ("ConversationResponse", conversations.ConversationResponse),
    ("ConversationListItem", conversations.ConversationListItem),
    ("ListConversationsResponse", conversations.ListConversationsResponse),
    ("InsightsResponse", conversations.InsightsResponse),
    ("Insights", conversations.Insights),
    ("CreateRunResponse", runs.CreateRunResponse),
    ("RunCreated", runs.RunCreated),
    ("RunResponse", runs.RunResponse),
    ("Run", runs.Run),
    ("RunListItem", runs.RunListItem),
    ("ListRunsResponse", runs.ListRunsResponse),
    ("RunInsightsResponse", run_insights.RunInsightsResponse),
    ("RunInsights", run_insights.RunInsights),
    ("RunInsightsMetrics", run_insights.RunInsightsMetrics),
    ("RunInsightIssue", run_insights.RunInsightIssue),
    ("RunInsightsPending", run_insights.RunInsightsPending),
    ("SdkConfigResponse", runs.SdkConfigResponse),
    ("SdkConfig", runs.SdkConfig),
    ("MatchAgentResponse", runs.MatchAgentResponse),
    ("MatchedAgent", runs.MatchedAgent),
    ("ActiveVariantResponse", runs.ActiveVariantResponse),
    ("Assignment", runs.Assignment),
    ("SessionStateResponse", sessions.SessionStateResponse),
    ("NextResponse", sessions.NextResponse),
    ("Candidate", sessions.Candidate),
    ("FeedbackResponse", sessions.FeedbackResponse),
    ("TurnResponse", dialogue.TurnResponse),
    ("ContextResponse", dialogue.ContextResponse),
    ("TurnMessage", dialogue.TurnMessage),
    ("ResponseMetadata", dialogue.ResponseMetadata),
]


@pytest.mark.parametrize(("name", "model"), RESPONSE_MODELS, ids=[name for name, _ in RESPONSE_MODELS])
def test_response_schema_has_its_models_fields(name: str, model: type[BaseModel]) -> None:
    serialised = model.model_json_schema(by_alias=True, mode="serialization")["properties"]
    documented = merged({"$ref": f"#/components/schemas/{name}"})["properties"]

    # Every body a handler writes also carries request_id (parley.http.responses.json_response).
    assert set(documented) - {"request_id"} == set(serialised)
    if name.endswith("Response"):
        assert "request_id" in merged({"$ref": f"#/components/schemas/{name}"})["required"]


def test_problem_members_are_the_layers() -> None:
    from parley.errors import FieldError, Invalid
    from parley.http.problems import _LEGACY_CODES, CONVERSATIONS_STYLE, ProblemFormat, problem_for

    problem = problem_for(Invalid("x", [FieldError(("body",), "m", "t")]), CONVERSATIONS_STYLE)
    body = ProblemFormat("https://api.zelinqa.ai/errors/", legacy_error_member=True).body(problem, "req_0")
    schema = merged({"$ref": "#/components/schemas/ConversationsErrorResponse"})

    assert set(body) <= set(schema["properties"])
    assert {"type", "title", "status", "detail", "request_id", "errors", "error"} <= set(schema["properties"])
    legacy = resolve(DOCUMENT["components"]["schemas"]["LegacyError"])
    assert set(legacy["properties"]["code"]["enum"]) == set(_LEGACY_CODES.values())


# ------------------------------------------------------------------------------------------------
# The specs
# ------------------------------------------------------------------------------------------------
NBQ_SPECS = ["nbq-next-questions", "nbq-record-conversion"]


def _spec_operations(name: str) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    block = spec_block(name)
    return [
        (path, method, op, block)
        for path, item in block["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("name", [*NBQ_SPECS, "turn"])
def test_spec_routes_parameters_and_statuses_are_kept(name: str) -> None:
    for path, method, op, block in _spec_operations(name):
        ours = operation(path, method)
        assert ours["operationId"] == op["operationId"]
        theirs = {
            (p["name"], p["in"], p.get("required", False))
            for p in map(lambda p: resolve(p, block), op.get("parameters", []))
        }
        mine = {
            (p["name"], p["in"], p.get("required", False)) for p in map(resolve, ours.get("parameters", []))
        }
        assert theirs <= mine
        assert set(op["responses"]) <= set(ours["responses"])


# (spec schema, our schema) — the spec's names, required fields and limits must all be ours.
SPEC_SCHEMAS = [
    ("nbq-next-questions", "NextQuestionRequest", "NextQuestionRequest"),
    ("nbq-next-questions", "NextQuestionResponse", "NextQuestionResponse"),
    ("nbq-next-questions", "ErrorResponse", "ErrorResponse"),
    ("nbq-record-conversion", "ConversionRequest", "ConversionRequest"),
    ("nbq-record-conversion", "ConversionResponse", "ConversionResponse"),
    ("turn", "ConversationRequest", "TurnRequest"),
    ("turn", "UnstructuredInput", "UnstructuredInput"),
    ("turn", "StructuredInput", "StructuredInput"),
    ("turn", "Slot", "Slot"),
    ("turn", "ConversationResponse", "TurnResponse"),
    ("turn", "Message", "TurnMessage"),
    ("turn", "MessageChoice", None),
    ("turn", "ResponseMetadata", "ResponseMetadata"),
]


# Optional response fields of turn.md that Parley has nothing to put in (no generative answers with
# cited sources, no feedback or upload flows): left out rather than sent empty.
NOT_RETURNED = {"Message": {"metadata"}, "ResponseMetadata": {"feedbackUrl", "uploadUrls"}}


@pytest.mark.parametrize(
    ("spec", "theirs", "ours"), SPEC_SCHEMAS, ids=[f"{s}:{t}" for s, t, _ in SPEC_SCHEMAS]
)
def test_spec_schema_names_and_limits_are_kept(spec: str, theirs: str, ours: str | None) -> None:
    block = spec_block(spec)
    their_schema = merged({"$ref": f"#/components/schemas/{theirs}"}, block)
    if ours is None:  # inlined in ours: MessageChoice is TurnMessage.choices.items
        mine = merged(merged({"$ref": "#/components/schemas/TurnMessage"})["properties"]["choices"]["items"])
    else:
        mine = merged({"$ref": f"#/components/schemas/{ours}"})

    assert set(their_schema["properties"]) - NOT_RETURNED.get(theirs, set()) <= set(mine["properties"])
    assert set(their_schema["required"]) <= set(mine["required"])
    for prop, their_prop in their_schema["properties"].items():
        if prop not in mine["properties"]:
            continue
        expected = constraints(their_prop, block)
        actual = constraints(mine["properties"][prop], DOCUMENT)
        assert {k: actual.get(k) for k in expected} == expected, f"{theirs}.{prop}"


def _examples(op: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(status or "request", media type, example value) of one spec operation."""
    found = []
    sources = [("request", op.get("requestBody", {}).get("content", {}))]
    sources += [(status, r.get("content", {})) for status, r in op["responses"].items()]
    for status, content in sources:
        for media_type, media in content.items():
            values = [e["value"] for e in media.get("examples", {}).values()]
            values += [media["example"]] if "example" in media else []
            found += [(status, media_type, value) for value in values]
    return found


@pytest.mark.parametrize("name", NBQ_SPECS)
def test_nbq_spec_examples_validate_against_the_document(name: str) -> None:
    count = 0
    for path, method, op, _block in _spec_operations(name):
        for status, media_type, example in _examples(op):
            if status == "request":
                schema = request_schema(path, method)
            else:
                our_type, media = response_media(path, method, status)
                assert our_type == media_type
                schema = media["schema"]
            errors = list(validator(schema).iter_errors(example))
            assert not errors, f"{name} {status}: {errors[0].message}"
            count += 1
        for parameter in op.get("parameters", []):
            if "example" in parameter:
                mine = next(
                    p
                    for p in map(resolve, operation(path, method)["parameters"])
                    if p["name"] == parameter["name"]
                )
                assert not list(validator(mine["schema"]).iter_errors(parameter["example"]))
    assert count >= 2


def conversations_examples() -> list[Any]:
    """The JSON examples of conversations.md (its prose keeps the fence language on its own line)."""
    text = (SPECS / "conversations.md").read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    found = []
    for match in re.finditer(r"^json\n", text, re.MULTILINE):
        try:
            value, _ = decoder.raw_decode(text, match.end())
        except json.JSONDecodeError:
            value = None  # the append response's example has /* comments */: not JSON
        found.append(value)
    return found


# In the order conversations.md shows them: (our schema, whether the example is a complete body).
# Response examples are abbreviated in the spec (Parley answers more fields), so they are checked
# for names and types, not for completeness.
CONVERSATIONS_EXAMPLES: list[tuple[str | None, bool]] = [
    ("CreateConversationRequest", True),
    ("CreateConversationResponse", False),
    ("AppendMessagesRequest", True),
    (None, False),  # the append response, with comments
    ("ListConversationsResponse", False),
    ("ConversationResponse", False),
    ("InsightsResponse", False),
    ("CreateConversationRequest", False),  # content as JSON (only the content field)
    ("CreateConversationRequest", False),  # content as text (only the content field)
    ("CreateConversationRequest", True),  # with an idempotencyKey
    ("ConversationsErrorResponse", False),  # not found
    ("ConversationsErrorResponse", False),  # validation error
]


def test_conversations_spec_examples_validate_against_the_document() -> None:
    examples = conversations_examples()
    assert len(examples) == len(CONVERSATIONS_EXAMPLES)
    for example, (name, complete) in zip(examples, CONVERSATIONS_EXAMPLES, strict=True):
        if name is None:
            assert example is None
            continue
        errors = list(
            validator({"$ref": f"#/components/schemas/{name}"}, strict=complete).iter_errors(example)
        )
        assert not errors, f"{name}: {errors[0].message} in {example}"
    structured = json.loads(examples[7]["content"])
    for message in structured["messages"]:
        assert not list(validator({"$ref": "#/components/schemas/Message"}).iter_errors(message))


def test_conversations_spec_routes_are_documented() -> None:
    text = (SPECS / "conversations.md").read_text(encoding="utf-8")
    routes = re.findall(r"^(GET|POST) (/api/\S+)$", text, re.MULTILINE)
    assert len(routes) == 5
    for method, path in routes:
        assert method.lower() in DOCUMENT["paths"][re.sub(r":(\w+)", r"{\1}", path)]


# ------------------------------------------------------------------------------------------------
# Statuses
# ------------------------------------------------------------------------------------------------
# What each route's code gives: its handler and services (ProblemError subclasses raised on that
# path), the authorizer (403 on /v1/, 401 elsewhere) and API Gateway (429 throttle and quota; 500
# for any unexpected error). Adding a raise without documenting it should fail here.
RAISED: dict[tuple[str, str], set[int]] = {
    ("/v1/health", "get"): {200, 500, 503},
    ("/v1/usage", "get"): {200, 403, 429, 500, 503},
    ("/v1/next-questions", "post"): {200, 403, 404, 413, 422, 429, 500, 503},
    ("/v1/sessions/{session_id}/conversion", "post"): {202, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/api/v1/conversations", "post"): {200, 401, 403, 413, 422, 429, 500, 503},
    ("/api/v1/conversations", "get"): {200, 401, 403, 422, 429, 500, 503},
    ("/api/v1/conversations/{id}", "get"): {200, 401, 403, 404, 422, 429, 500, 503},
    ("/api/v1/conversations/{id}/messages", "post"): {200, 401, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/api/v1/conversations/{id}/insights", "get"): {200, 401, 403, 404, 429, 500, 503},
    ("/api/v1/runs", "post"): {200, 401, 403, 413, 422, 429, 500, 503},
    ("/api/v1/runs", "get"): {200, 401, 403, 422, 429, 500, 503},
    ("/api/v1/runs/{id}", "get"): {200, 401, 403, 404, 429, 500, 503},
    ("/api/v1/runs/{id}/messages", "post"): {200, 401, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/api/v1/runs/{id}/insights", "get"): {200, 401, 403, 404, 429, 500, 503},
    ("/api/v1/sdk/config", "get"): {200, 401, 403, 429, 500},
    ("/api/v1/sdk/agents/match", "post"): {200, 401, 403, 413, 422, 429, 500},
    ("/api/v1/sdk/agents/{id}/active-variant", "get"): {200, 401, 403, 422, 429, 500},
    ("/v1/sessions", "post"): {201, 401, 403, 409, 410, 413, 422, 429, 500, 503},
    ("/v1/sessions/{session_id}/next", "post"): {200, 401, 403, 404, 409, 410, 413, 422, 429, 500, 503},
    ("/v1/sessions/{session_id}/events", "post"): {200, 401, 403, 404, 409, 410, 413, 422, 429, 500, 503},
    ("/v1/sessions/{session_id}", "get"): {200, 401, 403, 404, 410, 429, 500, 503},
    ("/v1/sessions/{session_id}/feedback", "post"): {202, 401, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/v1/configuration", "get"): {200, 401, 403, 404, 422, 429, 500, 503},
    ("/v1/configuration/questions", "get"): {200, 401, 403, 404, 422, 429, 500, 503},
    ("/v1/configuration/changes", "post"): {200, 401, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/v1/configuration/publish", "post"): {202, 401, 403, 404, 409, 413, 422, 429, 500, 503},
    ("/v1/configuration/compilations/{compilation_id}", "get"): {200, 401, 403, 404, 429, 500, 503},
    ("/v1/configuration/audit", "get"): {200, 401, 403, 422, 429, 500, 503},
    ("/c/{deploymentKey}/{channelKey}", "post"): {200, 400, 401, 403, 404, 409, 413, 429, 500, 503},
    ("/c/{deploymentKey}/{channelKey}/context", "post"): {200, 400, 401, 403, 404, 409, 413, 429, 500, 503},
    ("/c/{deploymentKey}/{channelKey}/requestToken", "post"): {401, 403, 413, 429, 500},
}


def test_status_table_covers_every_route() -> None:
    assert set(RAISED) == template_routes()


@pytest.mark.parametrize(
    ("path", "method"), sorted(RAISED), ids=[f"{m.upper()} {p}" for p, m in sorted(RAISED)]
)
def test_route_documents_the_statuses_it_gives(path: str, method: str) -> None:
    documented = {int(status) for status in operation(path, method)["responses"]}
    assert documented == RAISED[(path, method)]


@pytest.mark.parametrize(
    ("path", "method"), sorted(RAISED), ids=[f"{m.upper()} {p}" for p, m in sorted(RAISED)]
)
def test_every_error_is_documented_as_problem_json_with_a_request_id(path: str, method: str) -> None:
    expected = "ConversationsErrorResponse" if path.startswith("/api/") else "ErrorResponse"
    for status in operation(path, method)["responses"]:
        if int(status) < 400:
            continue
        media_type, media = response_media(path, method, status)
        assert media_type == "application/problem+json", f"{status}"
        schema = merged(media["schema"])
        assert "request_id" in schema["required"]
        assert expected == "ErrorResponse" or "error" in schema["required"], f"{status}"


def test_security_schemes_are_the_authorizers_headers() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert (schemes["nlxApiKey"]["in"], schemes["nlxApiKey"]["name"]) == ("header", "nlx-api-key")
    assert operation("/v1/health", "get")["security"] == []
