"""The API description the local gateway serves: `/openapi.json` and a readable `/docs` page.

`/docs` is rendered here, once, into one static HTML page with its CSS inline: a developer
reading it needs nothing from the internet (no Swagger UI bundle from a CDN). Neither path is an
API Gateway route: on AWS the document ships with the repository, not the stack.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import yaml

DOCUMENT_NAME = "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:980px;margin:0 auto;padding:24px}
h1{margin-bottom:0}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:40px}
section.op{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:12px 16px;margin:16px 0}
.method{display:inline-block;min-width:56px;font-weight:700;text-transform:uppercase}
.get{color:#0b7a3e}.post{color:#1558b0}.path{font-family:ui-monospace,monospace;font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}
td,th{border:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f3f3f5;padding:8px;overflow-x:auto;font-size:13px;border-radius:4px}
code{font-family:ui-monospace,monospace}.desc{white-space:pre-wrap}
nav a{display:block;font-family:ui-monospace,monospace;font-size:14px}
"""


def load_document(root: Path) -> dict[str, Any] | None:
    """`openapi.yaml` beside the template, or None when this template has none (a test fixture)."""
    path = root / DOCUMENT_NAME
    if not path.is_file():
        return None
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document if isinstance(document, dict) else None


def served_document(document: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The document with this gateway first in `servers`, so tools reading it call this gateway."""
    servers = [{"url": base_url, "description": "This local gateway"}]
    servers += [s for s in document.get("servers", []) if s.get("url") != base_url]
    return {**document, "servers": servers}


def render_docs(document: dict[str, Any]) -> str:
    """One self-contained HTML page: every operation, its parameters, body, responses and examples."""
    info = document.get("info", {})
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{_e(info.get('title', 'API'))}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(info.get('title', 'API'))} <small>{_e(info.get('version', ''))}</small></h1>",
        f"<p class=desc>{_e(info.get('description', ''))}</p>",
        '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI '
        f"{_e(document.get('openapi', ''))}).</p>",
        "<h2>Operations</h2><nav>",
    ]
    operations = list(_operations(document))
    for path, method, _operation in operations:
        parts.append(f'<a href="#{_anchor(method, path)}">{method.upper()} {_e(path)}</a>')
    parts.append("</nav>")
    for path, method, operation in operations:
        parts.append(_render_operation(path, method, operation))
    parts.append("<h2>Schemas</h2>")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        parts.append(f'<section class=op id="schema-{_e(name)}"><h3>{_e(name)}</h3>{_pre(schema)}</section>')
    schemes = document.get("components", {}).get("securitySchemes", {})
    if schemes:
        parts.append(f"<h2>Authentication</h2>{_pre(schemes)}")
    parts.append("</main></body></html>")
    return "".join(parts)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _render_operation(path: str, method: str, operation: dict[str, Any]) -> str:
    out = [
        f'<section class=op id="{_anchor(method, path)}">',
        f"<h3><span class='method {method}'>{method}</span> <span class=path>{_e(path)}</span></h3>",
        f"<p><b>{_e(operation.get('summary', ''))}</b></p>",
        f"<p class=desc>{_e(operation.get('description', ''))}</p>",
    ]
    if operation.get("security") == []:
        out.append("<p>No API key needed.</p>")
    parameters = operation.get("parameters", [])
    if parameters:
        out.append("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th>")
        out.append("<th>description</th></tr>")
        for parameter in parameters:
            out.append(
                f"<tr><td><code>{_e(parameter.get('name', parameter.get('$ref', '')))}</code></td>"
                f"<td>{_e(parameter.get('in', ''))}</td><td>{'yes' if parameter.get('required') else ''}</td>"
                f"<td><code>{_e(_compact(parameter.get('schema', {})))}</code></td>"
                f"<td>{_e(parameter.get('description', ''))}</td></tr>"
            )
        out.append("</table>")
    body = operation.get("requestBody")
    if body:
        out.append("<h4>Request body</h4>")
        out.extend(_render_content(body.get("content", {})))
    out.append("<h4>Responses</h4><table><tr><th>status</th><th>description</th><th>body</th></tr>")
    for status, response in operation.get("responses", {}).items():
        described = response.get("description", response.get("$ref", ""))
        content = "".join(_render_content(response.get("content", {})))
        out.append(f"<tr><td><b>{_e(status)}</b></td><td>{_e(described)}</td><td>{content}</td></tr>")
    out.append("</table></section>")
    return "".join(out)


def _render_content(content: dict[str, Any]) -> list[str]:
    out = []
    for media_type, media in content.items():
        schema = _compact(media.get("schema", {}))
        out.append(f"<p><code>{_e(media_type)}</code> — <code>{_e(schema)}</code></p>")
        examples = dict(media.get("examples", {}))
        if "example" in media:
            examples["example"] = {"value": media["example"]}
        for name, example in examples.items():
            out.append(f"<p>Example <i>{_e(name)}</i></p>{_pre(example.get('value', example))}")
    return out


def _compact(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else json.dumps(schema, ensure_ascii=False)


def _pre(value: Any) -> str:
    return f"<pre>{_e(json.dumps(value, indent=2, ensure_ascii=False))}</pre>"


def _anchor(method: str, path: str) -> str:
    return _e(f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""))


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)
