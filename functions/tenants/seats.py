"""POST /internal/tenants/{tenantId}/seats — reserve or release one user seat under the caller's key."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import quota
from functions.tenants.manifest import SERVICE
from functions.tenants.models import QuotaResult, SeatRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("seats"))
logger = app.logger


@app.endpoint
def seats(tenantId: str, body: SeatRequest) -> QuotaResult:
    """Reserve or release one user seat under the caller's key; a repeat counts nothing twice."""
    return quota.seat(tenantId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
