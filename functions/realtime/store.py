"""The `realtime` table. Items (pk / sk: attributes), every one with a TTL (`expiresAt`):

- connection — `CONN#<connectionId>` / `CONN`: status (`pending` | `open`), deadline (epoch s, for the
  auth), tenantId, userId, sessionId, permissions, channels (a string set); a pending one is also on gsi1
  `PENDING` / `<deadline>` (the sweep). Keyed by the connection id because API Gateway hands the functions
  nothing else — and before its `auth` message a connection has no tenant.
- membership — `TENANT#<t>#CONNS` / `USER#<userId>#<connectionId>`: sessionId. A user's connections are
  one Query (begins_with), a tenant's the whole partition (its count is the quota's).
- subscription — `TENANT#<t>#CHANNEL#<channel>` / `<connectionId>`: userId. A channel is always inside a
  tenant: the same name in two tenants is two partitions.
- GraphQL subscription — `TENANT#<t>#GQL#<topic>` / `<connectionId>#<id>`: userId, field, query,
  variables (graphql_store.py); the connection item names each as `<id> <topic>` in `graphql`, so that a
  disconnect finds them.

The TTL is API Gateway's longest connection (2 h) and a margin: a connection whose $disconnect never came
(a crash) leaves nothing forever; reads skip expired items, as DynamoDB deletes them late.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared import aws, tables
from shared.config import settings
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "realtime"
LIFETIME_SECONDS = 2 * 3600 + 600
MAX_CHANNELS = 50  # per connection


@dataclass(frozen=True)
class Connection:
    connection_id: str
    status: str
    deadline: float
    tenant_id: str | None = None
    user_id: str | None = None
    session_id: str | None = None
    permissions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    graphql: tuple[str, ...] = ()  # `<id> <topic>` of its GraphQL subscriptions (graphql_store.py)

    @property
    def open(self) -> bool:
        return self.status == "open"


def _table() -> str:
    return settings().table_name(TABLE)


def _db() -> Any:
    return aws.client("dynamodb")


def _conn_key(connection_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CONN#{connection_id}"}, "sk": {"S": "CONN"}}


def _members_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "CONNS")


def _member_key(tenant_id: str, user_id: str, connection_id: str) -> dict[str, Any]:
    return {"pk": {"S": _members_pk(tenant_id)}, "sk": {"S": f"USER#{user_id}#{connection_id}"}}


def _channel_key(tenant_id: str, channel: str, connection_id: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id, "CHANNEL", channel)}, "sk": {"S": connection_id}}


def graphql_key(tenant_id: str, entry: str, connection_id: str) -> dict[str, Any]:
    """The row of a GraphQL subscription named `<id> <topic>` on the connection item."""
    sub_id, topic = entry.split(" ", 1)
    return {"pk": {"S": tenant_key(tenant_id, "GQL", topic)}, "sk": {"S": f"{connection_id}#{sub_id}"}}


def _expires() -> dict[str, str]:
    return {"N": str(int(time.time() + LIFETIME_SECONDS))}


def _now() -> dict[str, str]:
    return {"N": str(int(time.time()))}


# --- a connection's life -----------------------------------------------------------------------------------
def add_pending(connection_id: str, deadline: float) -> None:
    item = {
        **_conn_key(connection_id),
        "status": {"S": "pending"},
        "deadline": {"N": f"{deadline:.3f}"},
        "gsi1pk": {"S": "PENDING"},
        "gsi1sk": {"S": f"{deadline:015.3f}#{connection_id}"},
        "expiresAt": _expires(),
    }
    _db().put_item(TableName=_table(), Item=item)


def get(connection_id: str) -> Connection | None:
    raw = _db().get_item(TableName=_table(), Key=_conn_key(connection_id), ConsistentRead=True).get("Item")
    if raw is None or int(raw["expiresAt"]["N"]) <= time.time():
        return None
    return Connection(
        connection_id=connection_id,
        status=raw["status"]["S"],
        deadline=float(raw["deadline"]["N"]),
        tenant_id=raw.get("tenantId", {}).get("S"),
        user_id=raw.get("userId", {}).get("S"),
        session_id=raw.get("sessionId", {}).get("S"),
        permissions=tuple(raw.get("permissions", {}).get("SS", ())),
        channels=tuple(sorted(raw.get("channels", {}).get("SS", ()))),
        graphql=tuple(sorted(raw.get("graphql", {}).get("SS", ()))),
    )


def count_open(tenant_id: str) -> int:
    """The tenant's live connections (one Query over its membership partition, expired rows left out)."""
    total = 0
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk",
        "FilterExpression": "expiresAt > :now",
        "ExpressionAttributeValues": {":pk": {"S": _members_pk(tenant_id)}, ":now": _now()},
        "Select": "COUNT",
        "ConsistentRead": True,
    }
    while True:
        page = _db().query(**request)
        total += int(page.get("Count", 0))
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def open_connection(
    connection_id: str, tenant_id: str, user_id: str, session_id: str, permissions: tuple[str, ...]
) -> bool:
    """pending → open (conditional), then the membership row; False when the connection is no longer
    pending (closed meanwhile, or a second auth). Two writes, not a transaction, on purpose: the
    connection item decides, and a crash between them leaves an open connection without its membership
    (it misses its user's pushes until it reconnects), never a membership without a connection — and the
    writes cost the same whatever the table's size (moto copies a table for every transaction)."""
    update: Any = {
        "TableName": _table(),
        "Key": _conn_key(connection_id),
        "UpdateExpression": "SET #status = :open, tenantId = :t, userId = :u, sessionId = :s, #granted = :p "
        "REMOVE gsi1pk, gsi1sk",
        "ConditionExpression": "#status = :pending",
        "ExpressionAttributeNames": {"#status": "status", "#granted": "permissions"},
        "ExpressionAttributeValues": {
            ":open": {"S": "open"},
            ":pending": {"S": "pending"},
            ":t": {"S": tenant_id},
            ":u": {"S": user_id},
            ":s": {"S": session_id},
            # A string set cannot be empty: a user with no permission holds a placeholder nobody matches.
            ":p": {"SS": list(permissions) or ["-"]},
        },
    }
    member = {
        **_member_key(tenant_id, user_id, connection_id),
        "sessionId": {"S": session_id},
        "expiresAt": _expires(),
    }
    if not _conditional_update(update):
        return False
    _db().put_item(TableName=_table(), Item=member)
    return True


def _conditional_update(update: Any) -> bool:
    try:
        _db().update_item(**update)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def subscribe(connection: Connection, channel: str) -> bool:
    """Name the channel on the connection (conditional: so the disconnect finds it), then add the
    subscription; False when the connection is gone meanwhile or holds `MAX_CHANNELS` already. In that
    order a crash between leaves a name without a row, which nothing reads."""
    assert connection.tenant_id
    assert connection.user_id
    update: Any = {
        "TableName": _table(),
        "Key": _conn_key(connection.connection_id),
        "UpdateExpression": "ADD #channels :c",
        "ConditionExpression": "#status = :open AND (attribute_not_exists(#channels) "
        "OR size(#channels) < :max OR contains(#channels, :name))",
        "ExpressionAttributeNames": {"#status": "status", "#channels": "channels"},
        "ExpressionAttributeValues": {
            ":c": {"SS": [channel]},
            ":open": {"S": "open"},
            ":max": {"N": str(MAX_CHANNELS)},
            ":name": {"S": channel},
        },
    }
    row = {
        **_channel_key(connection.tenant_id, channel, connection.connection_id),
        "userId": {"S": connection.user_id},
        "expiresAt": _expires(),
    }
    if not _conditional_update(update):
        return False
    _db().put_item(TableName=_table(), Item=row)
    return True


def unsubscribe(connection: Connection, channel: str) -> None:
    assert connection.tenant_id
    items: list[TransactWriteItemTypeDef] = [
        {
            "Update": {
                "TableName": _table(),
                "Key": _conn_key(connection.connection_id),
                "UpdateExpression": "DELETE #channels :c",
                "ExpressionAttributeNames": {"#channels": "channels"},
                "ExpressionAttributeValues": {":c": {"SS": [channel]}},
            }
        },
        {
            "Delete": {
                "TableName": _table(),
                "Key": _channel_key(connection.tenant_id, channel, connection.connection_id),
            }
        },
    ]
    tables.transact(items, table=TABLE)


def remove(connection_id: str) -> Connection | None:
    """Every row of the connection (idempotent: a second $disconnect, a 410 after it, find nothing)."""
    found = get(connection_id)
    keys = [_conn_key(connection_id)]
    if found is not None and found.tenant_id and found.user_id:
        keys.append(_member_key(found.tenant_id, found.user_id, connection_id))
        keys += [_channel_key(found.tenant_id, channel, connection_id) for channel in found.channels]
        keys += [graphql_key(found.tenant_id, entry, connection_id) for entry in found.graphql]
    _delete(keys)
    return found


def _delete(keys: list[dict[str, Any]]) -> None:
    for start in range(0, len(keys), 25):
        pending: Any = {_table(): [{"DeleteRequest": {"Key": k}} for k in keys[start : start + 25]]}
        for _ in range(5):
            left = _db().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not left:
                break
            pending = left


# --- who gets a push ---------------------------------------------------------------------------------------
def user_connections(tenant_id: str, user_id: str) -> list[tuple[str, str]]:
    """(connectionId, sessionId) of the user's live connections."""
    prefix = f"USER#{user_id}#"
    return [
        (item["sk"]["S"][len(prefix) :], item.get("sessionId", {}).get("S", ""))
        for item in _query(_members_pk(tenant_id), prefix)
    ]


def tenant_connections(tenant_id: str) -> list[str]:
    return [item["sk"]["S"].rsplit("#", 1)[-1] for item in _query(_members_pk(tenant_id), "USER#")]


def channel_connections(tenant_id: str, channel: str) -> list[str]:
    return [item["sk"]["S"] for item in _query(tenant_key(tenant_id, "CHANNEL", channel), None)]


def _query(pk: str, prefix: str | None) -> Iterator[dict[str, Any]]:
    condition = "pk = :pk" + (" AND begins_with(sk, :prefix)" if prefix else "")
    values: dict[str, Any] = {":pk": {"S": pk}, ":now": _now()}
    if prefix:
        values[":prefix"] = {"S": prefix}
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": condition,
        "FilterExpression": "expiresAt > :now",
        "ExpressionAttributeValues": values,
        "ConsistentRead": True,
    }
    while True:
        page = _db().query(**request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def overdue(now: float, limit: int = 500) -> list[str]:
    """Pending connections past their auth deadline, oldest first (gsi1; for the sweep)."""
    page = _db().query(
        TableName=_table(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :p AND gsi1sk < :now",
        ExpressionAttributeValues={":p": {"S": "PENDING"}, ":now": {"S": f"{now:015.3f}"}},
        Limit=limit,
    )
    return [item["pk"]["S"].removeprefix("CONN#") for item in page.get("Items", [])]
