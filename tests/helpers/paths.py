"""Where things are in the repository, whatever folder a test lives in."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
TEMPLATE_PATH = ROOT / "template.yaml"
OPENAPI_PATH = ROOT / "openapi.yaml"
SPECS = ROOT / "specs"
DEMO_TENANT = ROOT / "tenants" / "demo"
# A template and a function the local gateway's own tests run (not the product's).
E2E_FIXTURES = ROOT / "tests" / "e2e" / "fixtures"
