"""The internal routes of monitoring as typed calls (`MonitoringClient`), with their request and
response models.

Other services call monitoring only through this module. It imports nothing of monitoring but its
manifest and models (no handler, no store), so a caller's cold start does not load monitoring's code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from functions.monitoring.manifest import SERVICE
from functions.monitoring.models import (
    Execution,
    ExecutionReport,
)
from shared.typed_client import TypedClient

__all__ = ["Execution", "ExecutionReport", "MonitoringClient", "job_recorder"]


class MonitoringClient(TypedClient):
    """One method per internal route of functions/monitoring/manifest.py, named after its function."""

    callee = SERVICE

    def execution_result(self, body: ExecutionReport) -> Execution:
        """`POST /internal/jobs/execution-result`: seed 000 scenario 4: record a job execution's
        result.

        Handled by functions/monitoring/execution_result.py."""
        return self._send("execution-result", Execution, body)


class _Report(Protocol):
    """A finished job run's report (`shared.jobs.JobReport`, named structurally: a client module imports
    no kernel runtime beyond the typed client)."""

    def as_dict(self) -> dict[str, Any]: ...


def job_recorder(monitoring: MonitoringClient) -> Callable[[_Report], Execution]:
    """What a `shared.jobs.Job` takes as `record`: each run's report, sent to monitoring."""
    return lambda report: monitoring.execution_result(ExecutionReport.model_validate(report.as_dict()))
