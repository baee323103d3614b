"""Step Functions workflows: a task function's one shape, and starting an execution.

A task module is:

    task = StepApp(SERVICE.function("saga-reserve"))

    @task.step
    def reserve(state: OrderState) -> OrderState: ...

    def handler(event, context):
        return task.handle(event, context)

The state machine passes each Task `{"input": <the state>, "execution": $$.Execution.Id, "state":
$$.State.Name}` (see `task_parameters`). `StepApp` binds a request context, validates the input with the
step's pydantic model, and runs the step at most once per (execution, state) with Powertools idempotency
(a Step Functions retry, or a redelivered invocation, gets the first result back). A step that raises fails
its state with the exception's class name as the error, which the definition's `Catch` routes on.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from shared import aws, observability
from shared import context as request_context
from shared.config import settings
from shared.context import RequestContext, new_id
from shared.declarations import IDEMPOTENCY_TABLE, Function, StateTask

M = TypeVar("M", bound=BaseModel)
REMEMBER_SECONDS = 7 * 24 * 3600


def task_parameters() -> dict[str, str]:
    """The `Parameters` of every Task state: the state, and the ids that make the step idempotent."""
    return {"input.$": "$", "execution.$": "$$.Execution.Id", "state.$": "$$.State.Name"}


class StepApp:
    def __init__(self, function: Function) -> None:
        if not isinstance(function.trigger, StateTask):
            raise TypeError(f"{function.qualified_name} is not a state machine task")
        self.function = function
        self.service = function.service
        self.logger = observability.logger(function.service)
        self._step: Callable[[Any], BaseModel] | None = None
        self._model: type[BaseModel] | None = None
        # Powertools idempotency (and boto3 behind its persistence layer) is for task functions only, not
        # for the functions that only start an execution.
        from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

        self._config = IdempotencyConfig(
            event_key_jmespath="[execution, state]", expires_after_seconds=REMEMBER_SECONDS
        )
        self._built: tuple[Any, Callable[..., dict[str, Any]]] | None = None

    def step(self, func: Callable[[M], M]) -> Callable[[M], M]:
        hints = inspect.get_annotations(func, eval_str=True)
        model = next(v for k, v in hints.items() if k != "return")
        self._model, self._step = model, func
        return func

    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        if self._step is None or self._model is None:
            raise RuntimeError(f"{self.function.qualified_name} has no step")
        if context is not None:
            self._config.register_lambda_context(context)
        execution = str(event.get("execution") or new_id("exec_"))
        request_id = "req_" + re.sub(r"[^A-Za-z0-9]", "", execution.rsplit(":", 1)[-1])[:64]
        ctx = RequestContext(request_id=request_id, correlation_id=request_id, service=self.service)
        with request_context.bound(ctx), observability.log_keys(self.logger, request_id=request_id):
            self.logger.info("step", state=event.get("state"), execution=execution)
            return self._once(payload={"execution": execution, "state": event.get("state"), **event})

    def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._model is not None
        assert self._step is not None
        state = self._model.model_validate(payload.get("input") or {})
        result = self._step(state)
        out: dict[str, Any] = json.loads(result.model_dump_json(by_alias=True))
        return out

    @property
    def _once(self) -> Callable[..., dict[str, Any]]:
        """The idempotent step, rebuilt when the DynamoDB client is replaced (tests, the local runner)."""
        client = aws.client("dynamodb")
        if self._built is None or self._built[0] is not client:
            from aws_lambda_powertools.utilities.idempotency import (
                DynamoDBPersistenceLayer,
                idempotent_function,
            )

            store = DynamoDBPersistenceLayer(
                table_name=settings().table_name(IDEMPOTENCY_TABLE.name),
                key_attr="pk",
                sort_key_attr="sk",
                expiry_attr=IDEMPOTENCY_TABLE.ttl_attribute or "expiration",
                boto3_client=client,
            )

            def run_step(payload: dict[str, Any]) -> dict[str, Any]:
                return self.run(payload)

            once = idempotent_function(
                data_keyword_argument="payload",
                config=self._config,
                persistence_store=store,
                key_prefix=self.function.qualified_name,
            )(run_step)
            self._built = (client, once)
        return self._built[1]


# --- starting executions -------------------------------------------------------------------------------
def state_machine_name(service: str, machine: str) -> str:
    return f"{settings().resource_prefix}-{service}-{machine}"


@functools.cache
def _account() -> str:
    return str(aws.client("sts").get_caller_identity()["Account"])  # type: ignore[call-overload]


def state_machine_arn(service: str, machine: str) -> str:
    cfg = settings()
    return f"arn:aws:states:{cfg.region}:{_account()}:stateMachine:{state_machine_name(service, machine)}"


def start(service: str, machine: str, *, name: str, state: dict[str, Any]) -> str:
    """Start an execution named `name` (Standard workflows refuse a second execution of the same name
    with other input, and return the first for the same input: a retried start is harmless)."""
    from botocore.exceptions import ClientError

    client = aws.client("stepfunctions")  # type: ignore[call-overload]
    arn = state_machine_arn(service, machine)
    try:
        found = client.start_execution(stateMachineArn=arn, name=name, input=json.dumps(state))
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return f"{arn.replace(':stateMachine:', ':execution:')}:{name}"
    return str(found["executionArn"])
