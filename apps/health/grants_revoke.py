"""DELETE /api/v1/apps/health/grants/{expertId} - withdraw the caller's grant to an expert at once."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import consent
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ID_PATTERN
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("grants-revoke"), access=ACCESS)
logger = app.logger


@app.endpoint
def revoke_grant(expert_id: Annotated[str, Path(alias="expertId", pattern=ID_PATTERN)]) -> None:
    """Withdraw the caller's grant to an expert; the expert's next read is refused."""
    consent.revoke(expert_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
