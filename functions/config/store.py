"""The `config` table's writes and version reads (its layout: `shared.config_docs`, which the kernel's flags
read too). This module and `shared.config_docs` are the only code that touches the table.

A write is one TransactWriteItems: the current document (`HEAD`, conditioned on the version the writer
read: `attribute_not_exists` for a key new at the scope, else `version = :read`), the new version's item
(`V#<n>`, never overwritten) and the `config.changed` outbox entry. Two writers who read the same version:
one commits, the other's condition fails and it gets 409 CONFLICT — nothing is merged, nothing is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from shared.config_docs import HEAD, PLAN_SK, TABLE, VERSION_PREFIX, Head, Scope, plan_key
from shared.envelopes import Cursor, utc_now_iso
from shared.errors import Conflict, InvalidRequest, ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta
from shared.transactions import Transaction, conditionally


class HeadItem(Item):
    """The scope's current document of a key (read by the kernel too: shared.config_docs)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    version = NumberAttribute()
    value = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    updated_by = UnicodeAttribute(attr_name="updatedBy")


class VersionItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    version = NumberAttribute()
    value = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    rolled_back_to = NumberAttribute(null=True, attr_name="rolledBackTo")
    at = UnicodeAttribute()
    by = UnicodeAttribute()


class PlanItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    plan = UnicodeAttribute()
    plan_at = UnicodeAttribute(attr_name="planAt")


@dataclass(frozen=True)
class Version:
    version: int
    value: Any
    action: str
    rolled_back_to: int | None
    at: str
    by: str


def version_sk(version: int) -> str:
    return f"{VERSION_PREFIX}{version:010d}"


# --- writes ------------------------------------------------------------------------------------------
def write(
    scope: Scope,
    key: str,
    *,
    read_version: int,
    value: Any,
    by: str,
    event: ServiceEvent,
    action: str = "set",
    rolled_back_to: int | None = None,
) -> Head:
    """Make `value` version `read_version + 1` of the scope's document, if the current one is still
    `read_version`; else 409. The event is staged in the same transaction (release it after)."""
    pk, now, version = scope.partition(key), utc_now_iso(), read_version + 1
    text = None if value is None else json.dumps(value, separators=(",", ":"))
    txn = Transaction(table=TABLE)
    read = HeadItem.pk.does_not_exist() if read_version == 0 else HeadItem.version == read_version
    head = txn.put(
        HeadItem(pk, HEAD, version=version, value=text, updated_at=now, updated_by=by), condition=read
    )
    entry = VersionItem(pk, version_sk(version), version=version, value=text, action=action, at=now, by=by)
    entry.rolled_back_to = rolled_back_to
    new = txn.put(entry, condition=VersionItem.pk.does_not_exist())
    txn.stage(event)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed(head) or cancelled.condition_failed(new):
            raise Conflict(
                f"{scope.label} {key} changed since version {read_version} was read; read it again",
                field="ifVersion",
                details={"ifVersion": read_version},
            )
        raise ServiceUnavailable("The configuration was not written; try again")
    return Head(scope, key, version, value, now, by)


def set_plan(tenant_id: str, plan: str, at: str) -> bool:
    """Record the tenant's plan as of `at` (an event's timestamp); an older event changes nothing, so
    events that arrive out of order or twice leave the newest plan. False when nothing was written."""
    key = plan_key(tenant_id)
    item = PlanItem(key["pk"]["S"], PLAN_SK, plan=plan, plan_at=at)
    return conditionally(lambda: item.save(condition=PlanItem.pk.does_not_exist() | (PlanItem.plan_at <= at)))


# --- reads -------------------------------------------------------------------------------------------
def version(scope: Scope, key: str, number: int) -> Version | None:
    found = VersionItem.get_live(scope.partition(key), version_sk(number))
    return _version(found) if found is not None else None


def versions(
    scope: Scope, key: str, *, page_size: int, cursor: str | None
) -> tuple[list[Version], str | None]:
    """A page of the scope's versions of `key`, newest first."""
    pk = scope.partition(key)
    _check_cursor(pk, cursor)
    found, next_cursor = VersionItem.page(
        pk,
        page_size=page_size,
        cursor=cursor,
        range_key_condition=VersionItem.sk.startswith(VERSION_PREFIX),
        scan_index_forward=False,
        consistent_read=True,
    )
    return [_version(item) for item in found], next_cursor


def _check_cursor(pk: str, cursor: str | None) -> None:
    """A cursor is opaque, not trusted: it must point into this document's versions."""
    last_key, _page = Cursor.decode(cursor)
    if last_key is None:
        return
    sk = last_key.get("sk", {}).get("S") if isinstance(last_key.get("sk"), dict) else None
    if (
        set(last_key) != {"pk", "sk"}
        or last_key.get("pk") != {"S": pk}
        or not isinstance(sk, str)
        or not sk.startswith(VERSION_PREFIX)
    ):
        raise InvalidRequest("The cursor is not valid", field="cursor")


def _version(item: VersionItem) -> Version:
    return Version(
        version=int(item.version),
        value=json.loads(item.value) if item.value is not None else None,
        action=item.action,
        rolled_back_to=int(item.rolled_back_to) if item.rolled_back_to is not None else None,
        at=item.at,
        by=item.by,
    )
