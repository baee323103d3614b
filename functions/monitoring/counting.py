"""What each event counts, where, and on which day; and the tenant's summary of those counts.

An event counts on the UTC day it happened (its own timestamp), not the day it was processed: a
redelivery or a late message lands in the same item, and a day's numbers describe that day. A tenant's
events count under that tenant; `tenant.created` counts under the platform tenant and the new tenant;
job results count under the platform tenant. Other `system.*` events count nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from functions.monitoring import ports
from functions.monitoring.models import COUNTERS, Counters, DayCounters, Summary
from shared import permissions
from shared.config import settings
from shared.context import require
from shared.events.model import ServiceEvent
from shared.observability import logger, record_business

log = logger("monitoring")
Increments = dict[str, dict[str, int]]  # tenant → counter → amount


def _file_size(event: ServiceEvent) -> int:
    size = event.data.get("fileSize")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        return size
    log.warning("file event without a usable fileSize; its bytes count as 0", event_id=event.id)
    return 0


def _own(counters: Callable[[ServiceEvent], dict[str, int]]) -> Callable[[ServiceEvent], Increments]:
    """Counts under the event's own tenant (none: nothing to count)."""

    def under_tenant(event: ServiceEvent) -> Increments:
        return {event.tenant_id: counters(event)} if event.tenant_id else {}

    return under_tenant


def _platform(counters: dict[str, int]) -> Callable[[ServiceEvent], Increments]:
    return lambda _event: {settings().platform_tenant: dict(counters)}


def _tenant_created(event: ServiceEvent) -> Increments:
    new_tenant = event.data.get("tenantId") or event.tenant_id
    found = {settings().platform_tenant: {"tenantsCreated": 1}}
    if isinstance(new_tenant, str) and new_tenant:
        found[new_tenant] = {"tenantsCreated": 1}
    return found


RULES: dict[str, Callable[[ServiceEvent], Increments]] = {
    "user.login": _own(lambda e: {"logins": 1}),
    "user.created": _own(lambda e: {"usersCreated": 1}),
    "user.deleted": _own(lambda e: {"usersDeleted": 1}),
    "file.uploaded": _own(lambda e: {"uploads": 1, "uploadBytes": _file_size(e)}),
    "file.deleted": _own(lambda e: {"deletedFiles": 1, "deletedBytes": _file_size(e)}),
    "tenant.created": _tenant_created,
    "system.job_completed": _platform({"jobsCompleted": 1}),
    "system.job_failed": _platform({"jobsFailed": 1}),
}


def increments_for(event: ServiceEvent) -> Increments:
    rule = RULES.get(event.type)
    return rule(event) if rule else {}


def count(event: ServiceEvent) -> bool:
    """Add the event's counts once. True if added now, False if already counted or nothing to count."""
    increments = increments_for(event)
    if not increments:
        log.debug("event counts nothing", event_type=event.type)
        return False
    added = ports.store().count_once(event.id, event_day(event), increments)
    if not added:
        log.info("event already counted", event_id=event.id)
        return False
    for tenant_id, counts in increments.items():
        record_business("monitoring", counts, tenant_id=tenant_id)
    return True


def event_day(event: ServiceEvent) -> str:
    """The UTC day of the event's own timestamp (the processing day if the timestamp does not parse)."""
    try:
        instant = datetime.fromisoformat(event.timestamp)
        instant = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
    except (ValueError, OverflowError):
        log.warning("event timestamp is not ISO-8601; counted today", event_id=event.id)
        instant = datetime.now(UTC)
    return instant.date().isoformat()


# --- the summary -------------------------------------------------------------------------------------
def summary(days: int, *, today: date | None = None) -> Summary:
    """The caller's tenant's last `days` days (today included): one Query (metrics.read)."""
    caller = require().require_user()
    permissions.require(caller, "metrics.read")
    last = today or datetime.now(UTC).date()
    window = [last - timedelta(days=n) for n in range(days - 1, -1, -1)]
    stored = ports.store().days(caller.tenant_id, window[0].isoformat(), last.isoformat())
    per_day = [
        DayCounters.model_validate({**_known(stored.get(d.isoformat(), {})), "date": d.isoformat()})
        for d in window
    ]
    total = Counters()
    for day in per_day:
        total = total.plus(day)
    today_counters = Counters.model_validate(_known(stored.get(last.isoformat(), {})))
    return Summary(tenant_id=caller.tenant_id, today=today_counters, total=total, days=per_day)


def _known(numbers: dict[str, Any]) -> dict[str, int]:
    """Only counter attributes (the item also holds keys and index values)."""
    return {name: int(numbers[name]) for name in COUNTERS if name in numbers}
