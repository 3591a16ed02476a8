"""Run Lambda handlers in this process, in place of SAM CLI's Docker containers."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

LOG = logging.getLogger("localgw.runner")
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    code_dir: Path
    handler: str
    timeout: int = 3
    memory: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    events: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InvokeResult:
    payload: Any
    error: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps(self.error if self.error is not None else self.payload)


class LambdaContext:
    """The attributes of the Python runtime's context object that handlers and Powertools read."""

    def __init__(self, spec: FunctionSpec, region: str) -> None:
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{spec.name}"
        self.memory_limit_in_mb = spec.memory
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self.identity = None
        self.client_context = None
        self.tenant_id: str | None = None
        self._deadline = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


# The event is whatever JSON the trigger sends; the result, whatever JSON the function returns.
type LambdaHandler = Callable[[Any, LambdaContext], Any]


class InProcessRunner:
    """A `lambda_runner` for LocalApigwService: `is_debugging()` and `invoke(...)` like LocalLambdaRunner."""

    def __init__(self, functions: dict[str, FunctionSpec], region: str, layer_dirs: list[Path]) -> None:
        self.functions = functions
        self.region = region
        self._handlers: dict[str, LambdaHandler] = {}
        self._import_lock = threading.Lock()
        # The layer folder mirrors /opt/python, which Lambda puts on sys.path.
        for layer_dir in layer_dirs:
            if str(layer_dir) not in sys.path:
                sys.path.insert(0, str(layer_dir))

    def is_debugging(self) -> bool:
        return False

    def invoke(  # the positional signature of SAM's LocalLambdaRunner.invoke
        self,
        function_identifier: str,
        event: str,
        tenant_id: str | None = None,
        stdout: Any = None,
        stderr: Any = None,
        override_runtime: str | None = None,
        **_: Any,
    ) -> None:
        result = self.invoke_event(function_identifier, json.loads(event), tenant_id=tenant_id)
        if stdout is not None:
            # LambdaOutputParser reads the whole stdout stream as the function's response.
            stdout.write_str(result.to_json())
            stdout.flush()

    def invoke_event(
        self, function_identifier: str, event: Any, tenant_id: str | None = None
    ) -> InvokeResult:
        spec = self._spec(function_identifier)
        handler = self.handler(spec.name)
        context = LambdaContext(spec, self.region)
        context.tenant_id = tenant_id
        try:
            payload = handler(event, context)
        except Exception as exc:
            return InvokeResult(payload=None, error=_error_shape(spec.name, exc))
        try:
            json.dumps(payload)
        except (TypeError, ValueError) as exc:
            error = _error_shape(spec.name, exc)
            error["errorType"] = "Runtime.MarshalError"
            return InvokeResult(payload=None, error=error)
        return InvokeResult(payload=payload)

    def handler(self, name: str) -> LambdaHandler:
        loaded = self._handlers.get(name)
        if loaded is not None:
            return loaded
        with self._import_lock:
            if name not in self._handlers:
                self._handlers[name] = self._load(self.functions[name])
            return self._handlers[name]

    def _spec(self, function_identifier: str) -> FunctionSpec:
        from samcli.local.lambdafn.exceptions import FunctionNotFound

        spec = self.functions.get(function_identifier)
        if spec is None:
            raise FunctionNotFound(f"Unable to find a Function with name '{function_identifier}'")
        return spec

    def _load(self, spec: FunctionSpec) -> LambdaHandler:
        module_path, _, attribute = spec.handler.rpartition(".")
        source = spec.code_dir / (module_path.replace(".", "/") + ".py")
        # Every function has an app.py: a unique module name keeps them apart in sys.modules.
        module_name = f"parley_fn_{spec.name}"
        os.environ.update(spec.environment)
        sys.path.insert(0, str(spec.code_dir))
        try:
            module = _import_file(module_name, source)
        finally:
            sys.path.remove(str(spec.code_dir))
        handler: LambdaHandler = getattr(module, attribute)
        return handler


def _import_file(module_name: str, source: Path) -> ModuleType:
    module_spec = importlib.util.spec_from_file_location(module_name, source)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {source}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _error_shape(function_name: str, exc: Exception) -> dict[str, Any]:
    if type(exc) is Exception and str(exc) == "Unauthorized":
        LOG.debug("%s raised Unauthorized", function_name)
    else:
        LOG.error("%s failed", function_name, exc_info=exc)
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }
