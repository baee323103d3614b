"""GET /api/v1/apps/hello/greeting — greet the caller (a member of a tenant that enabled the app)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.hello import greetings
from apps.hello.access import ACCESS
from apps.hello.manifest import SERVICE
from apps.hello.models import Greeting
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("greeting"), access=ACCESS)
logger = app.logger


@app.endpoint
def greeting() -> Greeting:
    """A welcome, with how many members the caller's tenant welcomed since enabling the app."""
    return greetings.greet()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
