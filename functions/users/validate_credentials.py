"""POST /internal/users/validate-credentials — email and password checked, with lockout."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import credentials, mfa
from functions.users.manifest import SERVICE
from functions.users.models import Credentials, VerifiedUser
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("validate-credentials"))
logger = app.logger


@app.endpoint
def validate_credentials(body: Credentials) -> VerifiedUser:
    """Check an email and password; 401, 423 (locked) or 403 (suspended) otherwise. With MFA on, the
    right password answers 401 MFA_REQUIRED with an mfaToken for the second step."""
    validated = credentials.validate(body)
    mfa.require_second_factor(body.tenant_id, validated.user.user_id, active=validated.mfa_active)
    return validated.user


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
