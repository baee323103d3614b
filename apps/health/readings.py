"""Readings: recorded one at a time or in batches of up to 500 (all or nothing), each sealed at rest with
a KMS data key of its own (shared.sealed: envelope encryption, the key bound to tenant, owner and reading),
read back by their owner or by an expert the owner granted access to (consent.py; every such read is
audited as `health.data_accessed`). An out-of-range reading emits `health.alert`.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from apps.health import access, consent, ranges, store
from apps.health.models import (
    MAX_BATCH,
    BatchResult,
    ReadingBatchIn,
    ReadingIn,
    ReadingOut,
    iso,
)
from apps.health.pii import masked
from shared import outbox, sealed
from shared.context import new_id
from shared.envelopes import Cursor, Page, utc_now_iso
from shared.errors import InvalidRequest
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger

log = logger("health")
PURPOSE = "health.reading"
# KMS calls are network round trips: a batch seals (and a page unseals) this many at once.
_PARALLEL = 8
_EARLIEST = "0000"
_ALERTS_PER_STAGE = 50


def _context(tenant_id: str, user_id: str, reading_id: str) -> dict[str, str]:
    """The encryption context: a sealed value opens only as this reading of this owner in this tenant."""
    return {"tenantId": tenant_id, "userId": user_id, "readingId": reading_id, "purpose": PURPOSE}


def _value_json(reading: ReadingIn) -> Any:
    value = reading.value
    return value if isinstance(value, float) else value.model_dump()


def _prepare(tenant_id: str, user_id: str, reading: ReadingIn, now: str) -> tuple[dict[str, Any], Any]:
    value = _value_json(reading)
    doc = {
        "readingId": new_id("r_"),
        "userId": user_id,
        "type": reading.type,
        "unit": reading.unit,
        "measuredAt": iso(reading.measured_at),
        "createdAt": now,
        "outOfRange": ranges.out_of_range(reading.type, value, reading.unit),
    }
    return doc, value


def _seal(tenant_id: str, doc: dict[str, Any], value: Any) -> dict[str, Any]:
    token = sealed.seal(
        json.dumps(value).encode(), context=_context(tenant_id, doc["userId"], doc["readingId"])
    )
    return store.reading_item(tenant_id, doc, token)


def _alert(tenant_id: str, doc: dict[str, Any]) -> ServiceEvent:
    """The alert names the reading, not its value: the event bus and its subscribers are not the vault."""
    data = {
        "tenantId": tenant_id,
        "userId": doc["userId"],
        "readingId": doc["readingId"],
        "type": doc["type"],
        "measuredAt": doc["measuredAt"],
        "referenceRange": ranges.reference_of(doc["type"]) or {},
    }
    return publisher.build("health.alert", data, tenant_id=tenant_id, user_id=doc["userId"])


def _write(tenant_id: str, prepared: list[tuple[dict[str, Any], Any]]) -> None:
    """Seal, stage the alerts in the outbox, write the readings, then release the alerts: a failed write
    withdraws them (nothing is announced that was not stored), a bus outage leaves them to the drain."""
    with ThreadPoolExecutor(max_workers=min(_PARALLEL, len(prepared))) as pool:
        items = list(pool.map(lambda p: _seal(tenant_id, *p), prepared))
    alerts = [_alert(tenant_id, doc) for doc, _ in prepared if doc["outOfRange"]]
    # A DynamoDB transaction holds at most 100 items: a batch's alerts are staged in chunks.
    chunks = [alerts[i : i + _ALERTS_PER_STAGE] for i in range(0, len(alerts), _ALERTS_PER_STAGE)]
    staged: list[list[ServiceEvent]] = []
    try:
        for chunk in chunks:
            outbox.stage(*chunk)
            staged.append(chunk)
        store.put_items(items)
    except BaseException:
        for chunk in staged:
            try:
                outbox.withdraw(*chunk)
            except Exception:  # the write's failure matters more; the drain publishes what is left
                log.exception("staged alerts not withdrawn", count=len(chunk))
        raise
    for chunk in chunks:
        outbox.release(*chunk)
    if alerts:
        log.info("out-of-range readings", count=len(alerts))


def _out(doc: dict[str, Any], value: Any) -> ReadingOut:
    return ReadingOut.model_validate({**doc, "value": value})


def record(body: ReadingIn) -> ReadingOut:
    user = access.caller()
    doc, value = _prepare(user.tenant_id, user.user_id, body, utc_now_iso())
    _write(user.tenant_id, [(doc, value)])
    return _out(doc, value)


def _problem(index: int, exc: ValidationError) -> InvalidRequest:
    """`readings[3].value: …` - the first problem of the first invalid reading, its index in details."""
    first = exc.errors()[0]
    loc = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    # A whole-reading check names its field in its message (`unit: …`): point at that field.
    if not loc and ": " in message and message.split(": ", 1)[0] in ("unit", "value"):
        loc, message = message.split(": ", 1)
    field = f"readings[{index}]" + (f".{loc}" if loc else "")
    return InvalidRequest(f"{field}: {message}", field=field, details={"index": index})


def record_batch(body: ReadingBatchIn) -> BatchResult:
    """Every reading is validated before any is written: one invalid reading → 400 naming its index, and
    nothing is stored."""
    user = access.caller()
    parsed: list[ReadingIn] = []
    for index, raw in enumerate(body.readings[:MAX_BATCH]):
        try:
            parsed.append(ReadingIn.model_validate(raw))
        except ValidationError as exc:
            refused = _problem(index, exc)
            # what was refused helps whoever reads the log; the value and free text are not theirs to see
            log.info("batch refused", field=refused.field, reading=masked(raw))
            raise refused from None
    now = utc_now_iso()
    prepared = [_prepare(user.tenant_id, user.user_id, reading, now) for reading in parsed]
    _write(user.tenant_id, prepared)
    return BatchResult(
        count=len(prepared),
        out_of_range=sum(1 for doc, _ in prepared if doc["outOfRange"]),
        reading_ids=[doc["readingId"] for doc, _ in prepared],
    )


def parse_time(text: str | None, field: str) -> str | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    except (ValueError, OverflowError):
        raise InvalidRequest(f"{field} is not an ISO-8601 time", field=field) from None


def unseal_all(tenant_id: str, found: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], Any]]:
    def opened(pair: tuple[dict[str, Any], str]) -> tuple[dict[str, Any], Any]:
        doc, token = pair
        raw = sealed.unseal(token, context=_context(tenant_id, doc["userId"], doc["readingId"]))
        return doc, json.loads(raw)

    if not found:
        return []
    with ThreadPoolExecutor(max_workers=min(_PARALLEL, len(found))) as pool:
        return list(pool.map(opened, found))


def list_readings(
    reading_type: str | None,
    start: str | None,
    end: str | None,
    owner_id: str | None,
    page_size: int,
    cursor: str | None,
) -> Page[ReadingOut]:
    """The caller's readings, or - `owner_id` another member's - an expert's read under that owner's
    unexpired grant (403 otherwise), which is audited."""
    user = access.caller()
    owner = owner_id or user.user_id
    if owner != user.user_id:
        consent.require_grant(user.tenant_id, owner=owner, expert=user.user_id)
    after, page = Cursor.decode(cursor)
    first = parse_time(start, "from") or _EARLIEST
    last = parse_time(end, "to") or iso(datetime.now(UTC).replace(year=datetime.now(UTC).year + 1))
    found, next_key = store.readings(
        user.tenant_id, owner, reading_type, first, last, limit=page_size, after=after
    )
    items = [_out(doc, value) for doc, value in unseal_all(user.tenant_id, found)]
    if owner != user.user_id:
        consent.audit_access(
            user.tenant_id, owner=owner, expert=user.user_id, reading_type=reading_type, count=len(items)
        )
    next_cursor = Cursor.encode(next_key, page=page + 1)
    return Page[ReadingOut].of(
        items,
        total=(page - 1) * page_size + len(items),  # the readings on pages so far (no maintained count)
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )
