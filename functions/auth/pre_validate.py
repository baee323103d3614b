"""POST /internal/auth/pre-validate — a sign-up email, normalized, and its password checked."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from functions.auth.models import PreValidated, PreValidateRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("pre-validate"))
logger = app.logger


@app.endpoint
def pre_validate(body: PreValidateRequest) -> PreValidated:
    """Normalize the email (lower-case, trimmed) and refuse a weak password; 400 names the field."""
    return service.pre_validate(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
