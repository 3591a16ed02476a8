"""Parley's admin command: tenants, API keys, tenant configuration and dead-letter queues.

    python -m parley.admin --local create-tenant acme "Acme Outdoor"
    python -m parley.admin --local issue-key acme
    python -m parley.admin --stack parley list-keys acme
    python -m parley.admin --local load-config tenants/demo
    python -m parley.admin --local register-webhook acme https://acme.test/in --events insights.generated
    python -m parley.admin --stack parley dlq list
    python -m parley.admin --stack parley dlq redrive --queue WebhooksDeadLetterQueue

``--local`` talks to the store of a running ``make run`` (through the state file it writes);
``--stack NAME`` reads a deployed stack's outputs with your normal AWS credentials; or name the
table and usage plan yourself. A new key's secret is printed once and stored only as a hash. A
webhook's signing secret is printed once too (it is kept, encrypted at rest, to sign deliveries).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parley.errors import DomainError
from parley.nbq.catalog import CatalogError, catalog_document, load_catalog_yaml
from parley.nbq.repository import DynamoNbqConfigRepository
from parley.settings import DEFAULT_TENANT_CACHE_TTL_SECONDS as REVOCATION_SECONDS
from parley.tenants.keys import PUBLISHABLE, SECRET, hash_key
from parley.tenants.models import KeyNotFound, TenantExists, TenantNotFound
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.scopes import SECRET_SCOPES, parse_scopes
from parley.tenants.service import ApiGatewayUsagePlanRegistry, TenantService
from parley.webhooks.models import WebhookNotFound

if TYPE_CHECKING:
    from parley.configuration.service import ConfigurationService
    from parley.dialogue.deployment import Deployment
    from parley.nbq.catalog import Catalog

DEFAULT_STATE_FILE = ".parley-local.json"


@dataclass(frozen=True)
class Target:
    tenants_table: str
    usage_plan_id: str | None
    client_kwargs: dict[str, Any]
    local: bool
    webhooks_table: str | None = None
    # Queue name (the template's logical id) -> URL, for the dlq commands.
    queues: dict[str, str] = dataclasses.field(default_factory=dict)


def _target(args: argparse.Namespace) -> Target:
    if args.local or args.local_state:
        path = Path(args.local_state or DEFAULT_STATE_FILE)
        if not path.exists():
            raise SystemExit(f"{path} not found: start the local gateway first (make run)")
        state = json.loads(path.read_text())
        return Target(
            tenants_table=state["tables"]["TenantsTable"],
            usage_plan_id=state.get("usage_plan_id"),
            client_kwargs={
                "endpoint_url": state["endpoint_url"],
                "region_name": state.get("region", "us-east-1"),
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
            },
            local=True,
            webhooks_table=state["tables"].get("WebhooksTable"),
            queues=dict(state.get("queues", {})),
        )
    if args.stack:
        import boto3

        outputs = boto3.client("cloudformation", region_name=args.region).describe_stacks(
            StackName=args.stack
        )
        values = {o["OutputKey"]: o["OutputValue"] for o in outputs["Stacks"][0].get("Outputs", [])}
        return Target(
            values["TenantsTableName"],
            values.get("UsagePlanId"),
            {"region_name": args.region},
            False,
            values.get("WebhooksTableName"),
            {key.removesuffix("Url"): url for key, url in values.items() if key.endswith("QueueUrl")},
        )
    if args.tenants_table or args.queue_url:
        return Target(
            args.tenants_table or "",
            args.usage_plan_id,
            {"region_name": args.region},
            False,
            args.webhooks_table,
            {url.rstrip("/").rsplit("/", 1)[-1]: url for url in args.queue_url or []},
        )
    raise SystemExit("say where: --local, --stack NAME, or --tenants-table NAME [--usage-plan-id ID]")


def _service(target: Target) -> tuple[TenantService, DynamoTenantRepository]:
    import boto3

    repository = DynamoTenantRepository(
        boto3.client("dynamodb", **target.client_kwargs), target.tenants_table
    )
    registry = None
    if target.usage_plan_id:
        registry = ApiGatewayUsagePlanRegistry(
            boto3.client("apigateway", **target.client_kwargs), target.usage_plan_id
        )
    return TenantService(repository, registry), repository


def _print(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, indent=2))


def _load_config(
    service: TenantService, repository: DynamoTenantRepository, target: Target, folder: Path
) -> dict[str, Any]:
    """Load a tenant folder: ``tenant.yaml`` (id, name, and for local runs a fixed test key),
    ``catalog.yaml`` (the NBQ catalog) and ``deployment.yaml`` (the turn-processing deployment).
    Everything is validated before anything is stored."""
    config, catalog, deployment = _read_folder(folder)
    tenant_id = config["tenant_id"]
    loaded: dict[str, Any] = {"tenant_id": tenant_id}
    try:
        service.create_tenant(tenant_id, config["name"])
        loaded["tenant"] = "created"
    except TenantExists:
        loaded["tenant"] = "exists"
    for field in ("local_api_key", "local_publishable_key"):
        local_key = config.get(field)
        if local_key and target.local:
            if repository.get_api_key(hash_key(local_key)) is None:
                service.issue_key(tenant_id, mode="test", key=local_key)
                loaded[field] = "issued"
            else:
                loaded[field] = "exists"
    if catalog is not None:
        size = _configuration(target).publish_loaded(tenant_id, catalog_document(catalog), catalog.version)
        loaded["catalog"] = {
            "version": catalog.version,
            "questions": len(catalog.questions),
            "stored_bytes": size,
        }
    if deployment is not None:
        loaded["deployment"] = _store_deployment(target, tenant_id, deployment)
    return loaded


def _read_folder(folder: Path) -> tuple[dict[str, Any], Catalog | None, Deployment | None]:
    """The folder's tenant settings, catalog and deployment, each validated."""
    import yaml

    tenant_file = folder / "tenant.yaml"
    if not tenant_file.exists():
        raise SystemExit(f"{tenant_file} not found")
    config = yaml.safe_load(tenant_file.read_text()) or {}
    if not config.get("tenant_id") or not config.get("name"):
        raise SystemExit(f"{tenant_file}: tenant_id and name are required")
    catalog_file = folder / "catalog.yaml"
    catalog = load_catalog_yaml(catalog_file.read_text()) if catalog_file.exists() else None
    if catalog is not None:
        # The same checks a publication through the API runs (parley.configuration.checks).
        from parley.configuration.checks import issues_of

        _, issues = issues_of(catalog_document(catalog))
        if issues:
            raise CatalogError("; ".join(f"{i['code']}: {i['message']}" for i in issues))
    deployment_file = folder / "deployment.yaml"
    deployment = None
    if deployment_file.exists():
        from parley.dialogue.deployment import load_deployment_yaml

        # Validated against the catalog its slots reuse.
        deployment = load_deployment_yaml(deployment_file.read_text(), catalog)
    return config, catalog, deployment


def _store_deployment(target: Target, tenant_id: str, deployment: Deployment) -> dict[str, Any]:
    import boto3

    from parley.dialogue.repository import DynamoDeploymentRepository

    deployments = DynamoDeploymentRepository(
        boto3.client("dynamodb", **target.client_kwargs), target.tenants_table
    )
    return {
        "deployment_key": deployment.key,
        "channels": list(deployment.channels),
        "intents": list(deployment.intents),
        "stored_bytes": deployments.put(tenant_id, dict(deployment.document)),
    }


def _export_config(target: Target, tenant_id: str, state: str) -> str:
    """The configuration as the YAML ``load-config`` reads back: a tenant can keep it in git, and
    one changed through the API round-trips through it unchanged."""
    import boto3
    import yaml

    if state == "draft":
        from parley.configuration.repository import DynamoDraftStore

        draft = DynamoDraftStore(boto3.client("dynamodb", **target.client_kwargs), target.tenants_table).get(
            tenant_id
        )
        document = draft.document if draft is not None else None
    else:
        document = _nbq_config(target).load_state(tenant_id).document
    if document is None:
        raise ValueError(f"tenant {tenant_id!r} has no {state} configuration")
    header = f"# {state} configuration of {tenant_id}, exported by `python -m parley.admin export-config`\n"
    return header + str(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110))


def _configuration(target: Target) -> ConfigurationService:
    """The configuration API's service over the target's tables: ``load-config`` publishes as a
    compilation does (one source of truth for the catalog, its draft and its audit log)."""
    import boto3

    from parley.configuration.repository import DynamoAuditLog, DynamoCompilationStore, DynamoDraftStore
    from parley.configuration.service import ConfigurationService
    from parley.wiring import TenantNames

    client, table = boto3.client("dynamodb", **target.client_kwargs), target.tenants_table
    return ConfigurationService(
        DynamoDraftStore(client, table),
        DynamoCompilationStore(client, table),
        DynamoAuditLog(client, table),
        DynamoNbqConfigRepository(client, table),
        TenantNames(client, table),
    )


def _nbq_config(target: Target) -> DynamoNbqConfigRepository:
    import boto3

    return DynamoNbqConfigRepository(boto3.client("dynamodb", **target.client_kwargs), target.tenants_table)


WEBHOOK_COMMANDS = ("register-webhook", "list-webhooks", "delete-webhook")


def _dlq_command(args: argparse.Namespace, target: Target) -> dict[str, Any]:
    """``dlq list``: what each dead-letter queue holds (counts, oldest, kinds; never contents).
    ``dlq redrive``: its messages back to the source queue (parley.queues.redrive)."""
    import boto3

    from parley.queues import redrive

    if not target.queues:
        raise SystemExit("dlq commands need the queues: --local, --stack NAME or --queue-url URL (repeated)")
    sqs = boto3.client("sqs", **target.client_kwargs)
    queues = redrive.dead_letter_queues(sqs, target.queues)
    if args.queue:
        unknown = sorted(set(args.queue) - {q.name for q in queues})
        if unknown:
            names = ", ".join(q.name for q in queues)
            raise ValueError(f"not a dead-letter queue: {', '.join(unknown)} (they are: {names})")
        queues = [q for q in queues if q.name in args.queue]
    offered = not target.local  # moto, behind the local gateway, has no message-move task
    if args.dlq_command == "list":
        reports = [
            redrive.report(sqs, q, limit=args.limit, with_messages=args.messages, move_tasks_offered=offered)
            for q in queues
        ]
        return {"dead_letter_queues": reports}
    method = args.method if args.method != "auto" else redrive.MOVE_TASK if offered else redrive.RESEND
    return {
        "redrives": [
            redrive.redrive(
                sqs,
                q,
                method=method,
                max_per_second=args.max_per_second,
                limit=args.limit,
                move_tasks_offered=offered,
            )
            for q in queues
        ]
    }


def _webhook_command(args: argparse.Namespace, target: Target) -> dict[str, Any]:
    import boto3

    from parley.webhooks.repository import DynamoWebhookRepository
    from parley.webhooks.service import WebhookService

    if not target.webhooks_table:
        raise SystemExit("webhook commands need the webhooks table: --stack NAME or --webhooks-table NAME")
    # Local runs deliver to receivers on 127.0.0.1 over http; anywhere else only public https.
    client = boto3.client("dynamodb", **target.client_kwargs)
    service = WebhookService(
        DynamoWebhookRepository(client, target.webhooks_table, target.tenants_table),
        allow_private=target.local,
    )
    if args.command == "register-webhook":
        endpoint, secret = service.register(args.tenant_id, args.url, args.events.split(","))
        return {
            "tenant_id": endpoint.tenant_id,
            "webhook_id": endpoint.webhook_id,
            "url": endpoint.url,
            "events": sorted(endpoint.events),
            "secret": secret,
            "note": "store this signing secret now: it is not shown again",
        }
    if args.command == "list-webhooks":
        return {
            "tenant_id": args.tenant_id,
            "webhooks": [
                {
                    "webhook_id": endpoint.webhook_id,
                    "url": endpoint.url,
                    "events": sorted(endpoint.events),
                    "created_at": endpoint.created_at,
                    "status": "active" if endpoint.active else "disabled",
                }
                for endpoint in service.list_endpoints(args.tenant_id)
            ],
        }
    service.delete(args.tenant_id, args.webhook_id)
    return {"tenant_id": args.tenant_id, "deleted": args.webhook_id}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parley.admin", description=__doc__.split("\n\n")[0])
    where = parser.add_argument_group("where")
    where.add_argument(
        "--local", action="store_true", help=f"the running local gateway ({DEFAULT_STATE_FILE})"
    )
    where.add_argument("--local-state", help="the local gateway's state file")
    where.add_argument("--stack", help="a deployed stack's name (reads its outputs)")
    where.add_argument("--tenants-table", help="the tenants table's name")
    where.add_argument("--usage-plan-id", help="the API's usage plan id")
    where.add_argument("--webhooks-table", help="the webhooks table's name (webhook commands)")
    where.add_argument("--region", default=None, help="AWS region (default: your configuration)")
    where.add_argument(
        "--queue-url", action="append", default=None, help="a queue's URL (dlq commands; repeatable)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_key_parsers(commands)
    _add_config_parsers(commands)
    _add_webhook_parsers(commands)
    _add_dlq_parser(commands)
    return parser


def _add_key_parsers(commands: Any) -> None:
    create = commands.add_parser("create-tenant", help="create a tenant")
    create.add_argument("tenant_id")
    create.add_argument("name")
    issue = commands.add_parser("issue-key", help="issue an API key (its secret is shown once)")
    issue.add_argument("tenant_id")
    issue.add_argument("--test", action="store_true", help="a test key (pk_test_, pub_test_) instead of live")
    issue.add_argument(
        "--scope",
        action="append",
        default=None,
        metavar="SCOPE",
        help="what the key may call (repeatable; default: every secret scope): "
        + ", ".join(sorted(SECRET_SCOPES)),
    )
    issue.add_argument(
        "--publishable",
        action="store_true",
        help="a publishable key (pub_…) for browsers: the turn API only (scope turn)",
    )
    listing = commands.add_parser("list-keys", help="list a tenant's keys (prefixes only)")
    listing.add_argument("tenant_id")
    revoke = commands.add_parser("revoke-key", help="revoke a key by its display prefix")
    revoke.add_argument("tenant_id")
    revoke.add_argument("prefix")


def _add_config_parsers(commands: Any) -> None:
    load = commands.add_parser("load-config", help="load a tenant configuration folder")
    load.add_argument("folder", type=Path)
    export = commands.add_parser(
        "export-config", help="print a tenant's published configuration (or its draft) as catalog YAML"
    )
    export.add_argument("tenant_id")
    export.add_argument("--state", choices=["published", "draft"], default="published")


def _add_webhook_parsers(commands: Any) -> None:
    register = commands.add_parser(
        "register-webhook", help="register a webhook endpoint (its signing secret is shown once)"
    )
    register.add_argument("tenant_id")
    register.add_argument("url", help="https URL (http to 127.0.0.1 only with --local)")
    register.add_argument(
        "--events",
        required=True,
        help="comma-separated: conversation.updated, conversation.completed, insights.generated, "
        "insights.updated, conversion.recorded",
    )
    webhooks = commands.add_parser("list-webhooks", help="list a tenant's webhooks (no secrets)")
    webhooks.add_argument("tenant_id")
    unregister = commands.add_parser("delete-webhook", help="delete a webhook endpoint")
    unregister.add_argument("tenant_id")
    unregister.add_argument("webhook_id")


def _add_dlq_parser(commands: Any) -> None:
    dlq = commands.add_parser("dlq", help="dead-letter queues: list what they hold, redrive it")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    listing = dlq_commands.add_parser(
        "list", help="each dead-letter queue: messages, the oldest, kinds (never their contents)"
    )
    listing.add_argument("--messages", action="store_true", help="also each message's kind, age and ids")
    redriving = dlq_commands.add_parser(
        "redrive", help="move messages back to their source queue, once the cause is fixed"
    )
    redriving.add_argument(
        "--method",
        choices=["auto", "move-task", "resend"],
        default="auto",
        help="move-task: SQS's own message-move task; resend: receive and re-send one by one; auto "
        "(default): resend with --local (moto has no move task), else move-task",
    )
    redriving.add_argument(
        "--max-per-second", type=int, default=None, help="the move task's rate (default: SQS's choice)"
    )
    for parser in (listing, redriving):
        parser.add_argument(
            "--queue", action="append", default=None, help="only this dead-letter queue (repeatable)"
        )
        parser.add_argument("--limit", type=int, default=1000, help="messages examined per queue")


def _key_command(args: argparse.Namespace, service: TenantService) -> dict[str, Any]:
    """create-tenant, issue-key, list-keys and revoke-key."""
    if args.command == "create-tenant":
        tenant = service.create_tenant(args.tenant_id, args.name)
        return {"tenant_id": tenant.tenant_id, "name": tenant.name, "created_at": tenant.created_at}
    if args.command == "issue-key":
        issued = service.issue_key(
            args.tenant_id,
            mode="test" if args.test else "live",
            kind=PUBLISHABLE if args.publishable else SECRET,
            scopes=parse_scopes(args.scope) if args.scope else None,
        )
        return {
            "tenant_id": args.tenant_id,
            "api_key": issued.key,
            "prefix": issued.record.prefix,
            "kind": issued.record.kind,
            "scopes": sorted(issued.record.scopes),
            "note": "store this key now: it is not shown again",
        }
    if args.command == "list-keys":
        keys = [
            {
                "prefix": k.prefix,
                "kind": k.kind,
                "scopes": sorted(k.scopes),
                "status": "active" if k.active else "revoked",
                "created_at": k.created_at,
                "revoked_at": k.revoked_at,
            }
            for k in service.list_keys(args.tenant_id)
        ]
        return {"tenant_id": args.tenant_id, "keys": keys}
    revoked = service.revoke_key(args.tenant_id, args.prefix)
    return {
        "tenant_id": args.tenant_id,
        "revoked": revoked.prefix,
        "note": f"the key stops working within {REVOCATION_SECONDS} s (authorizers cache key "
        "lookups that long)",
    }


KEY_COMMANDS = ("create-tenant", "issue-key", "list-keys", "revoke-key")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    target = _target(args)
    service, repository = _service(target)
    try:
        if args.command in KEY_COMMANDS:
            _print(_key_command(args, service))
        elif args.command == "load-config":
            _print(_load_config(service, repository, target, args.folder))
        elif args.command == "export-config":
            print(_export_config(target, args.tenant_id, args.state), end="")
        elif args.command in WEBHOOK_COMMANDS:
            _print(_webhook_command(args, target))
        elif args.command == "dlq":
            _print(_dlq_command(args, target))
    except (
        TenantExists,
        TenantNotFound,
        KeyNotFound,
        WebhookNotFound,
        CatalogError,
        DomainError,
        ValueError,
    ) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
