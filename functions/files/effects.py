"""What the files service asks of others: rbac's permission check and the tenant's storage quota (reserve
and release, through tenants). Its events go through the outbox (shared.outbox), beside its writes."""

from __future__ import annotations

from typing import Any, NamedTuple

from shared.errors import PermissionDenied
from shared.observability import logger as service_logger
from shared.service_client import ServiceClient

client = ServiceClient("files")
logger = service_logger("files")


class Usage(NamedTuple):
    """A tenant's storage after a reservation: bytes in use (this request included) and the limit."""

    used: int
    limit: int


def require_permission(tenant_id: str, user_id: str, action: str, context: dict[str, Any]) -> None:
    """Ask rbac (the authority, fresher than the token's permission list); a "no" is 403."""
    answer = client.post(
        "rbac",
        "/internal/permissions/check",
        {"userId": user_id, "tenantId": tenant_id, "resource": "file", "action": action, "context": context},
    )
    if not isinstance(answer, dict) or answer.get("allowed") is not True:
        raise PermissionDenied(f"Requires file.{action}", details={"permission": f"file.{action}"})


def reserve_storage(tenant_id: str, amount: int) -> Usage:
    """Reserve `amount` bytes. tenants refuses with 403 STORAGE_QUOTA_EXCEEDED or 413 FILE_TOO_LARGE (the
    plan's largest file), which propagate to the caller as they are."""
    answer = _quota(tenant_id, amount, "reserve")
    return Usage(used=int(answer.get("used", 0)), limit=int(answer.get("limit", 0)))


def release_storage(tenant_id: str, amount: int) -> None:
    if amount > 0:
        _quota(tenant_id, amount, "release")


def _quota(tenant_id: str, amount: int, operation: str) -> dict[str, Any]:
    answer = client.post(
        "tenants",
        f"/internal/tenants/{tenant_id}/check-quota",
        {"resourceType": "storage", "requestedAmount": amount, "operation": operation},
    )
    return answer if isinstance(answer, dict) else {}


def release_quietly(tenant_id: str, amount: int, **log_keys: Any) -> bool:
    """Release on a path that is already failing (or already done): a refusal here must not hide the
    original outcome, so it is logged (reconcile-storage finds the drift) instead of raised."""
    try:
        release_storage(tenant_id, amount)
    except Exception:
        logger.exception("storage reservation not released", tenant_id=tenant_id, amount=amount, **log_keys)
        return False
    return True
