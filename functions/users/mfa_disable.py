"""POST /api/v1/auth/mfa/disable — a valid code (TOTP or recovery) turns MFA off."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaCode
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-disable"))
logger = app.logger


@app.endpoint
def mfa_disable(body: MfaCode) -> Response[None]:
    """Turn MFA off (a code is required; wrong ones count towards this session's lockout)."""
    user = require().require_user()
    mfa.disable(user.tenant_id, user.user_id, body.code, source=f"session:{user.session_id}")
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
