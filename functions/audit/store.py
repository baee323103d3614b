"""The `audit` table (its layout: `functions.audit.layout`), the DynamoDB side of `ports.AuditStore`:
the only module that reads or writes it, every read and write through the pynamodb models below.

Everything an event writes is one `shared.transactions.Transaction` whose puts are conditioned on the
item being new: a redelivered event fails the condition and adds nothing, counts included. Nothing here
updates or deletes a record.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition

from functions.audit.layout import Key, Selection, count_key, count_keys, counts_pk, paged, placements
from functions.audit.models import AuditRecord
from shared.errors import ServiceUnavailable
from shared.tables import Gsi1, Gsi2, Item, table_meta
from shared.transactions import Transaction

TABLE = "audit"
_CONFLICT_ATTEMPTS = 4  # events of one tenant contend on its count items


class RecordItem(Item):
    """A record, or its actor copy (the same attributes under the copies partition)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    event_id = UnicodeAttribute(attr_name="eventId")
    event_type = UnicodeAttribute(attr_name="type")
    timestamp = UnicodeAttribute()
    source = UnicodeAttribute()
    actor_id = UnicodeAttribute(attr_name="actorId", null=True)
    subject_id = UnicodeAttribute(attr_name="subjectId", null=True)
    subject_user_id = UnicodeAttribute(attr_name="subjectUserId", null=True)
    request_id = UnicodeAttribute(attr_name="requestId", null=True)
    correlation_id = UnicodeAttribute(attr_name="correlationId", null=True)
    # Kept as the JSON the event carried: exact numbers, no float/Decimal round trip.
    payload = UnicodeAttribute(attr_name="data", null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    gsi2 = Gsi2()

    def record(self, tenant_id: str) -> AuditRecord:
        return AuditRecord(
            tenant_id=tenant_id,
            event_id=self.event_id,
            type=self.event_type,
            timestamp=self.timestamp,
            source=self.source,
            actor_id=self.actor_id,
            subject_id=self.subject_id,
            subject_user_id=self.subject_user_id,
            request_id=self.request_id,
            correlation_id=self.correlation_id,
            data=json.loads(self.payload or "{}"),
        )


class CountItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    total = NumberAttribute(attr_name="count", null=True)  # `count` would shadow Model.count


# --- the write ---------------------------------------------------------------------------------------
def insert(record: AuditRecord) -> bool:
    """Record the event once. True if written now, False if it was already recorded."""
    txn = Transaction(table=TABLE, attempts=_CONFLICT_ATTEMPTS)
    for place in placements(record):
        item = RecordItem(
            place.pk,
            place.sk,
            event_id=record.event_id,
            event_type=record.type,
            timestamp=record.timestamp,
            source=record.source,
            actor_id=record.actor_id,
            subject_id=record.subject_id,
            subject_user_id=record.subject_user_id,
            request_id=record.request_id,
            correlation_id=record.correlation_id,
            payload=json.dumps(record.data, separators=(",", ":"), sort_keys=True),
            gsi1pk=place.gsi1pk,
            gsi1sk=place.sk if place.gsi1pk else None,
            gsi2pk=place.gsi2pk,
            gsi2sk=place.sk if place.gsi2pk else None,
        )
        txn.put(item, condition=RecordItem.pk.does_not_exist())
    for sk in count_keys(record):
        txn.update(CountItem(counts_pk(record.tenant_id), sk), [CountItem.total.add(1)])
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed():
        return False
    raise ServiceUnavailable(f"The audit record was not written: {cancelled.reasons}")


# --- counts ------------------------------------------------------------------------------------------
def count(tenant_id: str, *, event_type: str | None = None, user_id: str | None = None) -> int:
    """The maintained count of the tenant's records: all, of one type, or naming one user."""
    item = CountItem.get_live(counts_pk(tenant_id), count_key(event_type, user_id))
    return int(item.total or 0) if item else 0


# --- the query ---------------------------------------------------------------------------------------
def page(selection: Selection, *, page_size: int, cursor: str | None) -> tuple[list[AuditRecord], str | None]:
    """One page, newest first, and the cursor of the next (None when there is no more): `layout.paged`,
    each round one Query request."""

    def read(start: Key | None, limit: int) -> tuple[list[tuple[Key, AuditRecord]], Key | None]:
        query = _query(selection, start, limit)
        response = next(query.page_iter, None)  # exactly one Query request
        raw: list[dict[str, Any]] = response.get("Items", []) if response else []
        pk_name, sk_name = selection.key_names
        names = {"pk", "sk", pk_name, sk_name}
        found = [
            (
                {n: item[n] for n in names},
                RecordItem.from_raw_data(item).record(selection.tenant_id),
            )
            for item in raw
        ]
        return found, query.page_iter.last_evaluated_key

    return paged(selection, page_size=page_size, cursor=cursor, read=read)


def _query(selection: Selection, start: Key | None, limit: int) -> Any:
    """The Query of one round: the selection's partition and bounds, its filter, newest first."""
    sort_key = {None: RecordItem.sk, "gsi1": RecordItem.gsi1sk, "gsi2": RecordItem.gsi2sk}[selection.index]
    bounds: Condition | None = None
    if selection.lower and selection.upper:
        bounds = sort_key.between(selection.lower, selection.upper)
    elif selection.lower:
        bounds = sort_key >= selection.lower
    elif selection.upper:
        bounds = sort_key <= selection.upper
    only_user: Condition | None = None
    if selection.user_filter:
        user = selection.user_filter
        only_user = (RecordItem.actor_id == user) | (RecordItem.subject_user_id == user)
    source: Any = {None: RecordItem, "gsi1": RecordItem.gsi1, "gsi2": RecordItem.gsi2}[selection.index]
    return source.query(
        selection.partition,
        bounds,
        only_user,
        scan_index_forward=False,
        page_size=limit,
        last_evaluated_key=start,
    )
