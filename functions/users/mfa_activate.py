"""POST /api/v1/auth/mfa/activate — a first code proves the enrolled secret; MFA is on."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import mfa
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaCode, RecoveryCodes
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-activate"))
logger = app.logger


@app.endpoint
def mfa_activate(body: MfaCode) -> RecoveryCodes:
    """Activate MFA with a code from the app: 10 single-use recovery codes, shown once."""
    user = require().require_user()
    return mfa.activate(user.tenant_id, user.user_id, body.code)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
