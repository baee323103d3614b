"""Audit records: one per event, written once, and the tenant's way to read them.

Who a record is about. `actorId` is the event's `userId` (who did it); `subjectId` is the first of the
data's `userId`, `fileId`, `tenantId`, `jobId` (what it was done to). The user filter finds a record when
the user is its actor *or* its subject user (data.userId): the record is indexed (gsi2) under the subject
user when the event names one, else under the actor, and when both exist and differ an index-only copy is
indexed under the actor (see `layout`). Asking for `type` and `userId` together reads the type index and
keeps the records of that user.

`total`. Counts are maintained in the same transaction as the record: per tenant, per type and per user.
So `total` is exact for no filter, for `type` alone and for `userId` alone. With `from`/`to`, or with
`type` and `userId` together, no maintained count applies and `total` is derived from the pages: the
records on the pages before this one plus this page (a lower bound; `hasNext` says whether there is more).

Time. Sort keys start with the event's timestamp in one canonical UTC form (`2024-05-01T12:00:00.000Z`,
milliseconds), so `from`/`to` (any ISO-8601; without an offset they mean UTC) bound the sort key directly.
A timestamp that does not parse is kept as it came, so the event is still recorded.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from functions.audit import layout, ports
from functions.audit.models import AuditRecord, AuditRecordOut
from shared import permissions
from shared.config import settings
from shared.context import require
from shared.envelopes import Cursor, Page
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.observability import logger

log = logger("audit")
_SUBJECT_FIELDS = ("userId", "fileId", "tenantId", "jobId")
# Event types as the catalog spells them; user ids as any service mints them (no `#`: keys use it).
EVENT_TYPE = re.compile(r"^[a-z]+\.[a-z_]+$")
USER_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
# Above every character an event id uses: `<to>#~` is after every record of the `to` millisecond.
_LAST = "~"


# --- writing -----------------------------------------------------------------------------------------
def record(event: ServiceEvent) -> bool:
    """Record `event` in its tenant (`platform` when it has none). False if it was already recorded."""
    subject = next((str(event.data[f]) for f in _SUBJECT_FIELDS if event.data.get(f)), None)
    subject_user = event.data.get("userId")
    entry = AuditRecord(
        tenant_id=event.tenant_id or settings().platform_tenant,
        event_id=event.id,
        type=event.type,
        timestamp=_canonical_or_raw(event.timestamp),
        source=event.source,
        actor_id=_user_or_none(event.user_id),
        subject_id=subject,
        subject_user_id=_user_or_none(str(subject_user)) if subject_user else None,
        request_id=event.metadata.request_id,
        correlation_id=event.correlation_id,
        data=dict(event.data),
    )
    written = ports.store().insert(entry)
    if not written:
        log.info("event already recorded", event_id=event.id)
    return written


def _user_or_none(user_id: str | None) -> str | None:
    """A user id that can be a key part; another one is kept out of the user index (logged), not fatal."""
    if user_id is None or USER_ID.fullmatch(user_id):
        return user_id
    log.warning("user id not indexable; recorded without it", user_id=user_id[:200])
    return None


def _canonical_or_raw(timestamp: str) -> str:
    try:
        return canonical(timestamp)
    except ValueError:
        log.warning("event timestamp is not ISO-8601; recorded as it came", timestamp=timestamp[:100])
        return timestamp.replace("#", "_")


def canonical(value: str) -> str:
    """ISO-8601 → `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC; ValueError if it is not ISO-8601."""
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        utc = instant.astimezone(UTC)
    except OverflowError as exc:  # year 1 with a positive offset, year 9999 with a negative one
        raise ValueError(value) from exc
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- reading -----------------------------------------------------------------------------------------
def search(
    *,
    event_type: str | None,
    user_id: str | None,
    since: str | None,
    until: str | None,
    page_size: int,
    cursor: str | None,
) -> Page[AuditRecordOut]:
    """The caller's tenant's records, newest first (audit.read)."""
    caller = require().require_user()
    permissions.require(caller, "audit.read")
    tenant = caller.tenant_id
    if event_type is not None and not EVENT_TYPE.fullmatch(event_type):
        raise InvalidRequest("type: must be an event type such as user.created", field="type")
    if user_id is not None and not USER_ID.fullmatch(user_id):
        raise InvalidRequest("userId: not a user id", field="userId")
    lower = _bound(since, "from")
    upper = _bound(until, "to")
    if lower is not None and upper is not None and lower > upper:
        raise InvalidRequest("from: must not be after to", field="from")

    upper_sk = f"{upper}#{_LAST}" if upper else None
    index: str | None
    if event_type:
        partition, index = layout.type_key(tenant, event_type), "gsi1"
    elif user_id:
        partition, index = layout.user_key(tenant, user_id), "gsi2"
    else:
        partition, index = layout.records_pk(tenant), None
    # Both filters: the type index, keeping the user's records (the contract's choice).
    user_filter = user_id if event_type else None
    selection = layout.Selection(tenant, index, partition, lower, upper_sk, user_filter)
    found, next_cursor = ports.store().page(selection, page_size=page_size, cursor=cursor)

    if lower or upper or (event_type and user_id):
        total = (Cursor.page_of(cursor) - 1) * page_size + len(found)
    else:
        total = ports.store().count(tenant, event_type=event_type, user_id=user_id)
    return Page[AuditRecordOut].of(
        [to_out(r) for r in found],
        total=total,
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def _bound(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return canonical(value)
    except ValueError:
        raise InvalidRequest(f"{name}: must be an ISO-8601 timestamp", field=name) from None


def to_out(entry: AuditRecord) -> AuditRecordOut:
    return AuditRecordOut(
        event_id=entry.event_id,
        type=entry.type,
        timestamp=entry.timestamp,
        actor_id=entry.actor_id,
        subject_id=entry.subject_id,
        request_id=entry.request_id,
        correlation_id=entry.correlation_id,
        source=entry.source,
        data=entry.data,
    )
