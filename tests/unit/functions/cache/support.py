"""Calling the cache's functions the way a caller service does: through the Lambda handler, with a
service token whose audience is `cache`."""

from __future__ import annotations

import json
from dataclasses import replace
from types import ModuleType
from typing import Any

from functions.cache import ports
from functions.cache.models import new_secret, new_session_id
from functions.cache.ports import Principal
from shared import aws
from shared.adapters.lambda_events import LocalContext, http_event
from shared.config import settings
from tests.kit import service_token_for
from tests.unit.functions.cache.fakes import FakeSessionsStore, StoredSession

CTX = LocalContext("cache-test")
TENANT = "acme"
OTHER_TENANT = "globex"
USER = "u_alice"


_GATEWAY = object()  # the default caller: gateway, with a token for cache


def session_body(tenant: str = TENANT, user: str = USER, **extra: Any) -> dict[str, Any]:
    """A sessions-create body as the gateway sends it: the caller names the session and its secret."""
    return {
        "tenantId": tenant,
        "userId": user,
        "sessionId": new_session_id(),
        "refreshSecret": new_secret(),
        **extra,
    }


def rotate_body(token: str) -> dict[str, Any]:
    """A sessions-rotate body as the gateway sends it: a next secret of its own for each rotation."""
    return {"refreshToken": token, "nextSecret": new_secret()}


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
    """An item as the table holds it (tests on moto: `dynamodb`, MOTO_MODULES)."""
    found = aws.client("dynamodb").get_item(
        TableName=settings().table_name("sessions"),
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        ConsistentRead=True,
    )
    item: dict[str, Any] | None = found.get("Item")
    return item


def stored_session(tenant: str, session_id: str) -> StoredSession | None:
    """The session as the store holds it (with what only the table keeps: created at, ip, agent)."""
    return _store().sessions.get((tenant, session_id))


def stored_principal(pk: str) -> Principal | None:
    return _store().principals.get(pk)


def set_expires_at(tenant: str, session_id: str, when: int) -> None:
    """Move a session's expiry directly in the store (TTL has not deleted it: emulators never do)."""
    fake = _store()
    found = fake.sessions[(tenant, session_id)]
    fake.sessions[(tenant, session_id)] = replace(found, record=replace(found.record, expires_at=when))


def _store() -> FakeSessionsStore:
    fake = ports.store()
    assert isinstance(fake, FakeSessionsStore), "domain tests run on the in-memory store"
    return fake
