"""POST /api/v1/apps/health/experts - register the caller as an expert (pending)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import experts
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ExpertIn, ExpertOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("experts-register"), access=ACCESS)
logger = app.logger


@app.endpoint
def register_expert(body: ExpertIn) -> ExpertOut:
    """Register the caller as an expert, pending verification."""
    return experts.register(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
