"""POST /internal/users/create — a new user, its email claimed in the tenant, its default role assigned."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import service
from functions.users.manifest import SERVICE
from functions.users.models import CreatedUser, NewUser
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("create"))
logger = app.logger


@app.endpoint
def create(body: NewUser) -> CreatedUser:
    """Create a user in the tenant the calling service names."""
    return service.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
