"""Consent: an owner grants a verified expert of their own tenant read access to their readings until a
time; an expert's read without an unexpired grant is 403, and every read by someone other than the owner
emits `health.data_accessed` (the audit service records it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from apps.health import access, experts, store
from apps.health.models import GrantIn, GrantOut, iso
from shared import outbox
from shared.envelopes import utc_now_iso
from shared.errors import InvalidRequest, PermissionDenied
from shared.events import publisher


class NoGrant(PermissionDenied):
    default_message = "This user has not granted you access to their readings"


def grant(body: GrantIn) -> GrantOut:
    """An expert of another tenant, an unverified one or no expert at all is simply not found (404)."""
    user = access.caller()
    if body.expert_id == user.user_id:
        raise InvalidRequest("You always read your own readings", field="expertId")
    experts.require_verified(user.tenant_id, body.expert_id)
    doc = {
        "ownerId": user.user_id,
        "expertId": body.expert_id,
        "expiresAt": iso(body.expires_at),
        "createdAt": utc_now_iso(),
    }
    store.put_grant(user.tenant_id, doc, int(body.expires_at.timestamp()))
    event = publisher.build(
        "health.access_granted",
        {
            "tenantId": user.tenant_id,
            "userId": user.user_id,
            "expertId": body.expert_id,
            "expiresAt": doc["expiresAt"],
        },
        tenant_id=user.tenant_id,
    )
    outbox.emit(event)
    return GrantOut.model_validate(doc)


def revoke(expert_id: str) -> None:
    """Idempotent: withdrawing a grant that is not there (any more) is no error."""
    user = access.caller()
    store.delete_grant(user.tenant_id, user.user_id, expert_id)


def require_grant(tenant_id: str, *, owner: str, expert: str) -> None:
    """The grant is read in the caller's tenant only, and its expiry checked here (TTL deletion is lazy)."""
    found = store.grant(tenant_id, owner, expert)
    if found is None or found["expiresAt"] <= iso(datetime.now(UTC)):
        raise NoGrant(details={"userId": owner})


def audit_access(tenant_id: str, *, owner: str, expert: str, reading_type: str | None, count: int) -> None:
    data = {
        "tenantId": tenant_id,
        "userId": owner,
        "accessorId": expert,
        "resource": "readings",
        "readingType": reading_type,
        "count": count,
    }
    outbox.emit(publisher.build("health.data_accessed", data, tenant_id=tenant_id, user_id=expert))
