"""GET /internal/tenants/{tenantId}/validate — is the tenant usable (404 unknown, 403 suspended)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import lifecycle
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Validation
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("validate"))
logger = app.logger


@app.endpoint
def validate(tenantId: str) -> Validation:
    """Check that a tenant exists and is not suspended; answer its status and plan."""
    return lifecycle.validate(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
