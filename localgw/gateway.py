"""Assemble the local gateway: moto, resources, functions, HTTP server, SQS and stream pollers, state file."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml
from samcli.local.apigw.route import Route
from werkzeug.serving import BaseWSGIServer

from localgw.apidocs import load_document
from localgw.demo import DemoPages
from localgw.gateway_responses import GatewayResponses
from localgw.intrinsics import IntrinsicResolver
from localgw.moto_backend import REGION, aws_environment, patched_environ, start_moto
from localgw.resources import LocalResources, create_resources
from localgw.runner import FunctionSpec, InProcessRunner
from localgw.scheduler import Schedule, Scheduler, rate_seconds
from localgw.server import make_gateway_server
from localgw.service import GatewayService
from localgw.sqs_poller import SqsMapping, SqsPoller
from localgw.stream_poller import StreamMapping, StreamPoller
from localgw.template import SamTemplate, load_template
from localgw.throttle import UsagePlanLimiter

LOG = logging.getLogger("localgw")
DEMO_TENANT_FOLDER = "tenants/demo"
# Set on every function over what the template says, and only here: local receivers (tests, a
# developer's machine) listen on 127.0.0.1 over http, which webhooks refuse on AWS.
LOCAL_ONLY_ENVIRONMENT = {"PARLEY_WEBHOOKS_ALLOW_PRIVATE": "true"}


@dataclass
class Gateway:
    url: str
    state: dict[str, Any]
    state_file: Path
    template: SamTemplate
    resources: LocalResources
    runner: InProcessRunner
    demo_key: str | None = None
    demo_publishable_key: str | None = None
    pollers: list[SqsPoller | StreamPoller | Scheduler] = field(default_factory=list)
    _server: BaseWSGIServer | None = None
    _cleanup: ExitStack = field(default_factory=ExitStack)
    _stopped: bool = False

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def curl_line(self) -> str:
        key = self.demo_key or "<key>"
        return f'curl -H "Authorization: Bearer {key}" {self.url}/v1/usage'

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for poller in self.pollers:
            poller.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for poller in self.pollers:
            poller.join(timeout=5)
        self._cleanup.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def start(
    *,
    port: int = 0,
    template: str | os.PathLike[str] = "template.yaml",
    parameter_overrides: dict[str, str] | None = None,
    seed: bool = True,
    state_file: str | os.PathLike[str] | None = None,
    host: str = "127.0.0.1",
    schedule_interval: float | None = None,
) -> Gateway:
    """Start everything and return once requests are served; `Gateway.stop()` undoes it all.

    The AWS variables are set in this process for the gateway's lifetime (functions run here).
    """
    cleanup = ExitStack()
    try:
        return _start(
            cleanup,
            port=port,
            template=template,
            overrides=parameter_overrides or {},
            seed=seed,
            state_file=state_file,
            host=host,
            schedule_interval=schedule_interval,
        )
    except BaseException:
        cleanup.close()
        raise


def _start(
    cleanup: ExitStack,
    *,
    port: int,
    template: str | os.PathLike[str],
    overrides: dict[str, str],
    seed: bool,
    state_file: str | os.PathLike[str] | None,
    host: str,
    schedule_interval: float | None = None,
) -> Gateway:
    moto_server, endpoint_url = start_moto()
    cleanup.callback(moto_server.stop)
    cleanup.enter_context(patched_environ(aws_environment(endpoint_url, REGION)))

    sam = load_template(template, overrides)
    session = boto3.session.Session(region_name=REGION)
    resources = create_resources(sam, session)
    resolver = resources.resolver(sam)
    runner = InProcessRunner(function_specs(sam, resolver), REGION, layer_dirs(sam))
    for key, value in runner_common_environment(runner).items():
        os.environ.setdefault(key, value)

    service = _service(sam, resolver, runner, resources, host)
    server = make_gateway_server(service, host, port)
    service.port = server.server_port
    url = f"http://{host}:{server.server_port}"

    path = Path(state_file) if state_file else Path(tempfile.mkdtemp(prefix="localgw-")) / "state.json"
    state = {
        "endpoint_url": endpoint_url,
        "region": REGION,
        "tables": resources.tables,
        "queues": resources.queues,
        "usage_plan_id": resources.usage_plan_id,
        "api_url": url,
    }
    demo_keys = _seed(sam.root, path, state) if seed else {}
    demo_key = demo_keys.get("local_api_key")
    publishable_key = demo_keys.get("local_publishable_key")
    if demo_key:
        state["demo_key"] = demo_key
    if publishable_key:
        state["demo_publishable_key"] = publishable_key

    thread = threading.Thread(target=server.serve_forever, name="localgw-http", daemon=True)
    thread.start()
    gateway = Gateway(
        url, state, path, sam, resources, runner, demo_key, publishable_key, _server=server, _cleanup=cleanup
    )
    gateway.pollers = [
        *_start_pollers(sam, resolver, resources, runner, session),
        *_start_stream_pollers(resolver, resources, runner, session),
        *_start_schedulers(resolver, resources, runner, schedule_interval),
    ]
    # Written last: whoever waits for the state file finds everything seeded and serving.
    _write_state(path, state)
    if not state_file:
        cleanup.callback(path.parent.rmdir)  # runs after the unlink below (last in, first out)
    cleanup.callback(path.unlink, missing_ok=True)
    return gateway


def function_specs(sam: SamTemplate, resolver: IntrinsicResolver) -> dict[str, FunctionSpec]:
    specs: dict[str, FunctionSpec] = {}
    for name, function in sam.functions.items():
        properties = sam.resources.get(name, {}).get("Properties", {})
        variables = properties.get("Environment", {}).get("Variables", {})
        specs[name] = FunctionSpec(
            name=name,
            code_dir=(sam.root / (function.codeuri or ".")).resolve(),
            handler=function.handler or "app.lambda_handler",
            timeout=int(function.timeout or 3),
            memory=int(function.memory or 128),
            environment={
                **{key: _env_string(resolver.resolve(value)) for key, value in variables.items()},
                **LOCAL_ONLY_ENVIRONMENT,
            },
            events=dict(properties.get("Events", {})),
        )
    return specs


def layer_dirs(sam: SamTemplate) -> list[Path]:
    dirs: list[Path] = []
    for function in sam.functions.values():
        for layer in function.layers:
            if layer.codeuri and (sam.root / layer.codeuri).resolve() not in dirs:
                dirs.append((sam.root / layer.codeuri).resolve())
    return dirs


def runner_common_environment(runner: InProcessRunner) -> dict[str, str]:
    """Variables every function shares (the Globals): safe to keep set process-wide."""
    specs = list(runner.functions.values())
    if not specs:
        return {}
    common = dict(specs[0].environment)
    for spec in specs[1:]:
        common = {key: value for key, value in common.items() if spec.environment.get(key) == value}
    return common


def api_key_requirements(sam: SamTemplate) -> dict[tuple[str, str, str], bool]:
    """(function, path, METHOD) -> whether API Gateway requires an API key on that method."""
    api = sam.serverless_api()
    default = bool(api[1].get("Auth", {}).get("ApiKeyRequired", False)) if api else False
    required: dict[tuple[str, str, str], bool] = {}
    for name in sam.functions:
        events = sam.resources.get(name, {}).get("Properties", {}).get("Events", {})
        for event in events.values():
            if event.get("Type") != "Api":
                continue
            props = event.get("Properties", {})
            method = str(props.get("Method", "ANY")).upper()
            required[(name, props.get("Path", ""), method)] = bool(
                props.get("Auth", {}).get("ApiKeyRequired", default)
            )
    return required


def _service(
    sam: SamTemplate,
    resolver: IntrinsicResolver,
    runner: InProcessRunner,
    resources: LocalResources,
    host: str,
) -> GatewayService:
    api = sam.serverless_api()
    responses = resolver.resolve(api[1].get("GatewayResponses", {})) if api else {}
    requirements = api_key_requirements(sam)

    def api_key_required(route: Route, method: str) -> bool:
        for candidate in (method.upper(), "ANY"):
            if (route.function_name, route.path, candidate) in requirements:
                return requirements[(route.function_name or "", route.path, candidate)]
        return False

    limiter = UsagePlanLimiter(resources.usage_plan)
    return GatewayService(
        sam.api,
        runner,
        GatewayResponses(responses),
        usage_check=limiter.check,
        api_key_required=api_key_required,
        host=host,
        api_document=load_document(sam.root),
        demo=DemoPages(sam.root),
    )


def _start_pollers(
    sam: SamTemplate,
    resolver: IntrinsicResolver,
    resources: LocalResources,
    runner: InProcessRunner,
    session: boto3.session.Session,
) -> list[SqsPoller]:
    queue_by_arn = {arn: logical_id for logical_id, arn in resources.queue_arns.items()}
    pollers: list[SqsPoller] = []
    for name, spec in runner.functions.items():
        for event in spec.events.values():
            if event.get("Type") != "SQS":
                continue
            props = resolver.resolve(event.get("Properties", {}))
            if str(props.get("Enabled", True)).lower() == "false":
                continue
            logical_id = queue_by_arn[props["Queue"]]
            mapping = SqsMapping(
                function_name=name,
                queue_url=resources.queues[logical_id],
                queue_arn=props["Queue"],
                batch_size=int(props.get("BatchSize", 10)),
                report_batch_item_failures="ReportBatchItemFailures"
                in props.get("FunctionResponseTypes", []),
            )
            poller = SqsPoller(mapping, runner, session.client("sqs"), resources.region)
            poller.start()
            pollers.append(poller)
    return pollers


def _start_schedulers(
    resolver: IntrinsicResolver,
    resources: LocalResources,
    runner: InProcessRunner,
    interval: float | None,
) -> list[Scheduler]:
    """One thread per Schedule event of a function, like an EventBridge rule (``interval``, when
    given, replaces every rate: tests and demos need not wait a minute)."""
    schedulers: list[Scheduler] = []
    for name, spec in runner.functions.items():
        for event_name, event in spec.events.items():
            if event.get("Type") not in ("Schedule", "ScheduleV2"):
                continue
            props = resolver.resolve(event.get("Properties", {}))
            if str(props.get("Enabled", True)).lower() == "false":
                continue
            expression = str(props.get("Schedule") or props.get("ScheduleExpression") or "")
            period = interval or rate_seconds(expression)
            if period is None:
                LOG.warning("%s: schedule %r is not run locally (only rate(...) is)", name, expression)
                continue
            scheduler = Scheduler(Schedule(name, f"{name}-{event_name}", period), runner, resources.region)
            scheduler.start()
            schedulers.append(scheduler)
    return schedulers


def _start_stream_pollers(
    resolver: IntrinsicResolver,
    resources: LocalResources,
    runner: InProcessRunner,
    session: boto3.session.Session,
) -> list[StreamPoller]:
    """One poller per DynamoDB event of a function, like Lambda's stream event source mappings."""
    pollers: list[StreamPoller] = []
    for name, spec in runner.functions.items():
        for event in spec.events.values():
            if event.get("Type") != "DynamoDB":
                continue
            props = resolver.resolve(event.get("Properties", {}))
            if str(props.get("Enabled", True)).lower() == "false":
                continue
            mapping = StreamMapping(
                function_name=name,
                stream_arn=props["Stream"],
                batch_size=int(props.get("BatchSize", 100)),
                report_batch_item_failures="ReportBatchItemFailures"
                in props.get("FunctionResponseTypes", []),
            )
            poller = StreamPoller(mapping, runner, session.client("dynamodbstreams"), resources.region)
            poller.start()
            pollers.append(poller)
    return pollers


def _seed(root: Path, state_file: Path, state: dict[str, Any]) -> dict[str, str]:
    """Load the demo tenant with the admin command, in-process, through a state file of its own;
    its fixed local keys (secret and publishable) by name."""
    folder = root / DEMO_TENANT_FOLDER
    if not (folder / "tenant.yaml").exists():
        LOG.warning("no %s: nothing seeded", folder / "tenant.yaml")
        return {}
    seed_state = state_file.with_name(state_file.name + ".seeding")
    _write_state(seed_state, state)
    from parley import admin

    try:
        code = admin.main(["--local-state", str(seed_state), "load-config", str(folder)])
    finally:
        seed_state.unlink(missing_ok=True)
    if code:
        raise RuntimeError(f"seeding {folder} failed (parley.admin exited {code})")
    config = yaml.safe_load((folder / "tenant.yaml").read_text())
    if not isinstance(config, dict):
        return {}
    names = ("local_api_key", "local_publishable_key")
    return {name: str(config[name]) for name in names if config.get(name)}


def _write_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2) + "\n")
    temporary.replace(path)


def _env_string(value: Any) -> str:
    # CloudFormation hands Lambda every variable as a string; booleans as "true"/"false".
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
