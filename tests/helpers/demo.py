"""The demo tenant's configuration (``tenants/demo``), parsed as `parley.admin load-config` parses it:
the question catalog and the furniture shop's turn deployment (its slots resolved from the catalog).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from tests.helpers.paths import DEMO_TENANT

if TYPE_CHECKING:
    from parley.dialogue.deployment import Deployment
    from parley.nbq.catalog import Catalog

DEMO_TENANT_ID = "demo"
DEMO_DEPLOYMENT_KEY = "furniture-shop"
DEMO_CHANNEL = "web-en-US"


@cache
def demo_catalog() -> Catalog:
    from parley.nbq.catalog import load_catalog_yaml

    return load_catalog_yaml((DEMO_TENANT / "catalog.yaml").read_text(encoding="utf-8"))


@cache
def demo_deployment() -> Deployment:
    from parley.dialogue.deployment import load_deployment_yaml

    return load_deployment_yaml((DEMO_TENANT / "deployment.yaml").read_text(encoding="utf-8"), demo_catalog())
