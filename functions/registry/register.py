"""POST /api/v1/registry/services — register an external app (platform admin); its secrets are shown once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import Registered, Registration
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("register"))
logger = app.logger


@app.endpoint
def register(body: Registration) -> Registered:
    """Register an app: a taken or reserved name is 409."""
    return apps.register(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
