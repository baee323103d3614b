"""The HTTP API's Lambda authorizer (payload 2.0, simple responses) for every protected route.

It always lets the request through to the function, with either the verified user (`userContext`) or the
refusal (`errorCode`, `errorMessage`, `retryAfter`): API Gateway cannot put a body on an authorizer's
denial, and clients are owed seed 000's exact error. `HttpApp` refuses before any handler code runs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerEventV2,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway.authorization import authorize
from functions.gateway.manifest import SERVICE
from shared import context as request_context
from shared.context import RequestContext
from shared.errors import StratusError
from shared.observability import logger as service_logger

FUNCTION = SERVICE.function("authorizer")
logger = service_logger(FUNCTION.service)


def decide(event: APIGatewayAuthorizerEventV2) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    ctx = RequestContext.from_headers(
        headers,
        service=FUNCTION.service,
        source_ip=event.request_context.http.source_ip,
        user_agent=event.request_context.http.user_agent,
    )
    with request_context.bound(ctx):
        try:
            user = authorize(headers, event.raw_path)
        except StratusError as refusal:
            logger.info("refused", code=str(refusal.code), path=event.raw_path, request_id=ctx.request_id)
            context = {"errorCode": str(refusal.code), "errorMessage": refusal.message}
            if "Retry-After" in refusal.headers:
                context["retryAfter"] = refusal.headers["Retry-After"]
            return {"isAuthorized": True, "context": context}
    return {"isAuthorized": True, "context": {"userContext": user.to_header(), "tenantId": user.tenant_id}}


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return decide(APIGatewayAuthorizerEventV2(event))
