"""GraphQL subscriptions in the `realtime` table (store.py lists the items): one row per subscription under
its topic — `user:<userId>` (the user's own pushes: notifications) or `channel:<channel>` (a channel of
the tenant) — in the connection's tenant, so a push reads only its own tenant's subscribers; and its name
on the connection item, so a disconnect (store.remove) deletes the row too.

The writes follow store.subscribe's order: the connection item first (conditional: open, under the
limit), then the row — a crash between leaves a name without a row, which nothing reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from functions.realtime import store
from shared.tables import tenant_key

MAX_SUBSCRIPTIONS = 20  # per connection


@dataclass(frozen=True)
class Subscriber:
    connection_id: str
    sub_id: str
    user_id: str
    field: str
    query: str
    variables: dict[str, Any]
    arguments: dict[str, Any]  # the root field's, coerced when it subscribed (a filter: appMessage's type)


def user_topic(user_id: str) -> str:
    return f"user:{user_id}"


def channel_topic(channel: str) -> str:
    return f"channel:{channel}"


def add(
    connection: store.Connection,
    sub_id: str,
    topic: str,
    field: str,
    query: str,
    variables: dict[str, Any],
    arguments: dict[str, Any],
) -> bool:
    """False when the connection is gone meanwhile or holds MAX_SUBSCRIPTIONS already."""
    assert connection.tenant_id
    assert connection.user_id
    entry = f"{sub_id} {topic}"
    update: Any = {
        "TableName": store._table(),
        "Key": store._conn_key(connection.connection_id),
        "UpdateExpression": "ADD #graphql :g",
        "ConditionExpression": "#status = :open "
        "AND (attribute_not_exists(#graphql) OR size(#graphql) < :max)",
        "ExpressionAttributeNames": {"#status": "status", "#graphql": "graphql"},
        "ExpressionAttributeValues": {
            ":g": {"SS": [entry]},
            ":open": {"S": "open"},
            ":max": {"N": str(MAX_SUBSCRIPTIONS)},
        },
    }
    if not store._conditional_update(update):
        return False
    row = {
        **store.graphql_key(connection.tenant_id, entry, connection.connection_id),
        "userId": {"S": connection.user_id},
        "field": {"S": field},
        "query": {"S": query},
        "variables": {"S": json.dumps(variables, separators=(",", ":"))},
        "arguments": {"S": json.dumps(arguments, separators=(",", ":"))},
        "expiresAt": store._expires(),
    }
    store._db().put_item(TableName=store._table(), Item=row)
    return True


def remove(connection: store.Connection, entry: str) -> None:
    assert connection.tenant_id
    store._db().update_item(
        TableName=store._table(),
        Key=store._conn_key(connection.connection_id),
        UpdateExpression="DELETE #graphql :g",
        ExpressionAttributeNames={"#graphql": "graphql"},
        ExpressionAttributeValues={":g": {"SS": [entry]}},
    )
    store._db().delete_item(
        TableName=store._table(), Key=store.graphql_key(connection.tenant_id, entry, connection.connection_id)
    )


def subscribers(tenant_id: str, topic: str) -> list[Subscriber]:
    """The live subscriptions of one topic of one tenant (one Query)."""
    found = []
    for item in store._query(tenant_key(tenant_id, "GQL", topic), None):
        connection_id, sub_id = item["sk"]["S"].rsplit("#", 1)
        found.append(
            Subscriber(
                connection_id=connection_id,
                sub_id=sub_id,
                user_id=item["userId"]["S"],
                field=item["field"]["S"],
                query=item["query"]["S"],
                variables=json.loads(item["variables"]["S"]),
                arguments=json.loads(item.get("arguments", {}).get("S", "{}")),
            )
        )
    return found
