"""What the files service asks of others: rbac's permission check and the tenant's storage quota (reserve
and release, through tenants). Its events go through the outbox (shared.outbox), beside its writes."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import ValidationError

from functions.files.manifest import SERVICE
from functions.rbac.client import CheckRequest, RbacClient
from functions.tenants.client import QuotaRequest, QuotaResult, TenantsClient
from shared.errors import InvalidRequest, PermissionDenied
from shared.observability import logger as service_logger

rbac = RbacClient(SERVICE)
tenants = TenantsClient(SERVICE)
logger = service_logger("files")


class Usage(NamedTuple):
    """A tenant's storage after a reservation: bytes in use (this request included) and the limit."""

    used: int
    limit: int


def require_permission(tenant_id: str, user_id: str, action: str, context: dict[str, Any]) -> None:
    """Ask rbac (the authority, fresher than the token's permission list); a "no" is 403."""
    answer = rbac.check(
        CheckRequest(user_id=user_id, tenant_id=tenant_id, resource="file", action=action, context=context)
    )
    if not answer.allowed:
        raise PermissionDenied(f"Requires file.{action}", details={"permission": f"file.{action}"})


def reserve_storage(tenant_id: str, amount: int) -> Usage:
    """Reserve `amount` bytes. tenants refuses with 403 STORAGE_QUOTA_EXCEEDED or 413 FILE_TOO_LARGE (the
    plan's largest file), which propagate to the caller as they are."""
    answer = _quota(tenant_id, amount, "reserve")
    return Usage(used=answer.used, limit=answer.limit)


def release_storage(tenant_id: str, amount: int) -> None:
    if amount > 0:
        _quota(tenant_id, amount, "release")


def _quota(tenant_id: str, amount: int, operation: Literal["reserve", "release"]) -> QuotaResult:
    try:
        request = QuotaRequest(resource_type="storage", requested_amount=amount, operation=operation)
    except ValidationError as exc:  # more bytes than tenants counts at all: refused as tenants would
        raise InvalidRequest(
            "The amount is outside what a storage quota counts", field="requestedAmount"
        ) from exc
    return tenants.check_quota(tenant_id, request)


def release_quietly(tenant_id: str, amount: int, **log_keys: Any) -> bool:
    """Release on a path that is already failing (or already done): a refusal here must not hide the
    original outcome, so it is logged (reconcile-storage finds the drift) instead of raised."""
    try:
        release_storage(tenant_id, amount)
    except Exception:
        logger.exception("storage reservation not released", tenant_id=tenant_id, amount=amount, **log_keys)
        return False
    return True
