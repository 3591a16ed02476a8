"""The demo page (``/demo``, ``/demo/es``) in headless Chromium (Debian's ``chromium``, installed by
``make test`` when missing): NLX's Touchpoint widget from the pinned npm package, on the local
gateway, driven as a person would by ``web/e2e/demo_page.mjs`` (Playwright). It saves the
screenshots the README shows under ``docs/images/``."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
import requests

from tests.helpers.gateway import GatewayFactory, RunningGateway
from tests.helpers.paths import ROOT
from tests.helpers.web import node_modules_installed, run_node

STEPS = [
    "open the page",
    "open the widget",
    "read the welcome",
    "type what they look for",
    "read the budget question",
    "click a budget",
    "read the seats question",
    "type the seats",
    "read the material question",
    "click a material",
    "read the shortlist",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    assert found, "Debian's chromium is missing: `make browser` installs it (apt-get install chromium)"
    node_modules_installed()
    return found


def _drive(
    page_url: str, chromium: str, language: str, screenshots: str = "", api: str = ""
) -> dict[str, Any]:
    return run_node("demo_page.mjs", page_url, language, screenshots, api, env={"CHROMIUM": chromium})


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_person_chats_to_fulfilment_in_the_widget(
    gateway: RunningGateway, chromium: str, language: str
) -> None:
    images = ROOT / "docs/images"
    images.mkdir(parents=True, exist_ok=True)
    report = _drive(gateway.url, chromium, language, str(images / f"demo-{language}"))

    assert report.get("error") is None, report
    assert report["steps"] == STEPS
    assert report["consoleErrors"] == [] and report["pageErrors"] == []
    assert report["failedRequests"] == []
    assert report["turns"] == 5  # welcome, text, choice, text, choice: no polls, no repeats
    assert report["errorBubble"] == 0
    assert report["thinking"] == 0  # no spinner left up
    assert report["inputEnabled"] is True
    assert (ROOT / f"docs/images/demo-{language}-question.png").stat().st_size > 10_000


def test_the_page_and_the_widget_come_from_the_gateway_not_a_cdn(gateway: RunningGateway) -> None:
    page = requests.get(f"{gateway.url}/demo/es", timeout=30)
    widget = requests.get(f"{gateway.url}/demo/touchpoint-ui.js", timeout=30)
    installed = (ROOT / "web/node_modules/@nlxai/touchpoint-ui/lib/index.umd.js").read_bytes()

    assert page.status_code == 200 and 'lang="es"' in page.text
    assert '"languageCode": "es-MX"' in page.text
    assert "pub_test_demoDEMOdemoDEMOdemoDEMO01" in page.text  # the publishable key, never the secret one
    assert "pk_test_" not in page.text
    assert "https://" not in page.text.split("<script")[1]  # scripts load from this gateway only
    assert widget.status_code == 200 and widget.content == installed


def test_a_page_on_another_origin_the_api_allows_chats_through_cors(
    gateway: RunningGateway, gateway_factory: GatewayFactory, chromium: str
) -> None:
    # Given the page on one origin (localhost) and an API gateway on another (127.0.0.1) that
    # allows it: every request is cross-origin, with the SDK's nlx-sdk-version and, on context
    # updates, nlx-conversation-id headers in the preflight
    page_origin = gateway.url.replace("127.0.0.1", "localhost")
    api = gateway_factory("--parameter-overrides", f"CorsAllowedOrigin={page_origin}")

    report = _drive(page_origin, chromium, "en", api=api.url)

    assert report.get("error") is None, report
    assert report["steps"] == STEPS
    assert report["consoleErrors"] == [] and report["failedRequests"] == []
