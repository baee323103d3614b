"""POST /internal/users/mfa/verify — an mfaToken and a code → the user (the login's second step)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaVerification, MfaVerifiedUser
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-verify"))
logger = app.logger


@app.endpoint
def mfa_verify(body: MfaVerification) -> MfaVerifiedUser:
    """Check the second factor of a login: single-use token, single-use code, with lockout."""
    return mfa.verify(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
