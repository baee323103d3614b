"""GET /api/v1/jobs?pageSize=&cursor= — recent job executions, newest first (platform admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import executions
from functions.monitoring.manifest import SERVICE
from functions.monitoring.models import Execution
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("jobs"))
logger = app.logger


@app.endpoint
def jobs(
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Execution]:
    """Job executions with status, duration, processed items and errors, and their total."""
    return executions.recent(page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
