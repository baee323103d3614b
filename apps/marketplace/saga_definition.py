"""The `order-saga` state machine (Amazon States Language), built from the declarations: both deployments
and the local emulator deploy exactly this document, each naming the task functions its own way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.workflows import task_parameters

# A charge that has not answered by then is given up: compensation voids it (no money stays taken).
CHARGE_TIMEOUT_SECONDS = 20
TASKS = ("saga-reserve", "saga-charge", "saga-confirm", "saga-compensate")
_TRANSIENT = ["ServiceUnavailable", "Lambda.ServiceException", "Lambda.TooManyRequestsException"]


def _task(
    arn: str, *, next_state: str | None, catch: bool = True, timeout: int | None = None
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": arn,
        "Parameters": task_parameters(),
        "Retry": [{"ErrorEquals": _TRANSIENT, "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2.0}],
    }
    if timeout is not None:
        state["TimeoutSeconds"] = timeout
    if catch:
        state["Catch"] = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Compensate"}]
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


def definition(arn_for: Callable[[str], str]) -> dict[str, Any]:
    return {
        "Comment": "Order saga: reserve every line, charge, confirm; any failure compensates and cancels.",
        "StartAt": "Reserve",
        "States": {
            "Reserve": _task(arn_for("saga-reserve"), next_state="Charge"),
            "Charge": _task(arn_for("saga-charge"), next_state="Confirm", timeout=CHARGE_TIMEOUT_SECONDS),
            "Confirm": _task(arn_for("saga-confirm"), next_state="Paid"),
            "Paid": {"Type": "Succeed"},
            "Compensate": _task(arn_for("saga-compensate"), next_state="Cancelled", catch=False),
            "Cancelled": {"Type": "Succeed"},
        },
    }
