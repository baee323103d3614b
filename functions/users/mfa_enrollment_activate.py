"""POST /api/v1/auth/mfa/enrollment/activate — finish that enrolment; the token is used up."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaEnrollmentActivation, RecoveryCodes
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-enrollment-activate"))
logger = app.logger


@app.endpoint
def mfa_enrollment_activate(body: MfaEnrollmentActivation) -> RecoveryCodes:
    """Activate MFA with the enrolment token and a code; then log in again (with MFA)."""
    return mfa.activate_enrollment(body.mfa_token, body.code)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
