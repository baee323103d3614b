"""GET /api/v1/flags — every feature flag of the caller's tenant, evaluated for the caller
(`{flags: {name: bool}}`). No permission: everyone may know their own flags."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from functions.config.models import EvaluatedFlags
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("flags"))
logger = app.logger


@app.endpoint
def evaluated() -> EvaluatedFlags:
    """The flags (platform < plan < tenant), evaluated for the caller's tenant, plan, roles and user."""
    return documents.evaluated_flags(require().require_user())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
