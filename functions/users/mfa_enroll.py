"""POST /api/v1/auth/mfa/enroll — a new TOTP secret for the caller (pending until activated)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaEnrollment
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-enroll"))
logger = app.logger


@app.endpoint
def mfa_enroll() -> MfaEnrollment:
    """Start MFA enrolment: the secret and an otpauth:// URL for an authenticator app."""
    user = require().require_user()
    return mfa.enroll(user.tenant_id, user.user_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
