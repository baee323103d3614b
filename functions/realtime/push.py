"""Who gets a push, and the push: a tenant's channel, a user's connections, the end of sessions.

Every audience is read inside one tenant's partitions (store), so nothing a tenant publishes can reach
another's connections. A connection that answers 410 Gone is deleted on the spot (its rows, its
subscriptions): the table never keeps what API Gateway has forgotten.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from functions.realtime import graphql_subscriptions, management, store
from functions.realtime.models import RESERVED_TYPES, Published, PublishRequest
from shared import permissions
from shared.context import UserContext
from shared.errors import InvalidRequest
from shared.observability import logger

SESSION_ENDED_CLOSE = 1000

log = logger("realtime")


def publish(user: UserContext, request: PublishRequest) -> Published:
    """POST /api/v1/realtime/publish: to the caller's own tenant's channel (realtime.publish)."""
    permissions.require(user, "realtime.publish")
    if request.type in RESERVED_TYPES:
        raise InvalidRequest(f"The type {request.type!r} is the platform's own", field="type")
    delivery = to_channel(user.tenant_id, request.channel, request.type, request.data)
    return Published(
        channel=request.channel, type=request.type, delivered=delivery.delivered, gone=len(delivery.gone)
    )


def to_channel(tenant_id: str, channel: str, message_type: str, data: dict[str, Any]) -> management.Delivery:
    message = {
        "type": message_type,
        "channel": channel,
        "data": data,
        "tenantId": tenant_id,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    delivery = _deliver(store.channel_connections(tenant_id, channel), message)
    delivery.delivered += graphql_subscriptions.on_channel(tenant_id, channel, message)  # GraphQL's too
    return delivery


def to_user(tenant_id: str, user_id: str, message: dict[str, Any]) -> management.Delivery:
    return _deliver([cid for cid, _session in store.user_connections(tenant_id, user_id)], message)


def to_users(tenant_id: str, user_ids: list[str], message_type: str, data: dict[str, Any]) -> int:
    """An app's push (`realtime.push_requested`) to named users of one tenant: `{type, data, tenantId,
    timestamp}` to each one's connections. The platform's own types are refused (logged, nothing sent).
    → how many connections got it."""
    if message_type in RESERVED_TYPES:
        log.warning("push refused: a platform message type", tenant_id=tenant_id, type=message_type)
        return 0
    message = {"type": message_type, "data": data, "tenantId": tenant_id, "timestamp": _now()}
    return sum(
        to_user(tenant_id, user_id, message).delivered
        + graphql_subscriptions.on_app_message(tenant_id, user_id, message)  # GraphQL's `appMessage`
        for user_id in dict.fromkeys(user_ids)
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def end_sessions(tenant_id: str, user_id: str | None = None, session_id: str | None = None) -> int:
    """`session_ended`, then close: a session's connections, a user's, or (no user) the tenant's."""
    if user_id is None:
        targets = store.tenant_connections(tenant_id)
    else:
        found = store.user_connections(tenant_id, user_id)
        targets = [cid for cid, session in found if session_id is None or session == session_id]
    for connection_id in targets:
        management.send_all(connection_id, [{"type": "session_ended"}], close_code=SESSION_ENDED_CLOSE)
        store.remove(connection_id)  # $disconnect does it too; whichever comes second finds nothing
    if targets:
        log.info("sessions ended", tenant_id=tenant_id, user_id=user_id, connections=len(targets))
    return len(targets)


def _deliver(connection_ids: list[str], message: dict[str, Any]) -> management.Delivery:
    delivery = management.fan_out(connection_ids, message)
    for gone in delivery.gone:
        store.remove(gone)
    return delivery
