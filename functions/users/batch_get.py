"""POST /internal/users/batch — the users of the acting user's tenant among up to 100 ids, in one call
(the GraphQL read API's user loader)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import lookups
from functions.users.listing_models import UserBatch, UserIds
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("batch-get"))
logger = app.logger


@app.endpoint
def batch_get(body: UserIds) -> UserBatch:
    """The known users among `userIds` (user.read unless the only id is the caller's own)."""
    return lookups.batch(body.user_ids)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
