"""The realtime wire: what a client sends over the WebSocket (seed 001's protocol, API.md "Real-time
push"), what the WebSocket functions are handed and answer, and the publish route's bodies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr

from shared.models import CamelBody, CamelModel

# A channel is a name inside the caller's tenant: no `#` (it is part of a key), nothing invisible.
CHANNEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$"
MESSAGE_TYPE_PATTERN = r"^[a-z][a-z0-9_.-]{0,63}$"
Channel = Annotated[str, Field(pattern=CHANNEL_PATTERN, min_length=1, max_length=64)]
# API Gateway's limit on a WebSocket frame; the local server refuses bigger frames the same way (1009).
MAX_FRAME_BYTES = 32 * 1024
# Message types the platform itself sends: a publisher may not impersonate them.
RESERVED_TYPES = frozenset(
    {
        "auth",
        "auth_success",
        "auth_error",
        "ping",
        "pong",
        "subscribe",
        "subscribed",
        "unsubscribe",
        "unsubscribed",
        "error",
        "notification",
        "session_ended",
        # GraphQL subscriptions over the socket (graphql_subscriptions.py)
        "graphql_subscribe",
        "graphql_subscribed",
        "graphql_unsubscribe",
        "graphql_unsubscribed",
        "graphql_next",
        "graphql_error",
    }
)
# A GraphQL subscription's id: the client's own name for it on its connection.
SUBSCRIPTION_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
MAX_DOCUMENT_CHARS = 8_000


class _In(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


# --- client → server -----------------------------------------------------------------------------------
class AuthMessage(_In):
    type: Literal["auth"]
    token: StrictStr = Field(min_length=1, max_length=8192)
    tenant_id: StrictStr = Field(alias="tenantId", min_length=1, max_length=64)


class PingMessage(_In):
    type: Literal["ping"]
    timestamp: StrictInt | float | None = None


class SubscribeMessage(_In):
    type: Literal["subscribe", "unsubscribe"]
    channel: Channel
    # A client may name the tenant; it must be the connection's own (the tenant is never chosen by a body).
    tenant_id: StrictStr | None = Field(default=None, alias="tenantId", max_length=64)


class GraphQLSubscribeMessage(_In):
    """`{"type":"graphql_subscribe","id","query","variables"?,"operationName"?}`: a GraphQL subscription
    document (docs/realtime.md); its events come as `graphql_next` with this id."""

    type: Literal["graphql_subscribe"]
    id: str = Field(pattern=SUBSCRIPTION_ID_PATTERN)
    query: StrictStr = Field(min_length=1, max_length=MAX_DOCUMENT_CHARS)
    variables: dict[str, Any] | None = None
    operation_name: StrictStr | None = Field(default=None, alias="operationName", max_length=128)
    tenant_id: StrictStr | None = Field(default=None, alias="tenantId", max_length=64)


class GraphQLUnsubscribeMessage(_In):
    type: Literal["graphql_unsubscribe"]
    id: str = Field(pattern=SUBSCRIPTION_ID_PATTERN)


ClientMessage = Annotated[
    AuthMessage | PingMessage | SubscribeMessage | GraphQLSubscribeMessage | GraphQLUnsubscribeMessage,
    Field(discriminator="type"),
]


# --- what a WebSocket function is handed and answers -----------------------------------------------------
class SocketEvent(_Out):
    """One API Gateway WebSocket event, as the functions see it."""

    route: Literal["$connect", "$disconnect", "$default"]
    connection_id: str
    request_id: str
    body: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None


class Outcome(_Out):
    """What to send back on the connection (in order), and whether to close it after (with the close code
    API.md names; API Gateway's DeleteConnection closes without one)."""

    replies: list[dict[str, Any]] = Field(default_factory=list)
    close: int | None = None
    status: int = 200  # $connect only: anything else refuses the handshake


# --- the publish route ---------------------------------------------------------------------------------
class PublishRequest(_In):
    channel: Channel
    type: str = Field(pattern=MESSAGE_TYPE_PATTERN, min_length=1, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict)


class Published(_Out):
    channel: str
    type: str
    delivered: int
    gone: int = 0
