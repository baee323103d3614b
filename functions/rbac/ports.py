"""What rbac's domain (roles, assignments, grants, offboarding) needs from outside: its store and the
outbox's release. The DynamoDB adapter is `functions.rbac.store`; unit tests put the in-memory fake of
`tests/unit/functions/rbac/fakes.py` in its place (shared.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox


@dataclass(frozen=True)
class RoleRecord:
    """A role the tenant stored (a custom one, or its override of a built-in one)."""

    name: str
    permissions: list[str]
    builtin: bool = False


class UserRolesPage(NamedTuple):
    held: list[tuple[str, list[str]]]  # (user id, roles)
    next_cursor: str | None


class RbacStore(Protocol):
    """Every write whose outcome depends on what is stored is decided by the store (a condition), never
    by a read before it: each method says what it answers when the condition fails."""

    def stored_roles(self, tenant_id: str) -> list[RoleRecord]: ...

    def stored_permissions(self, tenant_id: str, names: list[str]) -> dict[str, list[str]]: ...

    def insert_role(self, tenant_id: str, name: str, permissions: list[str]) -> bool: ...

    def replace_role(self, tenant_id: str, name: str, permissions: list[str], *, builtin: bool) -> bool: ...

    def user_roles(self, tenant_id: str, user_id: str) -> list[str] | None: ...

    def users_roles(self, tenant_id: str, user_ids: list[str]) -> dict[str, list[str]]: ...

    def add_user_role(
        self, tenant_id: str, user_id: str, role: str, *, create: bool
    ) -> tuple[list[str] | None, bool]: ...

    def put_user_roles(self, tenant_id: str, user_id: str, roles: list[str]) -> bool: ...

    def replace_user_roles(
        self,
        tenant_id: str,
        user_id: str,
        *,
        seen: list[str],
        roles: list[str],
        events: Sequence[ServiceEvent] = (),
        withdraw: Sequence[ServiceEvent] = (),
    ) -> bool: ...

    def delete_user_roles(self, tenant_id: str, user_id: str) -> None: ...

    def user_roles_page(self, tenant_id: str, *, page_size: int, cursor: str | None) -> UserRolesPage: ...


def _dynamodb() -> RbacStore:
    # Imported on first use, so that pynamodb and boto3 load only where the store is used; mypy checks
    # here that the module is an RbacStore.
    from functions.rbac import store as dynamodb

    return dynamodb


store: Port[RbacStore] = Port(_dynamodb)
outbox: Port[EventOutbox] = Port(kernel_outbox)
