"""The `tenants` table: one item per tenant (`TENANT#<id>` / `TENANT`). Every write that depends on the
item's state carries a DynamoDB condition, so races are settled by the table, never by a read first.

A write that causes events takes them (`events`): the update and the events' outbox entries are one
TransactWriteItems (shared.outbox). A transaction returns no attributes, so the tenant after it is read
back (consistently) once it has succeeded."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.tenants import listing
from shared import aws, outbox, tables
from shared.config import settings
from shared.envelopes import utc_now_iso
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

TABLE = "tenants"
SORT_KEY = "TENANT"
DIRECTORY = "TENANTS"


class ConditionFailed(Exception):
    """The item was not in the state the write required (or did not exist)."""


@dataclass(frozen=True)
class TenantRecord:
    tenant_id: str
    name: str
    plan: str
    status: str
    quotas: dict[str, int]
    usage: dict[str, int]
    created_at: str
    updated_at: str
    # Tenant-wide switches (`requireVerifiedEmail`, ...); a switch never set is absent (its default).
    settings: dict[str, bool] = field(default_factory=dict)


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": tenant_key(tenant_id)}, "sk": {"S": SORT_KEY}}


def _numbers(values: Mapping[str, int]) -> AttributeValueTypeDef:
    return {"M": {k: {"N": str(v)} for k, v in values.items()}}


def _ints(value: Any) -> dict[str, int]:
    return {k: int(v["N"]) for k, v in (value or {}).get("M", {}).items()}


def _switches(value: Any) -> dict[str, bool]:
    return {k: bool(v["BOOL"]) for k, v in (value or {}).get("M", {}).items() if "BOOL" in v}


def _record(tenant_id: str, item: Mapping[str, Any]) -> TenantRecord:
    return TenantRecord(
        tenant_id=tenant_id,
        name=item["name"]["S"],
        plan=item["plan"]["S"],
        status=item["status"]["S"],
        quotas=_ints(item.get("quotas")),
        usage=_ints(item.get("usage")),
        created_at=item["createdAt"]["S"],
        updated_at=item.get("updatedAt", item["createdAt"])["S"],
        settings=_switches(item.get("settings")),
    )


def _is_condition_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def get(tenant_id: str) -> TenantRecord | None:
    """The tenant (strongly consistent), or None. Expired items count as absent, as everywhere."""
    found = aws.client("dynamodb").get_item(TableName=_table(), Key=_key(tenant_id), ConsistentRead=True)
    item = found.get("Item")
    if item is None:
        return None
    expires = item.get("expiresAt", {}).get("N")
    if expires is not None and float(expires) <= time.time():
        return None
    return _record(tenant_id, item)


def put_new(record: TenantRecord) -> None:
    """Create the tenant; ConditionFailed when the id is taken."""
    item: dict[str, AttributeValueTypeDef] = {
        **_key(record.tenant_id),
        "name": {"S": record.name},
        "plan": {"S": record.plan},
        "status": {"S": record.status},
        "quotas": _numbers(record.quotas),
        "usage": _numbers(record.usage),
        "createdAt": {"S": record.created_at},
        "updatedAt": {"S": record.updated_at},
        # Every tenant is listed on gsi1, for the jobs that visit each tenant (never a Scan).
        "gsi1pk": {"S": DIRECTORY},
        "gsi1sk": {"S": record.tenant_id},
    }
    put: Any = {"TableName": _table(), "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
    # With its listing items (the platform admins' filtered list: functions/tenants/listing.py).
    written: list[TransactWriteItemTypeDef] = [
        {"Put": put},
        *listing.put_items(record.tenant_id, record.status, record.plan),
    ]
    reasons = tables.transact(written, table=TABLE)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            raise ConditionFailed(record.tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {reasons}")


def _update(tenant_id: str, **request: Any) -> dict[str, Any]:
    try:
        response = aws.client("dynamodb").update_item(TableName=_table(), Key=_key(tenant_id), **request)
    except ClientError as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(tenant_id) from exc
        raise
    return dict(response.get("Attributes", {}))


def _update_item(tenant_id: str, request: Mapping[str, Any]) -> TransactWriteItemTypeDef:
    """An UpdateItem request (`_update`'s keywords, without ReturnValues) as a transaction item."""
    update: Any = {"TableName": _table(), "Key": _key(tenant_id), **request}
    return {"Update": update}


def _update_with(
    tenant_id: str,
    request: Mapping[str, Any],
    *,
    events: Sequence[ServiceEvent] = (),
    withdraw: Sequence[ServiceEvent] = (),
    also: Sequence[TransactWriteItemTypeDef] = (),
) -> TenantRecord:
    """The update and the events' outbox entries (`events` put, `withdraw` taken out) in one transaction,
    with `also` (the listing items the change moves); the tenant after it. ConditionFailed when the
    update's condition failed."""
    item = [_update_item(tenant_id, request), *also]
    if withdraw:
        reasons = outbox.retract(item, withdraw, table=TABLE)
    else:
        reasons = outbox.transact(item, events, table=TABLE)
    if reasons is not None:
        if "ConditionalCheckFailed" in reasons:
            raise ConditionFailed(tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {reasons}")
    after = get(tenant_id)
    if after is None:  # deleted between our transaction and this read: only a discard could
        raise ConditionFailed(tenant_id)
    return after


def set_status(
    tenant_id: str,
    status: str,
    *,
    when: tuple[str, ...],
    now: str,
    unchanged: TenantRecord | None = None,
    events: Sequence[ServiceEvent] = (),
    withdraw: Sequence[ServiceEvent] = (),
) -> TenantRecord:
    """SET status if the current one is in `when` (and, given `unchanged`, the settings are still the ones
    it holds: see `_settings_condition`); ConditionFailed otherwise (or when absent). With `events` the
    change and its events commit together; `withdraw` takes back the events of a change being undone."""
    allowed: dict[str, AttributeValueTypeDef] = {f":was{i}": {"S": s} for i, s in enumerate(when)}
    conditions, names, values = [f"#status IN ({', '.join(allowed)})"], {"#status": "status"}, dict(allowed)
    if unchanged is not None:
        _settings_condition(unchanged, conditions, names, values)
    request: dict[str, Any] = {
        "UpdateExpression": "SET #status = :status, updatedAt = :now",
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {":status": {"S": status}, ":now": {"S": now}, **values},
    }
    # The listing items move with the status, in the same transaction (functions/tenants/listing.py).
    moved = listing.status_moved(tenant_id, status)
    return _update_with(tenant_id, request, events=events, withdraw=withdraw, also=moved)


def _settings_condition(
    current: TenantRecord,
    conditions: list[str],
    names: dict[str, str],
    values: dict[str, AttributeValueTypeDef],
) -> None:
    """Conditions that the name, plan and every quota still hold `current`'s values: an event built from
    them before the write is then exactly what the write leaves (usage is not part of it: reservations move
    it all the time)."""
    names.update({"#name": "name", "#plan": "plan"})
    conditions += ["#name = :oldName", "#plan = :oldPlan"]
    values.update({":oldName": {"S": current.name}, ":oldPlan": {"S": current.plan}})
    for i, (quota, value) in enumerate(sorted(current.quotas.items())):
        names.update({"#quotas": "quotas", f"#old{i}": quota})
        conditions.append(f"#quotas.#old{i} = :old{i}")
        values[f":old{i}"] = {"N": str(value)}


def delete_provisioning(tenant_id: str) -> None:
    """Delete the tenant (and its listing items) if it is still provisioning; an absent tenant is fine
    (idempotent)."""
    delete: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id),
        "ConditionExpression": "attribute_not_exists(pk) OR #status = :provisioning",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":provisioning": {"S": "provisioning"}},
    }
    reasons = tables.transact([{"Delete": delete}, *listing.delete_items(tenant_id)], table=TABLE)
    if reasons is not None:
        if reasons[0] == "ConditionalCheckFailed":
            raise ConditionFailed(tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {reasons}")


def get_many(tenant_ids: Sequence[str]) -> list[TenantRecord]:
    """The tenants with these ids, in that order (one BatchGetItem of at most 100, strongly consistent);
    an id whose tenant is gone (or expired) is left out."""
    if not tenant_ids:
        return []
    keys = [_key(t) for t in dict.fromkeys(tenant_ids)]
    found: dict[str, TenantRecord] = {}
    now = time.time()
    for attempt in range(4):
        result: Any = aws.client("dynamodb").batch_get_item(
            RequestItems={_table(): {"Keys": keys, "ConsistentRead": True}}
        )
        for item in result.get("Responses", {}).get(_table(), []):
            expires = item.get("expiresAt", {}).get("N")
            if expires is None or float(expires) > now:
                tenant_id = str(item["pk"]["S"]).removeprefix("TENANT#")
                found[tenant_id] = _record(tenant_id, item)
        unprocessed = result.get("UnprocessedKeys", {}).get(_table(), {}).get("Keys")
        if not unprocessed:
            break
        keys = list(unprocessed)
        time.sleep(0.02 * 2**attempt)
    else:
        raise ServiceUnavailable("The tenants table is throttling reads")
    return [found[t] for t in tenant_ids if t in found]


def add_usage(tenant_id: str, usage: str, quota: str, amount: int, limit: int) -> TenantRecord:
    """usage += amount, evaluated by DynamoDB: only while usage + amount <= limit and the limit is still the
    one the caller read. Returns the tenant after it; ConditionFailed when over (or the limit moved)."""
    attributes = _update(
        tenant_id,
        UpdateExpression="SET #usage.#u = #usage.#u + :n, updatedAt = :now",
        ConditionExpression="attribute_exists(pk) AND #usage.#u <= :room AND #quotas.#q = :limit",
        ExpressionAttributeNames={"#usage": "usage", "#quotas": "quotas", "#u": usage, "#q": quota},
        ExpressionAttributeValues={
            ":n": {"N": str(amount)},
            ":room": {"N": str(limit - amount)},
            ":limit": {"N": str(limit)},
            ":now": {"S": utc_now_iso()},
        },
        ReturnValues="ALL_NEW",
    )
    return _record(tenant_id, attributes)


def subtract_usage(tenant_id: str, usage: str, amount: int) -> TenantRecord:
    """usage -= amount, only while usage >= amount (never below zero). ConditionFailed otherwise."""
    attributes = _update(
        tenant_id,
        UpdateExpression="SET #usage.#u = #usage.#u - :n, updatedAt = :now",
        ConditionExpression="attribute_exists(pk) AND #usage.#u >= :n",
        ExpressionAttributeNames={"#usage": "usage", "#u": usage},
        ExpressionAttributeValues={":n": {"N": str(amount)}, ":now": {"S": utc_now_iso()}},
        ReturnValues="ALL_NEW",
    )
    return _record(tenant_id, attributes)


def change_settings(
    current: TenantRecord,
    *,
    name: str | None,
    plan: str | None,
    quotas: Mapping[str, int],
    now: str,
    events: Sequence[ServiceEvent] = (),
    switches: Mapping[str, bool] | None = None,
) -> TenantRecord:
    """Compare-and-set: written only if the name, the plan and every quota still hold the values the
    caller read (a concurrent update makes this ConditionFailed, and the caller re-reads), so the events
    built from `current` and the changes describe exactly what was written. They commit with it.
    `switches` is the tenant's whole settings map after the change (conditioned on the one read)."""
    sets = ["updatedAt = :now"]
    conditions = ["attribute_exists(pk)"]
    names: dict[str, str] = {}
    values: dict[str, AttributeValueTypeDef] = {":now": {"S": now}}
    _settings_condition(current, conditions, names, values)
    if name is not None:
        sets.append("#name = :name")
        values[":name"] = {"S": name}
    if plan is not None:
        sets.append("#plan = :plan")
        values[":plan"] = {"S": plan}
    for i, (quota, value) in enumerate(sorted(quotas.items())):
        names.update({"#quotas": "quotas", f"#q{i}": quota})
        sets.append(f"#quotas.#q{i} = :q{i}")
        values[f":q{i}"] = {"N": str(value)}
        if quota not in current.quotas:
            conditions.append(f"attribute_not_exists(#quotas.#q{i})")
    if switches is not None:
        names["#settings"] = "settings"
        sets.append("#settings = :settings")
        values[":settings"] = {"M": {k: {"BOOL": v} for k, v in switches.items()}}
        if current.settings:
            conditions.append("#settings = :oldSettings")
            values[":oldSettings"] = {"M": {k: {"BOOL": v} for k, v in current.settings.items()}}
        else:
            conditions.append("attribute_not_exists(#settings)")
    request: dict[str, Any] = {
        "UpdateExpression": "SET " + ", ".join(sets),
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    moved = listing.plan_moved(current.tenant_id, plan, current.status) if plan is not None else []
    if events or moved:
        return _update_with(current.tenant_id, request, events=events, also=moved)
    return _record(current.tenant_id, _update(current.tenant_id, **request, ReturnValues="ALL_NEW"))


def tenant_ids(*, page_size: int, after: str | None) -> tuple[list[str], str | None]:
    """One page of every tenant id, in id order, from gsi1; the last id when there may be more."""
    request: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :dir" + (" AND gsi1sk > :after" if after else ""),
        "ExpressionAttributeValues": {
            ":dir": {"S": DIRECTORY},
            **({":after": {"S": after}} if after else {}),
        },
        "ProjectionExpression": "gsi1sk",
        "Limit": page_size,
    }
    found = aws.client("dynamodb").query(**request)
    ids = [item["gsi1sk"]["S"] for item in found.get("Items", [])]
    return ids, ids[-1] if found.get("LastEvaluatedKey") and ids else None


def set_usage(tenant_id: str, usage: str, amount: int) -> tuple[int, TenantRecord]:
    """usage = amount (reconciliation); the previous value and the tenant after it."""
    attributes = _update(
        tenant_id,
        UpdateExpression="SET #usage.#u = :n, updatedAt = :now",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#usage": "usage", "#u": usage},
        ExpressionAttributeValues={":n": {"N": str(amount)}, ":now": {"S": utc_now_iso()}},
        ReturnValues="ALL_OLD",
    )
    before = _record(tenant_id, attributes)
    return before.usage.get(usage, 0), before
