"""Saga step `Compensate` of the order-saga state machine (apps.marketplace.saga)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import saga
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import OrderState
from shared.workflows import StepApp

task = StepApp(SERVICE.function("saga-compensate"))
logger = task.logger


@task.step
def compensate(state: OrderState) -> OrderState:
    return saga.compensate(state)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return task.handle(event, context)
