"""POST /api/v1/graphql — a GraphQL read query over the platform, answered as GraphQL over HTTP answers
(`{data, errors}`, not the envelope; functions/graphql/engine.py). A request without a credential never
gets here: the authorizer's 401 envelope answers it, as on every user route."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.graphql import engine
from functions.graphql.manifest import SERVICE
from functions.graphql.models import GraphQLRequest
from functions.graphql.platform import platform
from shared.context import require
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("query"))
logger = app.logger


@app.endpoint
def query(body: GraphQLRequest) -> Response[str]:
    """Run `query` with `variables` for the caller's tenant: depth ≤ 8, ≤ 15 aliases, cost ≤ 5000."""
    answer = engine.run(body, require().require_user(), platform())
    return Response(
        status_code=answer.status,
        content_type=JSON,
        body=json.dumps(answer.body, separators=(",", ":")),
        headers={"Cache-Control": "no-store"},
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
