"""Experts: a member registers a profile (pending), a holder of `health.expert.verify` verifies it; only
verified experts can be granted access, offer slots and be booked. An expert's id is their user id."""

from __future__ import annotations

import re
from typing import Any

from apps.health import access, store
from apps.health.models import ID_PATTERN, ExpertIn, ExpertOut
from shared import permissions
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, NotFound
from shared.tables import tenant_key

_ID = re.compile(ID_PATTERN)


class ExpertNotFound(NotFound):
    default_message = "No such expert"


def _pk(tenant_id: str, expert_id: str) -> str:
    return tenant_key(tenant_id, "EXPERT", expert_id)


def find(tenant_id: str, expert_id: str) -> dict[str, Any]:
    found = store.get(_pk(tenant_id, expert_id), "PROFILE") if _ID.fullmatch(expert_id) else None
    if found is None:
        raise ExpertNotFound(details={"expertId": expert_id})
    return found


def require_verified(tenant_id: str, expert_id: str) -> dict[str, Any]:
    """A verified expert of this tenant; anything else - pending, another tenant's, nobody - is 404."""
    found = find(tenant_id, expert_id)
    if found["status"] != "verified":
        raise ExpertNotFound(details={"expertId": expert_id})
    return found


def register(body: ExpertIn) -> ExpertOut:
    user = access.caller()
    doc = {
        "expertId": user.user_id,
        "name": body.name,
        "specialty": body.specialty,
        "bio": body.bio,
        "status": "pending",
        "createdAt": utc_now_iso(),
        "verifiedAt": None,
    }
    gsi = (tenant_key(user.tenant_id, "EXPERTS"), user.user_id)
    if not store.create(_pk(user.tenant_id, user.user_id), "PROFILE", doc, gsi):
        raise Conflict("You are registered as an expert already")
    return ExpertOut.model_validate(doc)


def verify(expert_id: str) -> ExpertOut:
    user = access.requiring(access.EXPERT_VERIFY)
    doc = find(user.tenant_id, expert_id)
    if doc["status"] != "verified":
        doc = {**doc, "status": "verified", "verifiedAt": utc_now_iso(), "verifiedBy": user.user_id}
        store.replace(_pk(user.tenant_id, expert_id), "PROFILE", doc)
    return ExpertOut.model_validate(doc)


def list_experts() -> list[ExpertOut]:
    """Verified experts; a verifier also sees the pending ones (the queue they work through)."""
    user = access.caller()
    verifier = permissions.allows(user.permissions, access.EXPERT_VERIFY)
    docs = store.by_index(tenant_key(user.tenant_id, "EXPERTS"))
    return [ExpertOut.model_validate(d) for d in docs if verifier or d["status"] == "verified"]
