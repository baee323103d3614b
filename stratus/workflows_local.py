"""Step Functions on the local emulator: the state machines of the declarations, really executed.

What is real: moto's Step Functions interpreter (`execute_state_machine`) runs the exact Amazon States
Language document the deployments deploy — states, `Parameters`, `Retry`, `Catch`, `ResultPath`,
`TimeoutSeconds`, execution history — in its own thread, and invokes each Task's Lambda ARN through the
emulator's Lambda API (`Invoke`).

What is a stand-in: moto runs Lambda code only in Docker, so `Invoke` of a function the declarations name
is answered here, in-process, by the function's own `handler` (as Lambda's Python runtime would: the
return value is the payload; an exception is a `FunctionError` whose `errorType` is its class name).
Every other function name falls through to moto.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable
from typing import Any

from shared import aws
from shared.adapters.lambda_events import LocalContext
from shared.config import settings
from shared.declarations import Function, Service, StateMachine
from shared.registry import Registry
from shared.workflows import state_machine_name

Log = Callable[[str], None]
_ACCOUNT = "123456789012"  # moto's default account
_tasks: dict[str, Function] = {}  # deployed function name → declaration
_lock = threading.Lock()
_patched = False


def function_arn(fn_name: str) -> str:
    return f"arn:aws:lambda:{settings().region}:{_ACCOUNT}:function:{settings().function_name(fn_name)}"


def definition_for(service: Service, machine: StateMachine) -> dict[str, Any]:
    return machine.definition(lambda task: function_arn(f"{service.name}-{task}"))


def enable_execution(emulator_port: int | None = None) -> None:
    """Turn on moto's interpreter and answer Invoke of declared tasks in-process (idempotent)."""
    global _patched
    from moto.core.config import default_user_config

    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    if emulator_port is not None:
        os.environ["MOTO_PORT"] = str(emulator_port)  # where moto's interpreter sends its Lambda calls
    with _lock:
        if _patched:
            return
        from moto.awslambda.models import LambdaBackend
        from moto.awslambda_simple.models import LambdaSimpleBackend

        for backend in (LambdaBackend, LambdaSimpleBackend):
            backend.invoke = _dispatching(backend.invoke)  # type: ignore[method-assign]
        _patched = True


def _dispatching(original: Callable[..., Any]) -> Callable[..., Any]:
    def invoke(
        self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> Any:
        name = function_name.split(":function:")[-1].split(":")[0]
        fn = _tasks.get(name)
        if fn is None:
            return original(self, function_name, qualifier, body, headers, response_headers)
        return _run(fn, body, response_headers)

    return invoke


def _run(fn: Function, body: Any, response_headers: dict[str, str]) -> bytes:
    handler = importlib.import_module(fn.module).handler
    event = json.loads(body) if body else {}
    try:
        result = handler(event, LocalContext(fn.qualified_name, timeout_seconds=fn.timeout))
    except Exception as exc:  # Lambda's Python runtime: an unhandled error, named by its class
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)}).encode()
    return json.dumps(result).encode()


def provision(services: list[Service] | Registry, log: Log = print) -> list[str]:
    """Create (or update) every declared state machine; → their ARNs."""
    chosen = services.services if isinstance(services, Registry) else services
    client = aws.client("stepfunctions")  # type: ignore[call-overload]
    role = f"arn:aws:iam::{_ACCOUNT}:role/{settings().resource_prefix}-states"
    arns = []
    for service in chosen:
        for machine in service.state_machines:
            for task in machine.tasks:
                fn = service.function(task)
                _tasks[settings().function_name(fn.qualified_name)] = fn
            name = state_machine_name(service.name, machine.name)
            document = json.dumps(definition_for(service, machine))
            arn = f"arn:aws:states:{settings().region}:{_ACCOUNT}:stateMachine:{name}"
            try:
                client.describe_state_machine(stateMachineArn=arn)
                client.update_state_machine(stateMachineArn=arn, definition=document, roleArn=role)
            except client.exceptions.StateMachineDoesNotExist:
                arn = client.create_state_machine(
                    name=name, definition=document, roleArn=role, type="STANDARD"
                )["stateMachineArn"]
            arns.append(arn)
            log(f"  states  {name} (Step Functions, executed by the emulator)")
    return arns


def start(registry: Registry, endpoint_url: str, log: Log = print) -> None:
    """For `stratus dev` on its embedded moto server: execution on, the machines provisioned. In-flight
    executions are not part of the saved emulator data: after a restart, orders they left holding stock
    are released by the marketplace's reservation-expiry job."""
    if not any(service.state_machines for service in registry.services):
        return
    from urllib.parse import urlparse

    enable_execution(urlparse(endpoint_url).port)
    provision(registry, log)
