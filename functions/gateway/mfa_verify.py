"""POST /api/v1/auth/mfa/verify — the second step of a login with MFA: the mfaToken and a code → tokens."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import mfa_flow
from functions.gateway.manifest import SERVICE
from functions.gateway.mfa_models import MfaVerifyBody
from functions.gateway.models import TokenPair
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mfa-verify"))
logger = app.logger


@app.endpoint
def mfa_verify(body: MfaVerifyBody) -> TokenPair:
    """Finish a login that answered 401 MFA_REQUIRED: a TOTP code or a recovery code, once each."""
    return mfa_flow.verify(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
