"""POST /internal/roles/grant-check — may a user hand out these roles (an invitation's privilege guard)?"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import grants
from functions.rbac.manifest import SERVICE
from functions.rbac.models import GrantCheck, GrantChecked
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("grant-check"))
logger = app.logger


@app.endpoint
def grant_check(body: GrantCheck) -> GrantChecked:
    """The roles' permissions, if the granter holds them all (else 403 INSUFFICIENT_PERMISSIONS)."""
    return grants.grant_check(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
