"""POST /internal/users/email-verification-issue — a verification link for an unverified user."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import recovery
from functions.users.identity_models import LinkRequest, LinkTicket
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("email-verification-issue"))
logger = app.logger


@app.endpoint
def email_verification_issue(body: LinkRequest) -> LinkTicket:
    """A verification token for the address's user; `issued` false if unknown or already verified."""
    return recovery.issue_verification(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
