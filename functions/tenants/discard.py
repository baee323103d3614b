"""POST /internal/tenants/{tenantId}/discard — delete a tenant whose provisioning failed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import lifecycle
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Discarded
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("discard"))
logger = app.logger


@app.endpoint
def discard(tenantId: str) -> Discarded:
    """Discard a tenant that is still provisioning (idempotent)."""
    return lifecycle.discard(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
