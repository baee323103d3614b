"""Calling the cache's functions the way a caller service does: through the Lambda handler, with a
service token whose audience is `cache`."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from shared import aws
from shared.adapters.lambda_events import LocalContext, http_event
from shared.config import settings
from tests.kit import service_token_for

CTX = LocalContext("cache-test")
TENANT = "acme"
OTHER_TENANT = "globex"
USER = "u_alice"


_GATEWAY = object()  # the default caller: gateway, with a token for cache


def call(module: ModuleType, body: Any, *, token: object = _GATEWAY) -> tuple[int, dict[str, Any]]:
    """POST `body` to the module's route with `token` (None: no token); returns (status, envelope)."""
    route = module.app.declared
    headers = {"content-type": "application/json"}
    if token is _GATEWAY:
        token = service_token_for("gateway", "cache")
    if isinstance(token, str):
        headers["x-service-token"] = token
    event = http_event(route.method, route.path, route=route, headers=headers, body=json.dumps(body))
    result = module.handler(event, CTX)
    return result["statusCode"], json.loads(result["body"])


def data(module: ModuleType, body: Any) -> dict[str, Any]:
    """The `data` of a call that must succeed."""
    status, envelope = call(module, body)
    assert envelope["success"] is True, envelope
    assert status == module.app.declared.status
    result: dict[str, Any] = envelope["data"]
    return result


def error(module: ModuleType, body: Any, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """(status, error) of a call that must fail."""
    status, envelope = call(module, body, **kwargs)
    assert envelope["success"] is False, envelope
    return status, envelope["error"]


def raw_item(pk: str, sk: str) -> dict[str, Any] | None:
    found = aws.client("dynamodb").get_item(
        TableName=settings().table_name("sessions"),
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        ConsistentRead=True,
    )
    item: dict[str, Any] | None = found.get("Item")
    return item


def session_pk(tenant: str, session_id: str) -> str:
    return f"TENANT#{tenant}#SESSION#{session_id}"


def set_expires_at(tenant: str, session_id: str, when: int) -> None:
    """Move a session's expiry directly in the table (TTL has not deleted it: emulators never do)."""
    aws.client("dynamodb").update_item(
        TableName=settings().table_name("sessions"),
        Key={"pk": {"S": session_pk(tenant, session_id)}, "sk": {"S": "SESSION"}},
        UpdateExpression="SET expiresAt = :when",
        ExpressionAttributeValues={":when": {"N": str(when)}},
    )
