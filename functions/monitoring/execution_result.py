"""POST /internal/jobs/execution-result — a scheduled job reports how it went (service token); stored
once per jobId, and the stored execution is the answer (also to a repeated report)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import executions
from functions.monitoring.manifest import SERVICE
from functions.monitoring.models import Execution, ExecutionReport
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("execution-result"))
logger = app.logger


@app.endpoint
def execution_result(report: ExecutionReport) -> Execution:
    """Record a job execution: status, duration (ms), processed items and errors."""
    return executions.record(report)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
