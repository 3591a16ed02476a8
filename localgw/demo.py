"""The demo page: NLX's Touchpoint chat widget on a shop page, wired to the demo deployment with the
demo tenant's publishable key, in English (``/demo``) and Spanish (``/demo/es``).

The widget's script is the pinned npm package's own bundle (``web/node_modules``, installed by
``make run`` / ``make test`` with ``npm ci``), served at ``/demo/touchpoint-ui.js``: no CDN, so the
page works offline once installed. Like ``/docs``, these paths belong to the local gateway, not to
the API (on AWS the widget is embedded in the customer's own site).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

PAGE = Path("web/demo/index.html")
WIDGET = Path("web/node_modules/@nlxai/touchpoint-ui/lib/index.umd.js")
WIDGET_PACKAGE = Path("web/node_modules/@nlxai/touchpoint-ui/package.json")
TENANT = Path("tenants/demo/tenant.yaml")
DEPLOYMENT_KEY = "furniture-shop"


@dataclass(frozen=True, slots=True)
class Language:
    path: str
    lang: str
    language_code: str
    title: str
    headline: str
    intro: str
    hint: str


LANGUAGES = {
    "en": Language(
        "/demo",
        "en",
        "en-US",
        "Terrace & Table — outdoor furniture",
        "Outdoor tables for every terrace",
        "Teak, aluminium, steel and ceramic tables, delivered across France.",
        "Open the chat (bottom right) and ask for a table for your terrace, or how long delivery takes.",
    ),
    "es": Language(
        "/demo/es",
        "es",
        "es-MX",
        "Terrace & Table — muebles de exterior",
        "Mesas de exterior para cada terraza",
        "Mesas de teca, aluminio, acero y cerámica, con entrega a domicilio.",
        "Abre el chat (abajo a la derecha) y pide una mesa para tu terraza, o pregunta por la entrega.",
    ),
}


class DemoPages:
    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def widget_path(self) -> Path:
        return self._root / WIDGET

    def installed(self) -> bool:
        return self.widget_path.is_file()

    def page(self, language: str) -> str:
        chosen = LANGUAGES[language]
        config = {
            "deploymentKey": DEPLOYMENT_KEY,
            "channel": "web",
            "languageCode": chosen.language_code,
            "publishableKey": self._publishable_key(),
        }
        values = {
            "LANG": chosen.lang,
            "TITLE": html.escape(chosen.title),
            "HEADLINE": html.escape(chosen.headline),
            "INTRO": html.escape(chosen.intro),
            "HINT": html.escape(chosen.hint),
            "LANGUAGE_CODE": chosen.language_code,
            "TOUCHPOINT_VERSION": html.escape(self._widget_version()),
            "CURRENT_EN": 'aria-current="page"' if language == "en" else "",
            "CURRENT_ES": 'aria-current="page"' if language == "es" else "",
            # Inside <script>: JSON with `<` escaped cannot close the element.
            "CONFIG": json.dumps(config).replace("<", "\\u003c"),
        }
        page = (self._root / PAGE).read_text(encoding="utf-8")
        for name, value in values.items():
            page = page.replace("{{" + name + "}}", value)
        return page

    def not_installed_page(self) -> str:
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Demo not installed</title>"
            "<p>The chat widget is not installed: run <code>make run</code> (it runs "
            "<code>npm ci --prefix web</code>) and reload.</p></html>"
        )

    def _publishable_key(self) -> str:
        tenant = yaml.safe_load((self._root / TENANT).read_text(encoding="utf-8"))
        key = tenant.get("local_publishable_key") if isinstance(tenant, dict) else None
        return str(key or "")

    def _widget_version(self) -> str:
        package = self._root / WIDGET_PACKAGE
        return (
            str(json.loads(package.read_text(encoding="utf-8")).get("version", ""))
            if package.is_file()
            else ""
        )
