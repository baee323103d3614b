"""Seed 001's WebSocket protocol, one client message at a time (API.md "Real-time push").

A connection starts `pending`: its first message must be `auth` within the auth timeout (10 s). The token
is checked as the gateway's authorizer checks a bearer: signature and expiry (`shared.access_tokens`), the
claimed tenant must be the token's, the session must be alive (cache), permissions are re-read when the
user's epoch moved (rbac); then the tenant's connection quota (plan-based, `quotas`). Refusals answer
`auth_error` and close 4401 (quota: `error` and 4429). Anything unreadable answers `error` and the
connection stays: a client's mistake never closes it, except on authentication. `graphql_subscribe` and
`graphql_unsubscribe` (GraphQL subscriptions) are graphql_subscriptions.py's.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pydantic import TypeAdapter, ValidationError

from functions.cache.client import CacheClient, SessionRef
from functions.rbac.client import RbacClient
from functions.realtime import graphql_subscriptions, management, quotas, store
from functions.realtime.manifest import SERVICE
from functions.realtime.models import (
    MAX_FRAME_BYTES,
    AuthMessage,
    ClientMessage,
    GraphQLSubscribeMessage,
    GraphQLUnsubscribeMessage,
    Outcome,
    PingMessage,
    SocketEvent,
    SubscribeMessage,
)
from shared import access_tokens, permissions
from shared.config import settings
from shared.errors import InvalidToken, StratusError, TenantSuspended, UserSuspended
from shared.observability import logger

UNAUTHORIZED_CLOSE = 4401
QUOTA_CLOSE = 4429

cache = CacheClient(SERVICE)
rbac = RbacClient(SERVICE)
log = logger("realtime")
Message = AuthMessage | PingMessage | SubscribeMessage | GraphQLSubscribeMessage | GraphQLUnsubscribeMessage
_MESSAGE: TypeAdapter[Message] = TypeAdapter(ClientMessage)

# Why cache says a session is unusable → the code the client gets (the authorizer's mapping).
_SESSION_REFUSALS = {
    "user_suspended": UserSuspended.code,
    "tenant_suspended": TenantSuspended.code,
}


def connect(event: SocketEvent) -> Outcome:
    """Record the connection as pending; its `auth` message has `ws_auth_timeout_seconds` to come."""
    store.add_pending(event.connection_id, time.time() + settings().ws_auth_timeout_seconds)
    return Outcome()


def disconnect(event: SocketEvent) -> Outcome:
    store.remove(event.connection_id)
    return Outcome()


def sweep(now: float) -> int:
    """Close the pending connections past their deadline (the scheduled sweep: on AWS a connection that
    sends nothing is otherwise only closed by API Gateway's 10-minute idle timeout). → how many."""
    closed = 0
    for connection_id in store.overdue(now):
        refusal = _refuse("UNAUTHORIZED", "No auth message in time")
        management.send_all(connection_id, refusal.replies, refusal.close)  # False: gone already
        store.remove(connection_id)
        closed += 1
    return closed


def receive(event: SocketEvent) -> Outcome:
    connection = store.get(event.connection_id)
    if connection is None:  # gone meanwhile (closed, swept): nothing to answer
        return Outcome(close=1000)
    parsed = _parse(event.body)
    if isinstance(parsed, Outcome):
        return _after_deadline(connection) or parsed
    if not connection.open:
        if isinstance(parsed, AuthMessage):
            # A late auth is refused too: on AWS nothing closes the connection at the deadline itself.
            return _after_deadline(connection) or authenticate(event.connection_id, parsed)
        return _after_deadline(connection) or _error("UNAUTHORIZED", "Send an auth message first")
    if isinstance(parsed, AuthMessage):
        return _error("INVALID_REQUEST", "The connection is already authenticated")
    if isinstance(parsed, PingMessage):
        return Outcome(replies=[{"type": "pong", "timestamp": parsed.timestamp}])
    if isinstance(parsed, GraphQLSubscribeMessage | GraphQLUnsubscribeMessage):
        return graphql_subscriptions.receive(connection, parsed)
    return _channel(connection, parsed)


def authenticate(connection_id: str, message: AuthMessage) -> Outcome:
    try:
        claims = access_tokens.verify(message.token)
        if message.tenant_id != claims.tenant_id:
            return _refuse("FORBIDDEN", "The tenant is not the token's")
        try:
            session = SessionRef(tenant_id=claims.tenant_id, user_id=claims.sub, session_id=claims.sid)
        except ValidationError:
            raise InvalidToken("The access token names no valid session") from None
        state = cache.sessions_check(session)
        if not state.active:
            return _refuse(
                str(_SESSION_REFUSALS.get(state.reason or "", InvalidToken.code)), "The session has ended"
            )
        granted = claims.permissions
        if state.epoch != claims.epoch:
            granted = tuple(
                rbac.user_permissions_internal(claims.sub, tenant_id=claims.tenant_id).permissions
            )
        limit = quotas.max_connections(claims.tenant_id)  # tenants refuses a suspended tenant here too
    except StratusError as refusal:
        return _refuse(str(refusal.code), refusal.message)
    if store.count_open(claims.tenant_id) >= limit:
        reply = {
            "type": "error",
            "code": "TENANT_QUOTA_EXCEEDED",
            "message": f"The tenant has its {limit} connections open",
        }
        return Outcome(replies=[reply], close=QUOTA_CLOSE)
    if not store.open_connection(connection_id, claims.tenant_id, claims.sub, claims.sid, granted):
        return _refuse("UNAUTHORIZED", "The connection is no longer waiting for authentication")
    log.info("connection authenticated", tenant_id=claims.tenant_id, user_id=claims.sub)
    return Outcome(replies=[{"type": "auth_success", "userId": claims.sub, "tenantId": claims.tenant_id}])


def _channel(connection: store.Connection, message: SubscribeMessage) -> Outcome:
    if message.tenant_id is not None and message.tenant_id != connection.tenant_id:
        return _error(
            "FORBIDDEN", "Channels are those of the connection's own tenant", channel=message.channel
        )
    if message.type == "unsubscribe":
        store.unsubscribe(connection, message.channel)
        return Outcome(replies=[{"type": "unsubscribed", "channel": message.channel}])
    if not permissions.allows(connection.permissions, "realtime.subscribe"):
        return _error("PERMISSION_DENIED", "Requires realtime.subscribe", channel=message.channel)
    if not store.subscribe(connection, message.channel):
        return _error("INVALID_REQUEST", f"At most {store.MAX_CHANNELS} channels per connection")
    return Outcome(replies=[{"type": "subscribed", "channel": message.channel}])


def _parse(body: str | None) -> Message | Outcome:
    if body is None or len(body.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        return _error("INVALID_REQUEST", "A message is one JSON object of at most 32 KB")
    try:
        raw: Any = json.loads(body)
    except ValueError:
        return _error("INVALID_REQUEST", "A message is one JSON object")
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        return _error("INVALID_REQUEST", "A message is a JSON object with a `type`")
    try:
        return _MESSAGE.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "type"
        return _error("INVALID_REQUEST", f"{where}: {first['msg']}", field=where)


def _after_deadline(connection: store.Connection) -> Outcome | None:
    if connection.open or time.time() <= connection.deadline:
        return None
    return _refuse("UNAUTHORIZED", "No auth message in time")


def _refuse(code: str, message: str) -> Outcome:
    return Outcome(
        replies=[{"type": "auth_error", "code": code, "message": message}], close=UNAUTHORIZED_CLOSE
    )


def _error(code: str, message: str, **extra: Any) -> Outcome:
    return Outcome(replies=[{"type": "error", "code": code, "message": message, **extra}])
