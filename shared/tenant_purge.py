"""Tenant offboarding, the owning service's side: remove every item of a deleted tenant from the service's
own table, a batch at a time, and say how far it got (docs/identity.md, "Deleting a tenant").

    @subscriber.on("tenant.deleting")
    def purge(event: ServiceEvent) -> None:
        tenant_purge.on_deleting(event, service="rbac", table="rbac")

Every tenant-owned key starts with `TENANT#<tenantId>` (`shared.tables.tenant_key`), but a tenant's items
are spread over many partitions (a session, a file, a config key each have their own), and no index lists
them all. So the purge is a Scan with a key filter — never on a request path: only this rare job runs it —
in pages, each page's items deleted with BatchWriteItem (deleting is idempotent, so a batch that died
half-way is simply done again). A batch stops after `budget_seconds` and hands back the Scan's position
as an opaque cursor; the tenants service records it with the progress and sends it back with the next
round (`tenant.deleting` with `services` and `cursors`), so a killed run resumes where it stopped.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from shared import aws, outbox
from shared.config import settings
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger

PAGE = 200  # items a Scan page examines
BATCH = 25  # BatchWriteItem's limit
DEFAULT_BUDGET_SECONDS = 5.0
_MAX_UNPROCESSED_ROUNDS = 8

log = logger("kernel")


@dataclass(frozen=True)
class Purged:
    removed: int
    cursor: str | None  # None: nothing of the tenant is left in the table

    @property
    def complete(self) -> bool:
        return self.cursor is None


def tenant_filter(tenant_id: str) -> tuple[str, dict[str, Any]]:
    """The Scan filter that matches exactly the tenant's keys: `TENANT#t` itself or `TENANT#t#...`
    (never `TENANT#t2...`)."""
    return (
        "pk = :tenant OR begins_with(pk, :prefix)",
        {":tenant": {"S": f"TENANT#{tenant_id}"}, ":prefix": {"S": f"TENANT#{tenant_id}#"}},
    )


def _encode(key: dict[str, Any] | None) -> str | None:
    return None if key is None else base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        return None  # a cursor we did not make: start over (a purge from the start is only slower)
    return key if isinstance(key, dict) else None


def tenant_items(
    table: str, tenant_id: str, *, start: dict[str, Any] | None = None, projection: str | None = None
) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
    """The tenant's items of one table, a Scan page at a time, with the position after each page."""
    expression, values = tenant_filter(tenant_id)
    request: dict[str, Any] = {
        "TableName": settings().table_name(table),
        "FilterExpression": expression,
        "ExpressionAttributeValues": values,
        "Limit": PAGE,
    }
    if projection:
        request["ProjectionExpression"] = projection
    while True:
        if start is not None:
            request["ExclusiveStartKey"] = start
        page = aws.client("dynamodb").scan(**request)
        start = page.get("LastEvaluatedKey")
        yield list(page.get("Items", [])), start
        if start is None:
            return


def delete_keys(table: str, keys: list[dict[str, Any]]) -> int:
    """BatchWriteItem deletes, 25 at a time, unprocessed ones retried with backoff."""
    name = settings().table_name(table)
    ddb = aws.client("dynamodb")
    for first in range(0, len(keys), BATCH):
        requests: list[Any] = [{"DeleteRequest": {"Key": k}} for k in keys[first : first + BATCH]]
        for attempt in range(_MAX_UNPROCESSED_ROUNDS):
            left = ddb.batch_write_item(RequestItems={name: requests}).get("UnprocessedItems", {})
            requests = list(left.get(name, []))
            if not requests:
                break
            time.sleep(min(0.05 * 2**attempt, 1.0))
        else:
            raise RuntimeError(f"{len(requests)} deletes of {name} stayed unprocessed")
    return len(keys)


def purge_table(
    table: str,
    tenant_id: str,
    *,
    cursor: str | None = None,
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Purged:
    """Delete the tenant's items of `table` from `cursor` on, until done or the budget is spent."""
    deadline = clock() + budget_seconds
    removed = 0
    for items, after in tenant_items(table, tenant_id, start=_decode(cursor), projection="pk, sk"):
        removed += delete_keys(table, [{"pk": i["pk"], "sk": i["sk"]} for i in items])
        if after is None:
            return Purged(removed, None)
        if clock() >= deadline:
            return Purged(removed, _encode(after))
    return Purged(removed, None)


# --- the owning service's handler of `tenant.deleting` --------------------------------------------------
Extra = Callable[[str, float], tuple[int, bool]]  # (tenant, budget) → (removed, complete): e.g. objects


def on_deleting(
    event: ServiceEvent,
    *,
    service: str,
    table: str | Sequence[str],
    budget_seconds: float = DEFAULT_BUDGET_SECONDS,
    extra: Extra | None = None,
) -> Purged | None:
    """Purge this service's part of the tenant named by a `tenant.deleting` round (its tables in order,
    then report), publishing `tenant.purge_progress`. A round addressed to other services only is ignored
    (None). The cursor names the table it stopped in: `<index>:<Scan position>`."""
    data = event.data
    tenant_id = str(data["tenantId"])
    wanted = data.get("services")
    if wanted is not None and service not in wanted:
        return None
    names = [table] if isinstance(table, str) else list(table)
    given = str((data.get("cursors") or {}).get(service) or "")
    index_text, _, position = given.partition(":")
    index = int(index_text) if index_text.isdigit() and int(index_text) < len(names) else 0
    removed = 0
    if extra is not None and index == 0 and not position:  # what is not in a table (objects) goes first
        extra_removed, extra_done = extra(tenant_id, budget_seconds / 2)
        removed += extra_removed
        if not extra_done:
            _report(event, service, removed, complete=False, cursor="")
            return Purged(removed, "")
    deadline = time.monotonic() + budget_seconds
    cursor: str | None = position or None
    while True:
        left = max(0.0, deadline - time.monotonic())
        purged = purge_table(names[index], tenant_id, cursor=cursor, budget_seconds=left)
        removed += purged.removed
        if not purged.complete:
            result = Purged(removed, f"{index}:{purged.cursor}")
            break
        if index + 1 >= len(names):
            result = Purged(removed, None)
            break
        index, cursor = index + 1, None
    _report(event, service, result.removed, complete=result.complete, cursor=result.cursor)
    log.info("tenant purge batch", tenant=tenant_id, service=service, removed=result.removed)
    return result


def _report(event: ServiceEvent, service: str, removed: int, *, complete: bool, cursor: str | None) -> None:
    progress = publisher.build(
        "tenant.purge_progress",
        {
            "tenantId": event.data["tenantId"],
            "service": service,
            "round": event.data["round"],
            "complete": complete,
            "removedItems": removed,
            "cursor": None if complete else (cursor or ""),
        },
        source=service,
        tenant_id=settings().platform_tenant,
        causation_id=event.id,
    )
    outbox.emit(progress)
