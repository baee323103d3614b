"""What a users change causes elsewhere: calls to rbac and cache, and events on the bus."""

from __future__ import annotations

from typing import Any

from shared import outbox
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger as service_logger
from shared.service_client import ServiceClient

client = ServiceClient("users")
logger = service_logger("users")


def event(event_type: str, data: dict[str, Any], *, tenant_id: str) -> ServiceEvent:
    """The event a write causes, built (and validated) before the write so that its outbox entry can be
    part of the write's transaction (shared.outbox)."""
    return publisher.build(event_type, data, tenant_id=tenant_id)


def announce(event: ServiceEvent) -> None:
    """Publish an event whose outbox entry was written with the change. If the bus refuses it, the entry
    stays and the outbox drain delivers it: the change stands and the request succeeds (a retry could
    not redo it: a second create is a 409, a second delete a 404)."""
    outbox.release(event)


def assign_default_role(tenant_id: str, user_id: str, user_type: str) -> None:
    client.post(
        "rbac",
        f"/internal/users/{user_id}/assign-default-role",
        {"tenantId": tenant_id, "userType": user_type},
    )


def forget_roles(tenant_id: str, user_id: str) -> None:
    client.post("rbac", f"/internal/users/{user_id}/forget", {"tenantId": tenant_id})


def touch_principal(tenant_id: str, user_id: str, status: str | None = None) -> None:
    """Bump the user's epoch (and set its status) so that its live sessions see the change at once."""
    body: dict[str, Any] = {"tenantId": tenant_id, "userId": user_id}
    if status is not None:
        body["status"] = status
    client.post("cache", "/internal/principals/user", body)
