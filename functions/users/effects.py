"""What a users change causes elsewhere: calls to rbac and cache, and events on the bus."""

from __future__ import annotations

from typing import Any

from functions.cache.client import CacheClient, UserPrincipalChange, UserStatus
from functions.rbac.client import DefaultRoleRequest, ForgetRequest, RbacClient
from functions.users import ports
from functions.users.manifest import SERVICE
from functions.users.models import UserType
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger as service_logger

rbac = RbacClient(SERVICE)
cache = CacheClient(SERVICE)
logger = service_logger("users")


def event(event_type: str, data: dict[str, Any], *, tenant_id: str) -> ServiceEvent:
    """The event a write causes, built (and validated) before the write so that its outbox entry can be
    part of the write's transaction (shared.outbox)."""
    return publisher.build(event_type, data, tenant_id=tenant_id)


def announce(event: ServiceEvent) -> None:
    """Publish an event whose outbox entry was written with the change. If the bus refuses it, the entry
    stays and the outbox drain delivers it: the change stands and the request succeeds (a retry could
    not redo it: a second create is a 409, a second delete a 404)."""
    ports.outbox().release(event)


def assign_default_role(tenant_id: str, user_id: str, user_type: UserType) -> None:
    rbac.assign_default_role(user_id, DefaultRoleRequest(tenant_id=tenant_id, user_type=user_type))


def forget_roles(tenant_id: str, user_id: str) -> None:
    rbac.forget_user(user_id, ForgetRequest(tenant_id=tenant_id))


def touch_principal(tenant_id: str, user_id: str, status: UserStatus | None = None) -> None:
    """Bump the user's epoch (and set its status) so that its live sessions see the change at once."""
    cache.principals_user(UserPrincipalChange(tenant_id=tenant_id, user_id=user_id, status=status))
