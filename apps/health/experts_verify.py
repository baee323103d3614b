"""POST /api/v1/apps/health/experts/{expertId}/verify - verify an expert (health.expert.verify)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import experts
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ExpertOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("experts-verify"), access=ACCESS)
logger = app.logger


@app.endpoint
def verify_expert(expert_id: Annotated[str, Path(alias="expertId", max_length=128)]) -> ExpertOut:
    """Verify an expert's profile (health.expert.verify)."""
    return experts.verify(expert_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
