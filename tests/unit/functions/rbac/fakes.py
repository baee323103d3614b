"""rbac's store in memory (`ports.RbacStore`): the conditions the DynamoDB store has DynamoDB evaluate
are evaluated here on the same terms, one call at a time (a lock stands in for DynamoDB's per-request
atomicity), so the domain's retry and undo paths run as they would on the table."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from functions.rbac.ports import RoleRecord, UserRolesPage
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox


class FakeRbacStore:
    def __init__(self, outbox: InMemoryOutbox) -> None:
        self.outbox = outbox
        self.roles: dict[tuple[str, str], RoleRecord] = {}
        self.users: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()

    # --- roles -------------------------------------------------------------------------------------
    def stored_roles(self, tenant_id: str) -> list[RoleRecord]:
        return [role for (tenant, _), role in sorted(self.roles.items()) if tenant == tenant_id]

    def stored_permissions(self, tenant_id: str, names: list[str]) -> dict[str, list[str]]:
        found = (self.roles.get((tenant_id, name)) for name in sorted(set(names)))
        return {role.name: list(role.permissions) for role in found if role is not None}

    def insert_role(self, tenant_id: str, name: str, permissions: list[str]) -> bool:
        with self._lock:
            if (tenant_id, name) in self.roles:
                return False
            self.roles[tenant_id, name] = RoleRecord(name, list(permissions), builtin=False)
            return True

    def replace_role(self, tenant_id: str, name: str, permissions: list[str], *, builtin: bool) -> bool:
        with self._lock:
            if not builtin and (tenant_id, name) not in self.roles:
                return False
            self.roles[tenant_id, name] = RoleRecord(name, list(permissions), builtin=builtin)
            return True

    # --- a user's roles ----------------------------------------------------------------------------
    def user_roles(self, tenant_id: str, user_id: str) -> list[str] | None:
        held = self.users.get((tenant_id, user_id))
        return None if held is None else list(held)

    def users_roles(self, tenant_id: str, user_ids: list[str]) -> dict[str, list[str]]:
        return {u: list(self.users[(tenant_id, u)]) for u in user_ids if (tenant_id, u) in self.users}

    def add_user_role(
        self, tenant_id: str, user_id: str, role: str, *, create: bool
    ) -> tuple[list[str] | None, bool]:
        with self._lock:
            held = self.users.get((tenant_id, user_id))
            if (held is None and not create) or (held is not None and role in held):
                return self.user_roles(tenant_id, user_id), False
            self.users[tenant_id, user_id] = [*(held or []), role]
            return self.user_roles(tenant_id, user_id), True

    def put_user_roles(self, tenant_id: str, user_id: str, roles: list[str]) -> bool:
        with self._lock:
            held = self.users.get((tenant_id, user_id))
            if held is not None and held != roles:
                return False
            self.users[tenant_id, user_id] = list(roles)
            return True

    def replace_user_roles(
        self,
        tenant_id: str,
        user_id: str,
        *,
        seen: list[str],
        roles: list[str],
        events: Sequence[ServiceEvent] = (),
        withdraw: Sequence[ServiceEvent] = (),
    ) -> bool:
        with self._lock:
            if self.users.get((tenant_id, user_id)) != seen:
                return False  # the list moved (or the user is gone): nothing written, nothing staged
            self.users[tenant_id, user_id] = list(roles)
            self.outbox.stage(*events)
            self.outbox.unstage(*withdraw)
            return True

    def delete_user_roles(self, tenant_id: str, user_id: str) -> None:
        self.users.pop((tenant_id, user_id), None)

    def user_roles_page(self, tenant_id: str, *, page_size: int, cursor: str | None) -> UserRolesPage:
        start, page = Cursor.decode(cursor)
        after = "" if start is None else str(start.get("sk", {}).get("S", ""))
        if start is not None and not after:
            raise InvalidRequest("The cursor is not valid", field="cursor")
        ids = sorted(user for tenant, user in self.users if tenant == tenant_id and user > after)
        chosen = ids[:page_size]
        more = len(ids) > page_size
        next_key = {"pk": {"S": tenant_id}, "sk": {"S": chosen[-1]}} if more else None
        held = [(user_id, list(self.users[tenant_id, user_id])) for user_id in chosen]
        return UserRolesPage(held, Cursor.encode(next_key, page=page + 1))
