"""POST /api/v1/auth/mfa/enrollment — enrol with the token of a login refused for lack of MFA."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaEnrollment, MfaEnrollmentBody
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-enrollment"))
logger = app.logger


@app.endpoint
def mfa_enrollment(body: MfaEnrollmentBody) -> MfaEnrollment:
    """Start MFA enrolment with the mfaToken of a 403 MFA_ENROLLMENT_REQUIRED login."""
    tenant_id, challenge = mfa.open_challenge(body.mfa_token, "enroll")
    return mfa.enroll(tenant_id, challenge.user_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
