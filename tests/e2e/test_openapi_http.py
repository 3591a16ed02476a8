"""The API description the local gateway serves: /openapi.json and /docs, without a key."""

from __future__ import annotations

import html
import re

import pytest
import requests
import yaml

from tests.helpers.gateway import RunningGateway
from tests.helpers.paths import OPENAPI_PATH

pytestmark = pytest.mark.e2e
DOCUMENT = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


def test_openapi_json_is_the_document_with_this_gateway_as_its_server(gateway: RunningGateway) -> None:
    # When it is fetched without any key
    response = requests.get(f"{gateway.url}/openapi.json", timeout=10)

    # Then it is openapi.yaml as JSON, naming this gateway first so tools call it
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    served = response.json()
    assert served["servers"][0]["url"] == gateway.url
    assert {**served, "servers": DOCUMENT["servers"]} == DOCUMENT


def test_docs_page_lists_every_operation_and_needs_nothing_from_the_internet(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.url}/docs", timeout=10)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.text
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {path}" in page
            assert html.escape(operation["summary"]) in page
    assert "ErrorResponse" in page
    # Self-contained: no script, stylesheet, image or font fetched from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b", page, re.IGNORECASE)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)


def test_docs_paths_take_only_get(gateway: RunningGateway) -> None:
    response = requests.post(f"{gateway.url}/docs", timeout=10)

    assert response.status_code >= 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_an_encoded_newline_in_a_path_parameter_is_still_authorised(gateway: RunningGateway) -> None:
    # Given a valid key, When a path parameter holds %0A (found by the fuzzer: SAM's policy match
    # stopped at the line break and answered 403)
    response = requests.post(
        f"{gateway.url}/c/furniture%0Ashop/web-en-US",
        json={"request": {"unstructured": {"text": "hello"}}},
        headers={"nlx-api-key": gateway.demo_key or ""},
        timeout=10,
    )

    # Then the function answers: no such deployment
    assert response.status_code == 404
    assert response.json()["type"].endswith("/not_found")
