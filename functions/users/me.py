"""GET /api/v1/users/me — the caller's account with the roles and permissions of its token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import reads
from functions.users.manifest import SERVICE
from functions.users.models import Me
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("me"))
logger = app.logger


@app.endpoint
def me() -> Me:
    """The calling user, with its roles and permissions."""
    return reads.me()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
