"""POST /internal/tenants/{tenantId}/check-quota — check, reserve or release storage or user quota."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import quota
from functions.tenants.manifest import SERVICE
from functions.tenants.models import QuotaRequest, QuotaResult
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("check-quota"))
logger = app.logger


@app.endpoint
def check_quota(tenantId: str, body: QuotaRequest) -> QuotaResult:
    """Check, atomically reserve, or release an amount of the tenant's storage or user quota."""
    return quota.check_quota(tenantId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
