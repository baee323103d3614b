"""The `registry` table. Items (pk / sk: attributes):

- app — `SERVICE#<serviceId>` / `SERVICE`: name, displayName, version, baseUrl, endpoints, events,
  webhookUrl, redirectUris (JSON), clientId, tokenHash, clientSecretHash, webhookSalt, status, createdAt,
  lastHeartbeat (epoch s); listed on gsi1 `SERVICES` / `<name>#<serviceId>`;
- name claim — `NAME#<name>` / `NAME`: serviceId, released (true once its app is deregistered: the name
  may be taken again);
- client — `CLIENT#<clientId>` / `CLIENT`: serviceId (for the OAuth client credentials of a later part);
- enablement — `TENANT#<t>#APPS` / `APP#<serviceId>`: name, enabled, config (JSON), updatedAt, updatedBy;
- delivery state — `DELIVERY#<serviceId>#<eventId>` / `STATE`: attempts, delivered; TTL 15 days;
- delivery attempt — `DELIVERIES#<serviceId>` / `<attemptedAt>#<eventId>#<n>`: eventType, tenantId,
  attempt, status, httpStatus, error, durationMs; TTL 14 days.

Secrets are stored as peppered HMACs only (`shared.peppered`); the webhook secret is not stored at all
(derived from the pepper and `webhookSalt`). Enablement is keyed by the app's id, not its name: a name
freed by a deregistration and taken by another app does not inherit the tenants that trusted the first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared import aws, outbox
from shared.config import settings
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

TABLE = "registry"
DIRECTORY = "SERVICES"
DELIVERY_STATE_DAYS = 15
ATTEMPT_DAYS = 14


class ConditionFailed(Exception):
    """The write's condition did not hold (a taken name, a deregistered app)."""


@dataclass(frozen=True)
class AppRecord:
    service_id: str
    name: str
    display_name: str
    version: str
    base_url: str
    endpoints: list[dict[str, Any]]
    events: list[str]
    webhook_url: str | None
    redirect_uris: list[str]
    client_id: str
    token_hash: str
    client_secret_hash: str
    webhook_salt: str
    status: str  # registered | deregistered
    created_at: str
    created_epoch: float
    last_heartbeat: float | None = None

    def active(self, now: float | None = None) -> bool:
        """Registered, and heard from (a heartbeat, or the registration itself) within the TTL."""
        if self.status != "registered":
            return False
        seen = max(self.created_epoch, self.last_heartbeat or 0.0)
        return (now or time.time()) - seen <= settings().app_heartbeat_ttl_seconds


@dataclass(frozen=True)
class EnablementRecord:
    service_id: str
    name: str
    enabled: bool
    config: dict[str, Any] | None
    updated_at: str


@dataclass(frozen=True)
class AttemptRecord:
    service_id: str
    event_id: str
    event_type: str
    tenant_id: str | None
    attempt: int
    status: str
    http_status: int | None
    error: str | None
    duration_ms: float
    attempted_at: str
    extra: dict[str, Any] = field(default_factory=dict)


def _table() -> str:
    return settings().table_name(TABLE)


def _ddb() -> Any:
    return aws.client("dynamodb")


def _service_key(service_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"SERVICE#{service_id}"}, "sk": {"S": "SERVICE"}}


def _name_key(name: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"NAME#{name}"}, "sk": {"S": "NAME"}}


def _enablement_key(tenant_id: str, service_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": tenant_key(tenant_id, "APPS")}, "sk": {"S": f"APP#{service_id}"}}


def _state_key(service_id: str, event_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"DELIVERY#{service_id}#{event_id}"}, "sk": {"S": "STATE"}}


def _s(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return str(value["S"]) if value and "S" in value else None


def _n(item: Mapping[str, Any], name: str) -> float | None:
    value = item.get(name)
    return float(value["N"]) if value and "N" in value else None


def _app(item: Mapping[str, Any]) -> AppRecord:
    return AppRecord(
        service_id=item["serviceId"]["S"],
        name=item["name"]["S"],
        display_name=item["displayName"]["S"],
        version=item["version"]["S"],
        base_url=item["baseUrl"]["S"],
        endpoints=json.loads(item["endpoints"]["S"]),
        events=json.loads(item["events"]["S"]),
        webhook_url=_s(item, "webhookUrl"),
        redirect_uris=json.loads(item["redirectUris"]["S"]),
        client_id=item["clientId"]["S"],
        token_hash=item["tokenHash"]["S"],
        client_secret_hash=item["clientSecretHash"]["S"],
        webhook_salt=item["webhookSalt"]["S"],
        status=item["status"]["S"],
        created_at=item["createdAt"]["S"],
        created_epoch=_n(item, "createdEpoch") or 0.0,
        last_heartbeat=_n(item, "lastHeartbeat"),
    )


def _condition_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


# --- apps ------------------------------------------------------------------------------------------------
def create(record: AppRecord) -> None:
    """The app, its name claim and its client id, in one transaction; ConditionFailed when the name is
    held by an app that is still registered."""
    item: dict[str, AttributeValueTypeDef] = {
        **_service_key(record.service_id),
        "serviceId": {"S": record.service_id},
        "name": {"S": record.name},
        "displayName": {"S": record.display_name},
        "version": {"S": record.version},
        "baseUrl": {"S": record.base_url},
        "endpoints": {"S": json.dumps(record.endpoints, separators=(",", ":"))},
        "events": {"S": json.dumps(record.events)},
        "redirectUris": {"S": json.dumps(record.redirect_uris)},
        "clientId": {"S": record.client_id},
        "tokenHash": {"S": record.token_hash},
        "clientSecretHash": {"S": record.client_secret_hash},
        "webhookSalt": {"S": record.webhook_salt},
        "status": {"S": record.status},
        "createdAt": {"S": record.created_at},
        "createdEpoch": {"N": f"{record.created_epoch:.3f}"},
        "gsi1pk": {"S": DIRECTORY},
        "gsi1sk": {"S": f"{record.name}#{record.service_id}"},
    }
    if record.webhook_url:
        item["webhookUrl"] = {"S": record.webhook_url}
    claim: dict[str, AttributeValueTypeDef] = {
        **_name_key(record.name),
        "serviceId": {"S": record.service_id},
        "released": {"BOOL": False},
    }
    client: dict[str, AttributeValueTypeDef] = {
        "pk": {"S": f"CLIENT#{record.client_id}"},
        "sk": {"S": "CLIENT"},
        "serviceId": {"S": record.service_id},
    }
    writes: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": _table(),
                "Item": claim,
                "ConditionExpression": "attribute_not_exists(pk) OR released = :yes",
                "ExpressionAttributeValues": {":yes": {"BOOL": True}},
            }
        },
        {"Put": {"TableName": _table(), "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Put": {"TableName": _table(), "Item": client, "ConditionExpression": "attribute_not_exists(pk)"}},
    ]
    reasons = outbox.transact(writes, [], table=TABLE)
    if reasons is not None:
        if "ConditionalCheckFailed" in reasons:
            raise ConditionFailed(record.name)
        raise ServiceUnavailable(f"The registry transaction was cancelled: {reasons}")


def get(service_id: str) -> AppRecord | None:
    found = _ddb().get_item(TableName=_table(), Key=_service_key(service_id), ConsistentRead=True)
    item = found.get("Item")
    return _app(item) if item else None


def by_name(name: str) -> AppRecord | None:
    """The app that holds `name` (a deregistered one too, until another app takes the name)."""
    claim = _ddb().get_item(TableName=_table(), Key=_name_key(name), ConsistentRead=True).get("Item")
    if not claim:
        return None
    return get(claim["serviceId"]["S"])


def by_client_id(client_id: str) -> AppRecord | None:
    """The app whose OAuth client id this is (its `CLIENT#` item, then the app): functions/oidc's clients."""
    key: dict[str, AttributeValueTypeDef] = {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": "CLIENT"}}
    found = _ddb().get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item")
    return get(found["serviceId"]["S"]) if found else None


def every() -> list[AppRecord]:
    """Every app ever registered (gsi1, one partition; a handful of pages at most)."""
    pages = (
        _ddb()
        .get_paginator("query")
        .paginate(
            TableName=_table(),
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :d",
            ExpressionAttributeValues={":d": {"S": DIRECTORY}},
        )
    )
    return [_app(item) for page in pages for item in page.get("Items", [])]


def heartbeat(service_id: str, now: float, version: str | None) -> AppRecord:
    """Record a heartbeat (and the version, if given); ConditionFailed unless the app is registered."""
    names: dict[str, str] = {"#status": "status"}
    values: dict[str, AttributeValueTypeDef] = {":now": {"N": f"{now:.3f}"}, ":reg": {"S": "registered"}}
    update = "SET lastHeartbeat = :now"
    if version:
        update += ", version = :version"
        values[":version"] = {"S": version}
    try:
        result = _ddb().update_item(
            TableName=_table(),
            Key=_service_key(service_id),
            UpdateExpression=update,
            ConditionExpression="attribute_exists(pk) AND #status = :reg",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if _condition_failed(exc):
            raise ConditionFailed(service_id) from exc
        raise
    return _app(result["Attributes"])


def deregister(record: AppRecord, now_iso: str) -> None:
    """Mark the app deregistered and release its name, in one transaction (idempotent)."""
    writes: list[TransactWriteItemTypeDef] = [
        {
            "Update": {
                "TableName": _table(),
                "Key": _service_key(record.service_id),
                "UpdateExpression": "SET #status = :dereg, deregisteredAt = :now",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":dereg": {"S": "deregistered"}, ":now": {"S": now_iso}},
            }
        },
        {
            "Update": {
                "TableName": _table(),
                "Key": _name_key(record.name),
                "UpdateExpression": "SET released = :yes",
                "ConditionExpression": "serviceId = :id",
                "ExpressionAttributeValues": {":yes": {"BOOL": True}, ":id": {"S": record.service_id}},
            }
        },
    ]
    reasons = outbox.transact(writes, [], table=TABLE)
    if reasons is None:
        return
    if reasons[1:2] == ["ConditionalCheckFailed"] and reasons[0] in ("None", ""):
        # The name already belongs to a newer app: only our own item needs the mark.
        _ddb().update_item(
            TableName=_table(),
            Key=_service_key(record.service_id),
            UpdateExpression="SET #status = :dereg, deregisteredAt = :now",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":dereg": {"S": "deregistered"}, ":now": {"S": now_iso}},
        )
        return
    raise ServiceUnavailable(f"The registry transaction was cancelled: {reasons}")


# --- per tenant ------------------------------------------------------------------------------------------
def _enablement(item: Mapping[str, Any]) -> EnablementRecord:
    config = _s(item, "config")
    return EnablementRecord(
        service_id=item["sk"]["S"].removeprefix("APP#"),
        name=item["name"]["S"],
        enabled=bool(item.get("enabled", {}).get("BOOL", False)),
        config=json.loads(config) if config else None,
        updated_at=item["updatedAt"]["S"],
    )


def enablement(tenant_id: str, service_id: str) -> EnablementRecord | None:
    found = (
        _ddb()
        .get_item(TableName=_table(), Key=_enablement_key(tenant_id, service_id), ConsistentRead=True)
        .get("Item")
    )
    return _enablement(found) if found else None


def enablements(tenant_id: str) -> list[EnablementRecord]:
    """The tenant's enablement items (one Query of its partition)."""
    pages = (
        _ddb()
        .get_paginator("query")
        .paginate(
            TableName=_table(),
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": tenant_key(tenant_id, "APPS")}},
            ConsistentRead=True,
        )
    )
    return [_enablement(item) for page in pages for item in page.get("Items", [])]


def put_enablement(
    tenant_id: str, record: EnablementRecord, updated_by: str | None, events: Sequence[ServiceEvent]
) -> None:
    """The tenant's choice for an app and its event (outbox), in one transaction."""
    item: dict[str, AttributeValueTypeDef] = {
        **_enablement_key(tenant_id, record.service_id),
        "name": {"S": record.name},
        "enabled": {"BOOL": record.enabled},
        "updatedAt": {"S": record.updated_at},
    }
    if record.config is not None:
        item["config"] = {"S": json.dumps(record.config, separators=(",", ":"))}
    if updated_by:
        item["updatedBy"] = {"S": updated_by}
    reasons = outbox.transact([{"Put": {"TableName": _table(), "Item": item}}], events, table=TABLE)
    if reasons is not None:
        raise ServiceUnavailable(f"The registry transaction was cancelled: {reasons}")


# --- webhook deliveries ----------------------------------------------------------------------------------
def delivered(service_id: str, event_id: str) -> bool:
    found = (
        _ddb()
        .get_item(TableName=_table(), Key=_state_key(service_id, event_id), ConsistentRead=True)
        .get("Item")
    )
    return bool(found and found.get("delivered", {}).get("BOOL"))


def next_attempt(service_id: str, event_id: str) -> int:
    """Count one more attempt at delivering `event_id` to the app; → its number (1 for the first)."""
    expires = int(time.time()) + DELIVERY_STATE_DAYS * 86400
    result = _ddb().update_item(
        TableName=_table(),
        Key=_state_key(service_id, event_id),
        UpdateExpression="ADD attempts :one SET expiresAt = :expires",
        ExpressionAttributeValues={":one": {"N": "1"}, ":expires": {"N": str(expires)}},
        ReturnValues="UPDATED_NEW",
    )
    return int(result["Attributes"]["attempts"]["N"])


def record_attempt(attempt: AttemptRecord) -> None:
    """Keep one attempt (and, when it delivered, mark the event delivered to this app)."""
    expires = int(time.time()) + ATTEMPT_DAYS * 86400
    item: dict[str, AttributeValueTypeDef] = {
        "pk": {"S": f"DELIVERIES#{attempt.service_id}"},
        "sk": {"S": f"{attempt.attempted_at}#{attempt.event_id}#{attempt.attempt}"},
        "eventId": {"S": attempt.event_id},
        "eventType": {"S": attempt.event_type},
        "attempt": {"N": str(attempt.attempt)},
        "status": {"S": attempt.status},
        "durationMs": {"N": f"{attempt.duration_ms:.3f}"},
        "attemptedAt": {"S": attempt.attempted_at},
        "expiresAt": {"N": str(expires)},
    }
    if attempt.tenant_id:
        item["tenantId"] = {"S": attempt.tenant_id}
    if attempt.http_status is not None:
        item["httpStatus"] = {"N": str(attempt.http_status)}
    if attempt.error:
        item["error"] = {"S": attempt.error[:500]}
    _ddb().put_item(TableName=_table(), Item=item)
    if attempt.status == "delivered":
        _ddb().update_item(
            TableName=_table(),
            Key=_state_key(attempt.service_id, attempt.event_id),
            UpdateExpression="SET delivered = :yes",
            ExpressionAttributeValues={":yes": {"BOOL": True}},
        )


def attempts(service_id: str, limit: int) -> list[AttemptRecord]:
    """The app's most recent attempts, newest first."""
    found = _ddb().query(
        TableName=_table(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"DELIVERIES#{service_id}"}},
        ScanIndexForward=False,
        Limit=limit,
    )
    now = time.time()
    return [
        AttemptRecord(
            service_id=service_id,
            event_id=item["eventId"]["S"],
            event_type=item["eventType"]["S"],
            tenant_id=_s(item, "tenantId"),
            attempt=int(item["attempt"]["N"]),
            status=item["status"]["S"],
            http_status=int(item["httpStatus"]["N"]) if "httpStatus" in item else None,
            error=_s(item, "error"),
            duration_ms=float(item["durationMs"]["N"]),
            attempted_at=item["attemptedAt"]["S"],
        )
        for item in found.get("Items", [])
        if (_n(item, "expiresAt") or now + 1) > now
    ]
