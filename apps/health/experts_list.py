"""GET /api/v1/apps/health/experts - the tenant's verified experts (and pending ones for a verifier)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import experts
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ExpertOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("experts-list"), access=ACCESS)
logger = app.logger


@app.endpoint
def list_experts() -> list[ExpertOut]:
    """The tenant's experts."""
    return experts.list_experts()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
