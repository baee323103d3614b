"""GraphQL subscriptions over the WebSocket (docs/realtime.md, "GraphQL subscriptions"; the schema is
subscriptions.graphql, published with the read API's in docs/graphql.schema.graphql).

On an authenticated connection the client sends `{"type":"graphql_subscribe","id","query","variables"?}`.
The document gets the read API's checks (shared.graphql_limits: tokens, depth, aliases, cost; the spec's
validation: one root field of `Subscription`), then the field's own, as the channel `subscribe` has them:
the tenant is the connection's (no argument names one; a `tenantId` other than the connection's is
FORBIDDEN), `channelMessage` needs `realtime.subscribe`, `notificationCreated` reads only the caller's own.
The answer is `graphql_subscribed`, or `graphql_error` with `errors[{message, extensions.code}]` — the
connection stays. Each event then comes as `{"type":"graphql_next","id","payload":{"data":{...}}}`: the
document executed over the event (`on_channel`, `on_notification`, called where the plain pushes go out).

graphql-core is imported only when a document is read or an event is shaped: a connection that never
subscribes this way does not pay for it at cold start."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from functions.realtime import graphql_store, management, store
from functions.realtime.models import (
    CHANNEL_PATTERN,
    GraphQLSubscribeMessage,
    GraphQLUnsubscribeMessage,
    Outcome,
)
from shared import permissions
from shared.errors import ErrorCode, StratusError
from shared.observability import logger

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLError, GraphQLSchema

SCHEMA_FILE = Path(__file__).with_name("subscriptions.graphql")
# Each root field: its topic (whose pushes it sees) and the permission it needs.
NOTIFICATION_CREATED, CHANNEL_MESSAGE, APP_MESSAGE = "notificationCreated", "channelMessage", "appMessage"
FIELD_PERMISSIONS = {CHANNEL_MESSAGE: "realtime.subscribe"}
MAX_VALIDATION_ERRORS = 20

log = logger("realtime")


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@cache
def schema() -> GraphQLSchema:
    """subscriptions.graphql alone (a subscription-only schema: no query type, so it is built as valid
    as written; the published schema, which stratus openapi builds and checks, holds it with the rest)."""
    from graphql import build_schema

    text = "scalar JSON\nschema { subscription: Subscription }\n" + SCHEMA_FILE.read_text(encoding="utf-8")
    return build_schema(text, assume_valid=True)


def receive(
    connection: store.Connection, message: GraphQLSubscribeMessage | GraphQLUnsubscribeMessage
) -> Outcome:
    if isinstance(message, GraphQLUnsubscribeMessage):
        for entry in connection.graphql:
            if entry.split(" ", 1)[0] == message.id:
                graphql_store.remove(connection, entry)
        return Outcome(replies=[{"type": "graphql_unsubscribed", "id": message.id}])
    try:
        _subscribe(connection, message)
    except Refused as refusal:
        return Outcome(replies=[error(message.id, refusal.code, refusal.message)])
    return Outcome(replies=[{"type": "graphql_subscribed", "id": message.id}])


def error(sub_id: str, code: str, message: str) -> dict[str, Any]:
    return {
        "type": "graphql_error",
        "id": sub_id,
        "errors": [{"message": message, "extensions": {"code": code}}],
    }


def _subscribe(connection: store.Connection, message: GraphQLSubscribeMessage) -> None:
    if message.tenant_id is not None and message.tenant_id != connection.tenant_id:
        raise Refused("FORBIDDEN", "Subscriptions are those of the connection's own tenant")
    if any(entry.split(" ", 1)[0] == message.id for entry in connection.graphql):
        raise Refused("INVALID_REQUEST", f"The id {message.id!r} is already subscribed on this connection")
    field, arguments = compile_subscription(message.query, message.variables or {}, message.operation_name)
    needed = FIELD_PERMISSIONS.get(field)
    if needed and not permissions.allows(connection.permissions, needed):
        raise Refused("PERMISSION_DENIED", f"Requires {needed}")
    if field == CHANNEL_MESSAGE:
        channel = str(arguments["channel"])
        if not re.fullmatch(CHANNEL_PATTERN, channel):
            raise Refused(
                "INVALID_REQUEST", "channel: not a channel name ([A-Za-z0-9][A-Za-z0-9_.:/-]{0,63})"
            )
        topic = graphql_store.channel_topic(channel)
    else:
        assert connection.user_id
        topic = graphql_store.user_topic(connection.user_id)
    variables = message.variables or {}
    if not graphql_store.add(connection, message.id, topic, field, message.query, variables, arguments):
        raise Refused(
            "INVALID_REQUEST", f"At most {graphql_store.MAX_SUBSCRIPTIONS} subscriptions per connection"
        )


def compile_subscription(
    query: str, variables: dict[str, Any], operation_name: str | None
) -> tuple[str, dict[str, Any]]:
    """The document's root field and its arguments, or Refused (INVALID_REQUEST, with GraphQL's message)."""
    from graphql import FieldNode, GraphQLError, OperationType, get_operation_ast, parse, validate
    from graphql.execution.values import get_argument_values, get_variable_values

    from shared import graphql_limits  # graphql-core: loaded here, not at the function's cold start

    try:
        document = parse(query, max_tokens=graphql_limits.MAX_TOKENS)
        graphql_limits.check_shape(document)
    except GraphQLError as exc:
        raise Refused(str(ErrorCode.INVALID_REQUEST), exc.message) from None
    except StratusError as exc:
        raise Refused(str(exc.code), exc.message) from None
    invalid = validate(schema(), document, max_errors=MAX_VALIDATION_ERRORS)
    if invalid:
        raise Refused(str(ErrorCode.INVALID_REQUEST), _joined(invalid))
    try:
        graphql_limits.check_cost(document, variables)
    except StratusError as exc:
        raise Refused(str(exc.code), exc.message) from None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        raise Refused(
            str(ErrorCode.INVALID_REQUEST),
            "Send one subscription operation here (queries are POST /api/v1/graphql); name it if several",
        )
    [root] = operation.selection_set.selections  # the spec's rule: one root field (validated)
    if not isinstance(root, FieldNode):
        raise Refused(str(ErrorCode.INVALID_REQUEST), "Select the subscription field itself, not a fragment")
    coerced = get_variable_values(schema(), operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        raise Refused(str(ErrorCode.INVALID_REQUEST), _joined(coerced))
    subscription = schema().subscription_type
    assert subscription is not None
    name = root.name.value
    return name, get_argument_values(subscription.fields[name], root, coerced)


def _joined(errors: Iterable[GraphQLError]) -> str:
    return "; ".join(e.message for e in errors)


# --- pushes ------------------------------------------------------------------------------------------------
def on_channel(tenant_id: str, channel: str, message: dict[str, Any]) -> int:
    """A message went out on a channel: to its GraphQL subscribers too. → how many got it."""
    return _deliver(
        graphql_store.subscribers(tenant_id, graphql_store.channel_topic(channel)), CHANNEL_MESSAGE, message
    )


def on_notification(tenant_id: str, user_id: str, item: dict[str, Any]) -> int:
    """A user's new inbox item: to that user's `notificationCreated` subscriptions."""
    found = graphql_store.subscribers(tenant_id, graphql_store.user_topic(user_id))
    return _deliver([s for s in found if s.user_id == user_id], NOTIFICATION_CREATED, item)


def on_app_message(tenant_id: str, user_id: str, message: dict[str, Any]) -> int:
    """An app's push to a user (`realtime.push_requested`): to that user's `appMessage` subscriptions of
    its type (or of every type)."""
    found = graphql_store.subscribers(tenant_id, graphql_store.user_topic(user_id))
    wanted = [
        s for s in found if s.user_id == user_id and s.arguments.get("type") in (None, message.get("type"))
    ]
    return _deliver(wanted, APP_MESSAGE, message)


def _deliver(subscribers: list[graphql_store.Subscriber], field: str, event: dict[str, Any]) -> int:
    delivered = 0
    for sub in subscribers:
        if sub.field != field:
            continue
        message = {
            "type": "graphql_next",
            "id": sub.sub_id,
            "payload": shaped(sub.query, sub.variables, field, event),
        }
        try:
            if management.post(sub.connection_id, management.encode(message)):
                delivered += 1
            else:  # gone: its rows go now, as a plain push's do
                store.remove(sub.connection_id)
        except Exception:  # one connection's failure is not the others'
            log.warning("graphql push failed", connection_id=sub.connection_id, exc_info=True)
    return delivered


def shaped(query: str, variables: dict[str, Any], field: str, event: dict[str, Any]) -> dict[str, Any]:
    """The subscription's document executed over one event: `{data}` (and `errors`, never expected: the
    document was validated when it subscribed)."""
    from graphql import execute

    result = execute(schema(), _parsed(query), root_value={field: event}, variable_values=variables)
    assert not hasattr(result, "__await__")
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [
            {"message": e.message, "extensions": {"code": "INTERNAL_ERROR"}} for e in result.errors
        ]
    safe: dict[str, Any] = json.loads(json.dumps(payload, default=str))
    return safe


@lru_cache(maxsize=256)
def _parsed(query: str) -> DocumentNode:
    from graphql import parse

    return parse(query)
