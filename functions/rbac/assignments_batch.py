"""POST /internal/roles/assignments — the roles and permissions of up to 100 users of the acting user's
tenant in one call (the GraphQL read API's loader; self, or user.read, for each)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import listing
from functions.rbac.listing_models import Assignments, AssignmentsRequest
from functions.rbac.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("assignments-batch"))
logger = app.logger


@app.endpoint
def assignments_batch(body: AssignmentsRequest) -> Assignments:
    """Each known user's roles and effective permissions, as `GET /api/v1/users/{userId}/permissions`."""
    return listing.assignments_of(body.user_ids)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
