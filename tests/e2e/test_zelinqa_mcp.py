"""Zelinqa's published MCP server, ``zelinqa-mcp`` 1.0.1, started over stdio with
``ZELINQA_BASE_URL`` pointing at the local gateway, driven by an MCP client through its default
(business) tools — the way an LLM agent uses Parley to pick its next question."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from tests.helpers.gateway import RunningGateway

pytestmark = pytest.mark.e2e


def _server(gateway: RunningGateway) -> StdioServerParameters:
    command = shutil.which("zelinqa-mcp", path=str(Path(sys.executable).parent))
    assert command, "zelinqa-mcp is not installed in this environment (requirements-dev.txt pins it)"
    env = {**os.environ, "ZELINQA_BASE_URL": gateway.url, "ZELINQA_API_KEY": str(gateway.demo_key)}
    return StdioServerParameters(command=command, args=[], env=env)


def _payload(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    data: dict[str, Any] = json.loads(result.content[0].text)
    return data


def test_the_default_tools_hold_a_conversation(gateway: RunningGateway) -> None:
    async def conversation() -> dict[str, dict[str, Any]]:
        async with stdio_client(_server(gateway)) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {tool.name for tool in (await session.list_tools()).tools}
            seen = {"tools": {"names": sorted(tools)}}
            seen["start"] = _payload(
                await session.call_tool("zelinqa_start", {"conversation": "e2e-terrace"})
            )
            seen["answer"] = _payload(
                await session.call_tool(
                    "zelinqa_next_question",
                    {"conversation": "e2e-terrace", "choice_labels": ["Dining table"]},
                )
            )
            seen["context"] = _payload(
                await session.call_tool(
                    "zelinqa_add_context", {"conversation": "e2e-terrace", "summary": "They would like teak."}
                )
            )
            seen["status"] = _payload(
                await session.call_tool("zelinqa_status", {"conversation": "e2e-terrace"})
            )
            seen["feedback"] = _payload(
                await session.call_tool(
                    "zelinqa_feedback",
                    {"conversation": "e2e-terrace", "result": "success", "label": "purchase"},
                )
            )
            return seen

    seen = anyio.run(conversation)

    assert {"zelinqa_start", "zelinqa_next_question", "zelinqa_add_context", "zelinqa_status",
            "zelinqa_feedback"} <= set(seen["tools"]["names"])  # fmt: skip
    start = seen["start"]
    assert start["action"] == "ask" and start["turn_count"] == 0
    assert start["questions"][0]["choices"] == ["Dining table", "Chairs", "Dining set", "Lounge furniture"]
    answer = seen["answer"]
    assert answer["turn_count"] == 1 and answer["turns_remaining"] == 11
    assert "What are you looking for" not in answer["questions"][0]["text"]
    assert seen["context"]["turn_count"] == 1  # context consumes no turn
    assert seen["status"]["status"] == "active" and seen["status"]["progress"]["progress"] > 0
    assert seen["feedback"]["recorded"] is True
