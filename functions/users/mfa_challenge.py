"""POST /internal/users/{userId}/mfa-challenge — an enrolment token for an admin whose tenant requires MFA."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaChallenge, MfaChallengeRequest
from functions.users.reads import find
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-challenge"))
logger = app.logger


@app.endpoint
def mfa_challenge(userId: str, body: MfaChallengeRequest) -> MfaChallenge:
    """A 5-minute, single-use token that lets the user enrol MFA without a session."""
    find(body.tenant_id, userId)
    return mfa.new_challenge(body.tenant_id, userId, body.purpose)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
