"""GET /api/v1/users/{userId} — one user of the caller's tenant (self, or user.read)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import reads
from functions.users.manifest import SERVICE
from functions.users.models import UserOut
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("get"))
logger = app.logger


@app.endpoint
def get(userId: str) -> UserOut:
    """One user of the caller's tenant."""
    return reads.get(userId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
