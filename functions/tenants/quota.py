"""Quota checks and reservations. A reservation is one conditional UpdateItem evaluated by DynamoDB
(`usage + n <= limit`), so concurrent reservations can never over-commit a tenant."""

from __future__ import annotations

import time
from typing import NamedTuple

from functions.tenants import ports
from functions.tenants.lookup import load, require_usable, require_valid_id
from functions.tenants.models import QuotaRequest, QuotaResult, SeatRequest, UsageCorrection
from functions.tenants.ports import ConditionFailed, TenantRecord
from shared.errors import (
    FileTooLarge,
    InvalidRequest,
    ServiceUnavailable,
    StorageQuotaExceeded,
    StratusError,
    TenantNotFound,
    TenantQuotaExceeded,
)
from shared.events import publisher
from shared.observability import logger

log = logger("tenants")

# The condition also pins the limit that was read; if the limit moves meanwhile, read and try again.
RESERVE_ATTEMPTS = 3
# A seat's marker outlives any retry of the request that made it (seconds); TTL removes it after.
SEAT_MEMORY_SECONDS = 24 * 3600


class Resource(NamedTuple):
    usage: str  # attribute inside `usage`
    quota: str  # attribute inside `quotas`
    exceeded: type[StratusError]


RESOURCES = {
    "storage": Resource("storageBytes", "storageBytes", StorageQuotaExceeded),
    "users": Resource("users", "maxUsers", TenantQuotaExceeded),
}
_ONE_SEAT = QuotaRequest(resource_type="users", requested_amount=1, operation="reserve")


def check_quota(tenant_id: str, request: QuotaRequest) -> QuotaResult:
    require_valid_id(tenant_id)
    resource = RESOURCES[request.resource_type]
    if request.operation == "release":
        return _release(tenant_id, resource, request.requested_amount)
    for _ in range(RESERVE_ATTEMPTS):
        current = load(tenant_id)
        used, limit = current.usage.get(resource.usage, 0), current.quotas[resource.quota]
        if request.resource_type == "storage":
            _check_file_size(current.quotas, request.requested_amount)
        if used + request.requested_amount > limit:
            _refuse(tenant_id, request, resource, used=used, limit=limit)
        if request.operation == "check":
            return QuotaResult(allowed=True, used=used, limit=limit)
        try:
            after = ports.store().add_usage(
                tenant_id, resource.usage, resource.quota, request.requested_amount, limit
            )
        except ConditionFailed:
            continue  # over by now (the next read refuses) or the limit moved (the next read retries)
        return QuotaResult(allowed=True, used=after.usage[resource.usage], limit=limit)
    raise ServiceUnavailable("The tenant's quota kept changing during the reservation; try again")


def seat(tenant_id: str, request: SeatRequest) -> QuotaResult:
    """One user seat under the caller's key: the tenant read (refused as validate refuses it, with
    `usableOnly`), then the count and the key's marker in one transaction. A repeat finds the marker and
    counts nothing, even when the tenant is full by now; a release gives back only what the key holds."""
    require_valid_id(tenant_id)
    resource = RESOURCES["users"]
    if request.operation == "release":
        ports.store().release_seat(tenant_id, request.key)  # False: nothing held (released already)
        current = load(tenant_id)
        return QuotaResult(
            allowed=True, used=current.usage.get(resource.usage, 0), limit=current.quotas[resource.quota]
        )
    for _ in range(RESERVE_ATTEMPTS):
        record = ports.store().get(tenant_id)
        current = require_usable(tenant_id, record) if request.usable_only else _found(tenant_id, record)
        used, limit = current.usage.get(resource.usage, 0), current.quotas[resource.quota]
        if used + 1 > limit:
            if ports.store().holds_seat(tenant_id, request.key):
                return QuotaResult(allowed=True, used=used, limit=limit)
            _refuse(tenant_id, _ONE_SEAT, resource, used=used, limit=limit)
        try:
            counted = ports.store().reserve_seat(
                tenant_id, request.key, limit=limit, expires_at=int(time.time()) + SEAT_MEMORY_SECONDS
            )
        except ConditionFailed:
            continue  # over by now (the next read refuses) or the limit moved (the next read retries)
        return QuotaResult(allowed=True, used=used + 1 if counted else used, limit=limit)
    raise ServiceUnavailable("The tenant's quota kept changing during the reservation; try again")


def _found(tenant_id: str, record: TenantRecord | None) -> TenantRecord:
    if record is None:
        raise TenantNotFound(details={"tenantId": tenant_id})
    return record


def _check_file_size(quotas: dict[str, int], size: int) -> None:
    """A storage request is one file: the plan's `maxFileBytes` bounds it (413, not a quota refusal)."""
    if size > quotas["maxFileBytes"]:
        raise FileTooLarge(
            "The file is larger than the tenant's plan allows",
            details={"maxFileBytes": quotas["maxFileBytes"], "requested": size},
        )


def _release(tenant_id: str, resource: Resource, amount: int) -> QuotaResult:
    try:
        after = ports.store().subtract_usage(tenant_id, resource.usage, amount)
    except ConditionFailed:
        current = load(tenant_id)  # 404 when it is not there at all
        used = current.usage.get(resource.usage, 0)
        raise InvalidRequest(
            "Cannot release more than is in use",
            field="requestedAmount",
            details={"used": used, "limit": current.quotas[resource.quota], "requested": amount},
        ) from None
    return QuotaResult(allowed=True, used=after.usage[resource.usage], limit=after.quotas[resource.quota])


def _refuse(tenant_id: str, request: QuotaRequest, resource: Resource, *, used: int, limit: int) -> None:
    """403 with the numbers, and tenant.quota_exceeded. A refusal writes nothing, so the event is put into
    the outbox on its own before answering: a bus outage neither turns a definite "no" into a retryable
    503 nor loses the event (the drain delivers it)."""
    numbers = {"used": used, "limit": limit, "requested": request.requested_amount}
    ports.outbox().emit(
        publisher.build(
            "tenant.quota_exceeded",
            {"tenantId": tenant_id, "resourceType": request.resource_type, **numbers},
            tenant_id=tenant_id,
        )
    )
    raise resource.exceeded(f"The tenant's {request.resource_type} quota is exceeded", details=numbers)


def reconcile_storage(tenant_id: str, actual: int) -> UsageCorrection:
    """Set the storage usage to `actual` (what the file records hold). A reservation racing with the job
    can be overwritten by a figure computed just before it; the next run corrects that in turn."""
    require_valid_id(tenant_id)
    try:
        previous, _ = ports.store().set_usage(tenant_id, RESOURCES["storage"].usage, actual)
    except ConditionFailed:
        load(tenant_id)  # 404 TENANT_NOT_FOUND
        raise
    if previous != actual:
        log.warning("storage usage corrected", tenant=tenant_id, previous=previous, actual=actual)
    return UsageCorrection(tenant_id=tenant_id, previous=previous, used=actual, corrected=previous != actual)
