"""POST /internal/permissions/check — whether a user holds `resource.action`."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import CheckRequest, CheckResult
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("check"))
logger = app.logger


@app.endpoint
def check(body: CheckRequest) -> CheckResult:
    """Match `resource.action` against the user's effective permissions (wildcards included)."""
    return assignments.check(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
