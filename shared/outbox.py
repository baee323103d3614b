"""The transactional outbox (DESIGN §3): a write that must emit an event puts the event into the kernel's
`outbox` table in the same DynamoDB transaction as the write, then publishes it and removes the entry.

    event = publisher.build("user.created", data, tenant_id=t)
    outbox.transact([...the write...], [event], table="users")   # or `staged(event)` in your own
    ...the rest of the request (calls to other services)...
    outbox.release(event)

If the bus refuses the event, or the function dies between the transaction and the publish, the entry
stays; the outbox-drain job publishes it (the same event id) and removes it. An entry is published at
least once and its id never changes, so subscribers (idempotent on event id) act on it exactly once.

The three shapes a service uses (docs/jobs-and-delivery.md lists every event and its shape):

- in the write's transaction: `transact(write, events)` (or `staged(event)` beside the write), then
  `release`; a later step that fails undoes the write and the entries together (`retract`).
- the change is another service's (a call, not a transaction of ours): `held(events)` puts the entries
  on their own before the call, takes them back out if the call fails, releases them if it succeeds.
- no write at all (an informational event): `emit(events)` puts the entries on their own, then releases.

In every shape a request that succeeds never fails because the bus is down: `release` leaves refused
events to the drain.

Entries are spread over a few partitions (`OUTBOX#<n>`, by event id) and sorted by time, so the drain
reads them with one Query per shard, never a Scan, and skips entries younger than the grace period: those
belong to a request still running, which releases them itself.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws, tables
from shared.config import settings
from shared.declarations import OUTBOX_TABLE
from shared.errors import QueueUnavailable, ServiceUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

SHARDS = 4
# Longer than any function's timeout: an entry this old has no request left that could release it.
GRACE_SECONDS = 120.0

log = logger("kernel")


@dataclass
class Drained:
    published: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _table() -> str:
    return settings().table_name(OUTBOX_TABLE.name)


def _key(event: ServiceEvent) -> dict[str, Any]:
    shard = zlib.crc32(event.id.encode()) % SHARDS
    return {"pk": {"S": f"OUTBOX#{shard}"}, "sk": {"S": f"{event.timestamp}#{event.id}"}}


def staged(event: ServiceEvent) -> TransactWriteItemTypeDef:
    """The transaction item that puts `event` into the outbox, beside the write that causes it."""
    item = {**_key(event), "event": {"S": event.to_json()}, "stagedAt": {"N": f"{time.time():.3f}"}}
    return {"Put": {"TableName": _table(), "Item": item}}


def unstaged(event: ServiceEvent) -> TransactWriteItemTypeDef:
    """The transaction item that takes `event` back out (the write it belonged to is being undone)."""
    return {"Delete": {"TableName": _table(), "Key": _key(event)}}


def transact(
    write: Sequence[TransactWriteItemTypeDef],
    events: Sequence[ServiceEvent],
    *,
    table: str,
    attempts: int = 4,
) -> list[str] | None:
    """`write` (one service's transaction items) and the outbox entries of the events it causes, as one
    TransactWriteItems (shared.tables.transact): None when all of it is written, else each item's
    cancellation reason, the write's first. Nothing is published yet: `release` the events once the
    request has done the rest of its work."""
    return tables.transact([*write, *(staged(e) for e in events)], table=table, attempts=attempts)


def retract(
    undo: Sequence[TransactWriteItemTypeDef],
    events: Sequence[ServiceEvent],
    *,
    table: str,
    attempts: int = 4,
) -> list[str] | None:
    """Undo a committed write and take its unreleased events back out, in one transaction (a step after
    the write failed, so the request fails and must leave nothing behind). Same answer as `transact`."""
    return tables.transact([*undo, *(unstaged(e) for e in events)], table=table, attempts=attempts)


def stage(*events: ServiceEvent) -> None:
    """Put events into the outbox on their own (one transaction): for events whose cause is not a write of
    the caller's tables. Raises only if DynamoDB does: then nothing is staged."""
    if events and transact([], events, table=OUTBOX_TABLE.name) is not None:
        raise ServiceUnavailable("The outbox refused the events")  # unconditional puts: not expected


def withdraw(*events: ServiceEvent) -> None:
    """Take staged, unreleased events back out (what they announce did not happen after all)."""
    if events:
        retract([], events, table=OUTBOX_TABLE.name)


def emit(*events: ServiceEvent) -> None:
    """Deliver events that no write of the caller causes (a login, a download, a refusal): staged in the
    outbox, then released. The durable replacement of `publisher.publish`: if the bus is down, the
    request still succeeds and the drain delivers the events later."""
    stage(*events)
    release(*events)


@contextmanager
def held(*events: ServiceEvent) -> Iterator[None]:
    """For a change made by another service (a call, which cannot join our transaction): the events are
    staged before the block, withdrawn if it raises (the request fails, nothing is announced), released
    if it returns.

        with outbox.held(logged_out):
            cache.sessions_revoke(RevokeRequest(...))
    """
    stage(*events)
    try:
        yield
    except BaseException:
        try:
            withdraw(*events)
        except Exception:  # the original failure matters more; the drain publishes what is left
            log.exception("staged events not withdrawn", event_ids=[e.id for e in events])
        raise
    release(*events)


def release(*events: ServiceEvent) -> bool:
    """Publish staged events now and remove their entries. False (logged, entries kept for the drain)
    when the bus refuses them: the write has happened, so the request itself still succeeds."""
    try:
        publisher.send(*events)
    except QueueUnavailable:
        log.warning("events left in the outbox for the drain", event_ids=[e.id for e in events])
        return False
    _remove(list(events))
    return True


def drain(limit: int = 500, grace_seconds: float | None = None) -> Drained:
    """Publish every entry older than the grace period (oldest first, at most `limit`) and remove it.
    The grace period is `STRATUS_OUTBOX_GRACE_SECONDS` unless given (tests set it to 0)."""
    result = Drained()
    if grace_seconds is None:
        grace_seconds = float(os.environ.get("STRATUS_OUTBOX_GRACE_SECONDS", GRACE_SECONDS))
    cutoff = time.time() - grace_seconds
    for shard in range(SHARDS):
        for event in _pending(shard, cutoff, limit - result.published - result.failed):
            try:
                publisher.send(event)
            except QueueUnavailable as exc:
                result.failed += 1
                result.errors.append(f"{event.id}: {exc.message}")
                continue
            _remove([event])
            result.published += 1
    return result


def pending_count() -> int:
    """How many entries wait, young ones included (a Query per shard; for tools and tests)."""
    return sum(1 for shard in range(SHARDS) for _ in _pending(shard, time.time() + 1, 10_000))


def _pending(shard: int, cutoff: float, limit: int) -> list[ServiceEvent]:
    if limit <= 0:
        return []
    pages = (
        aws.client("dynamodb")
        .get_paginator("query")
        .paginate(
            TableName=_table(),
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"OUTBOX#{shard}"}},
            ConsistentRead=True,
        )
    )
    found: list[ServiceEvent] = []
    for page in pages:
        for item in page.get("Items", []):
            if float(item["stagedAt"]["N"]) > cutoff:
                return found  # sorted by time: the rest are younger still
            found.append(ServiceEvent.model_validate(json.loads(item["event"]["S"])))
            if len(found) >= limit:
                return found
    return found


def _remove(events: list[ServiceEvent]) -> None:
    """Delete published entries. A failure here only means the drain publishes them again (same ids)."""
    try:
        for start in range(0, len(events), 25):
            requests: Any = [{"DeleteRequest": {"Key": _key(e)}} for e in events[start : start + 25]]
            aws.client("dynamodb").batch_write_item(RequestItems={_table(): requests})
    except (BotoCoreError, ClientError):
        log.warning("published events stay in the outbox; the drain will publish them again", exc_info=True)
