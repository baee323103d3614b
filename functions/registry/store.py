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

The DynamoDB side of `ports.RegistryStore`: every read and write goes through the pynamodb models below, and
`shared.transactions` where writes must happen together. Secrets are stored as peppered HMACs only
(`shared.peppered`); the webhook secret is not stored at all (derived from the pepper and `webhookSalt`).
Enablement is keyed by the app's id, not its name: a name freed by a deregistration and taken by another app
does not inherit the tenants that trusted the first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import cast

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.registry.ports import AppRecord, AttemptRecord, ConditionFailed, EnablementRecord
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "registry"
DIRECTORY = "SERVICES"
DELIVERY_STATE_DAYS = 15
ATTEMPT_DAYS = 14


class AppItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    service_id = UnicodeAttribute(attr_name="serviceId")
    name = UnicodeAttribute()
    display_name = UnicodeAttribute(attr_name="displayName")
    version = UnicodeAttribute()
    base_url = UnicodeAttribute(attr_name="baseUrl")
    endpoints = JSONAttribute()
    events = JSONAttribute()
    redirect_uris = JSONAttribute(attr_name="redirectUris")
    webhook_url = UnicodeAttribute(null=True, attr_name="webhookUrl")
    client_id = UnicodeAttribute(attr_name="clientId")
    token_hash = UnicodeAttribute(attr_name="tokenHash")
    client_secret_hash = UnicodeAttribute(attr_name="clientSecretHash")
    webhook_salt = UnicodeAttribute(attr_name="webhookSalt")
    status = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")
    created_epoch = NumberAttribute(null=True, attr_name="createdEpoch")
    last_heartbeat = NumberAttribute(null=True, attr_name="lastHeartbeat")
    deregistered_at = UnicodeAttribute(null=True, attr_name="deregisteredAt")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()

    def record(self) -> AppRecord:
        return AppRecord(
            service_id=self.service_id,
            name=self.name,
            display_name=self.display_name,
            version=self.version,
            base_url=self.base_url,
            endpoints=list(self.endpoints),
            events=list(self.events),
            webhook_url=self.webhook_url,
            redirect_uris=list(self.redirect_uris),
            client_id=self.client_id,
            token_hash=self.token_hash,
            client_secret_hash=self.client_secret_hash,
            webhook_salt=self.webhook_salt,
            status=self.status,
            created_at=self.created_at,
            created_epoch=float(self.created_epoch or 0.0),
            last_heartbeat=None if self.last_heartbeat is None else float(self.last_heartbeat),
        )


class NameItem(Item):
    """A name's claim: the app holding it, and whether that app let it go."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    service_id = UnicodeAttribute(attr_name="serviceId")
    released = BooleanAttribute(default=False)


class ClientItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    service_id = UnicodeAttribute(attr_name="serviceId")


class EnablementItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    name = UnicodeAttribute()
    enabled = BooleanAttribute(default=False)
    config = JSONAttribute(null=True)
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    updated_by = UnicodeAttribute(null=True, attr_name="updatedBy")

    def record(self) -> EnablementRecord:
        config = self.config
        return EnablementRecord(
            service_id=self.sk.removeprefix("APP#"),
            name=self.name,
            enabled=bool(self.enabled),
            config=dict(config) if isinstance(config, dict) else None,
            updated_at=self.updated_at,
        )


class DeliveryStateItem(Item):
    """An (app, event)'s delivery: how many attempts, and whether one delivered."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    attempts = NumberAttribute(null=True)
    delivered = BooleanAttribute(null=True)


class AttemptItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    event_id = UnicodeAttribute(attr_name="eventId")
    event_type = UnicodeAttribute(attr_name="eventType")
    tenant_id = UnicodeAttribute(null=True, attr_name="tenantId")
    attempt = NumberAttribute()
    status = UnicodeAttribute()
    http_status = NumberAttribute(null=True, attr_name="httpStatus")
    error = UnicodeAttribute(null=True)
    duration_ms = NumberAttribute(attr_name="durationMs")
    attempted_at = UnicodeAttribute(attr_name="attemptedAt")

    def record(self, service_id: str) -> AttemptRecord:
        return AttemptRecord(
            service_id=service_id,
            event_id=self.event_id,
            event_type=self.event_type,
            tenant_id=self.tenant_id,
            attempt=int(self.attempt),
            status=self.status,
            http_status=None if self.http_status is None else int(self.http_status),
            error=self.error,
            duration_ms=float(self.duration_ms),
            attempted_at=self.attempted_at,
        )


def _app(service_id: str) -> AppItem:
    return AppItem(f"SERVICE#{service_id}", "SERVICE")


def _name(name: str) -> NameItem:
    return NameItem(f"NAME#{name}", "NAME")


def _state(service_id: str, event_id: str) -> DeliveryStateItem:
    return DeliveryStateItem(f"DELIVERY#{service_id}#{event_id}", "STATE")


def _cancelled(reasons: list[str]) -> ServiceUnavailable:
    return ServiceUnavailable(f"The registry transaction was cancelled: {reasons}")


# --- apps ------------------------------------------------------------------------------------------------
def create(record: AppRecord) -> None:
    """The app, its name claim and its client id, in one transaction; ConditionFailed when the name is
    held by an app that is still registered."""
    app = AppItem(
        f"SERVICE#{record.service_id}",
        "SERVICE",
        service_id=record.service_id,
        name=record.name,
        display_name=record.display_name,
        version=record.version,
        base_url=record.base_url,
        endpoints=record.endpoints,
        events=record.events,
        redirect_uris=record.redirect_uris,
        webhook_url=record.webhook_url or None,
        client_id=record.client_id,
        token_hash=record.token_hash,
        client_secret_hash=record.client_secret_hash,
        webhook_salt=record.webhook_salt,
        status=record.status,
        created_at=record.created_at,
        created_epoch=round(record.created_epoch, 3),
        gsi1pk=DIRECTORY,
        gsi1sk=f"{record.name}#{record.service_id}",
    )
    claim = NameItem(f"NAME#{record.name}", "NAME", service_id=record.service_id, released=False)
    client = ClientItem(f"CLIENT#{record.client_id}", "CLIENT", service_id=record.service_id)
    txn = Transaction(table=TABLE)
    txn.put(claim, condition=NameItem.pk.does_not_exist() | (NameItem.released == True))  # noqa: E712
    txn.put(app, condition=AppItem.pk.does_not_exist())
    txn.put(client, condition=ClientItem.pk.does_not_exist())
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed():
            raise ConditionFailed(record.name)
        raise _cancelled(cancelled.reasons)


def get(service_id: str) -> AppRecord | None:
    found = _app(service_id)
    item = AppItem.get_live(found.pk, found.sk)
    return item.record() if item else None


def by_name(name: str) -> AppRecord | None:
    """The app that holds `name` (a deregistered one too, until another app takes the name)."""
    claim = NameItem.get_live(f"NAME#{name}", "NAME")
    return get(claim.service_id) if claim else None


def by_client_id(client_id: str) -> AppRecord | None:
    """The app whose OAuth client id this is (its `CLIENT#` item, then the app): functions/oidc's clients."""
    found = ClientItem.get_live(f"CLIENT#{client_id}", "CLIENT")
    return get(found.service_id) if found else None


def every() -> list[AppRecord]:
    """Every app ever registered (gsi1, one partition; a handful of pages at most)."""
    return [cast(AppItem, item).record() for item in AppItem.gsi1.query(DIRECTORY)]


def heartbeat(service_id: str, now: float, version: str | None) -> AppRecord:
    """Record a heartbeat (and the version, if given); ConditionFailed unless the app is registered."""
    item = _app(service_id)
    actions: list[Action] = [AppItem.last_heartbeat.set(round(now, 3))]
    if version:
        actions.append(AppItem.version.set(version))
    registered = AppItem.pk.exists() & (AppItem.status == "registered")
    if not conditionally(lambda: item.update(actions=actions, condition=registered)):
        raise ConditionFailed(service_id)
    return item.record()  # ALL_NEW: the item holds the app after the heartbeat


def deregister(record: AppRecord, now_iso: str) -> None:
    """Mark the app deregistered and release its name, in one transaction (idempotent)."""
    marked: list[Action] = [AppItem.status.set("deregistered"), AppItem.deregistered_at.set(now_iso)]
    txn = Transaction(table=TABLE)
    app = txn.update(_app(record.service_id), marked, condition=AppItem.pk.exists())
    name = txn.update(
        _name(record.name), [NameItem.released.set(True)], condition=NameItem.service_id == record.service_id
    )
    cancelled = txn.commit()
    if cancelled is None:
        return
    if cancelled.condition_failed(name) and not cancelled.condition_failed(app):
        # The name already belongs to a newer app: only our own item needs the mark.
        _app(record.service_id).update(actions=marked)
        return
    raise _cancelled(cancelled.reasons)


# --- per tenant ------------------------------------------------------------------------------------------
def enablement(tenant_id: str, service_id: str) -> EnablementRecord | None:
    item = EnablementItem.get_live(tenant_key(tenant_id, "APPS"), f"APP#{service_id}")
    return item.record() if item else None


def enablements(tenant_id: str) -> list[EnablementRecord]:
    """The tenant's enablement items (one Query of its partition)."""
    found = EnablementItem.query(tenant_key(tenant_id, "APPS"), consistent_read=True)
    return [item.record() for item in found]


def put_enablement(
    tenant_id: str, record: EnablementRecord, updated_by: str | None, events: Sequence[ServiceEvent]
) -> None:
    """The tenant's choice for an app and its event (outbox), in one transaction."""
    item = EnablementItem(
        tenant_key(tenant_id, "APPS"),
        f"APP#{record.service_id}",
        name=record.name,
        enabled=record.enabled,
        config=record.config,
        updated_at=record.updated_at,
        updated_by=updated_by or None,
    )
    txn = Transaction(table=TABLE)
    txn.put(item)
    txn.stage(*events)
    cancelled = txn.commit()
    if cancelled is not None:
        raise _cancelled(cancelled.reasons)


# --- webhook deliveries ----------------------------------------------------------------------------------
def delivered(service_id: str, event_id: str) -> bool:
    key = _state(service_id, event_id)
    found = DeliveryStateItem.get_live(key.pk, key.sk)
    return bool(found and found.delivered)


def next_attempt(service_id: str, event_id: str) -> int:
    """Count one more attempt at delivering `event_id` to the app; → its number (1 for the first)."""
    expires = int(time.time()) + DELIVERY_STATE_DAYS * 86400
    item = _state(service_id, event_id)
    item.update(actions=[DeliveryStateItem.attempts.add(1), DeliveryStateItem.expires_at.set(expires)])
    return int(item.attempts or 0)


def record_attempt(attempt: AttemptRecord) -> None:
    """Keep one attempt (and, when it delivered, mark the event delivered to this app)."""
    AttemptItem(
        f"DELIVERIES#{attempt.service_id}",
        f"{attempt.attempted_at}#{attempt.event_id}#{attempt.attempt}",
        event_id=attempt.event_id,
        event_type=attempt.event_type,
        tenant_id=attempt.tenant_id or None,
        attempt=attempt.attempt,
        status=attempt.status,
        http_status=attempt.http_status,
        error=attempt.error[:500] if attempt.error else None,
        duration_ms=round(attempt.duration_ms, 3),
        attempted_at=attempt.attempted_at,
        expires_at=int(time.time()) + ATTEMPT_DAYS * 86400,
    ).save()
    if attempt.status == "delivered":
        _state(attempt.service_id, attempt.event_id).update(actions=[DeliveryStateItem.delivered.set(True)])


def attempts(service_id: str, limit: int) -> list[AttemptRecord]:
    """The app's most recent attempts, newest first."""
    found = AttemptItem.query(f"DELIVERIES#{service_id}", scan_index_forward=False, limit=limit)
    now = time.time()
    return [item.record(service_id) for item in found if not item.is_expired(now)]
