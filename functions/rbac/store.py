"""rbac's table adapter (the only module that talks to DynamoDB), the DynamoDB side of `ports.RbacStore`.

One partition per tenant, `TENANT#<t>#RBAC`: role items (`ROLE#<name>`) and each user's roles item
(`USER#<u>`). Changes of a user's roles are conditional writes, so two concurrent assignments never lose
one another and an unknown user is never created by accident. A change that is announced replaces the
list only if it is still the one read, in one transaction with the event's outbox entry
(shared.transactions). Every read and write goes through the pynamodb models below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute

from functions.rbac.ports import RoleRecord, UserRolesPage
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "rbac"
_ROLE = "ROLE#"
_USER = "USER#"


class RoleItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a Meta built at run time (see shared.tables)
    permissions = ListAttribute(of=UnicodeAttribute, default=list)
    builtin = BooleanAttribute(default=False)

    def record(self) -> RoleRecord:
        return RoleRecord(self.sk.removeprefix(_ROLE), _strings(self.permissions), bool(self.builtin))


class UserRolesItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a Meta built at run time (see shared.tables)
    roles = ListAttribute(of=UnicodeAttribute, default=list)


def _strings(values: Iterable[object] | None) -> list[str]:
    """pynamodb types a list of UnicodeAttribute as attributes; what it holds are strings."""
    return [str(value) for value in values or []]


def partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "RBAC")


def _user(tenant_id: str, user_id: str) -> UserRolesItem:
    return UserRolesItem(partition(tenant_id), _USER + user_id)


# --- roles ---------------------------------------------------------------------------------------------
def stored_roles(tenant_id: str) -> list[RoleRecord]:
    """Every role the tenant stored (one Query of its partition's `ROLE#` range), by name."""
    found = RoleItem.query(partition(tenant_id), RoleItem.sk.startswith(_ROLE), consistent_read=True)
    return [item.record() for item in found if not item.is_expired()]


def stored_role(tenant_id: str, name: str) -> RoleRecord | None:
    item = RoleItem.get_live(partition(tenant_id), _ROLE + name)
    return item.record() if item else None


def stored_permissions(tenant_id: str, names: list[str]) -> dict[str, list[str]]:
    """The permissions of those of `names` the tenant stored (one BatchGetItem)."""
    if not names:
        return {}
    keys = [(partition(tenant_id), _ROLE + name) for name in sorted(set(names))]
    items = RoleItem.batch_get(keys, consistent_read=True)
    return {role.name: role.permissions for role in (i.record() for i in items if not i.is_expired())}


def insert_role(tenant_id: str, name: str, permissions: list[str]) -> bool:
    """Store a new role; False when the name is taken (the table decides, not a prior read)."""
    item = RoleItem(partition(tenant_id), _ROLE + name, permissions=permissions, builtin=False)
    return conditionally(lambda: item.save(condition=RoleItem.pk.does_not_exist()))


def replace_role(tenant_id: str, name: str, permissions: list[str], *, builtin: bool) -> bool:
    """Replace a role's permissions. A custom role must already exist (False otherwise); a built-in one is
    written unconditionally, since storing it is how a tenant overrides it."""
    item = RoleItem(partition(tenant_id), _ROLE + name, permissions=permissions, builtin=builtin)
    return conditionally(lambda: item.save(condition=None if builtin else RoleItem.pk.exists()))


# --- a user's roles ------------------------------------------------------------------------------------
def user_roles(tenant_id: str, user_id: str) -> list[str] | None:
    """The user's roles, or None when rbac does not know the user in this tenant."""
    item = UserRolesItem.get_live(partition(tenant_id), _USER + user_id)
    return None if item is None else _strings(item.roles)


def users_roles(tenant_id: str, user_ids: list[str]) -> dict[str, list[str]]:
    """The roles of those of `user_ids` rbac knows in this tenant (one BatchGetItem)."""
    keys = [(partition(tenant_id), _USER + user_id) for user_id in dict.fromkeys(user_ids)]
    items = UserRolesItem.batch_get(keys, consistent_read=True) if keys else []
    return {i.sk.removeprefix(_USER): _strings(i.roles) for i in items if not i.is_expired()}


def add_user_role(tenant_id: str, user_id: str, role: str, *, create: bool) -> tuple[list[str] | None, bool]:
    """Append `role` unless held, in one conditional UpdateItem. Returns (roles after, changed); roles is
    None when the user is unknown and `create` is False."""
    item = _user(tenant_id, user_id)
    condition = ~UserRolesItem.roles.contains(role)
    if not create:
        condition = UserRolesItem.pk.exists() & condition
    appended = UserRolesItem.roles.set((UserRolesItem.roles | []).append([role]))
    if not conditionally(lambda: item.update(actions=[appended], condition=condition)):
        # Either the user is unknown or the role is already held: the current item says which.
        return user_roles(tenant_id, user_id), False
    return _strings(item.roles), True


def put_user_roles(tenant_id: str, user_id: str, roles: list[str]) -> bool:
    """Create the user's roles item with `roles`, unless it exists; True also when it already holds
    exactly `roles` (a retry), False when it holds something else."""
    item = UserRolesItem(partition(tenant_id), _USER + user_id, roles=roles)
    new_or_same = UserRolesItem.pk.does_not_exist() | (UserRolesItem.roles == roles)
    return conditionally(lambda: item.save(condition=new_or_same))


def replace_user_roles(
    tenant_id: str,
    user_id: str,
    *,
    seen: list[str],
    roles: list[str],
    events: Sequence[ServiceEvent] = (),
    withdraw: Sequence[ServiceEvent] = (),
) -> bool:
    """Set the user's roles to `roles` if they are still exactly `seen` (so events built from `roles`
    describe what was written), with the events' outbox entries put (`events`) or taken out (`withdraw`,
    when a change is being undone) in the same transaction. False when the list moved or the user is gone.
    """
    txn = Transaction(table=TABLE)
    # pynamodb types a list of UnicodeAttribute as attributes (see _strings); what it takes are strings.
    replaced = UserRolesItem.roles.set(roles)  # type: ignore[arg-type]
    txn.update(_user(tenant_id, user_id), [replaced], condition=UserRolesItem.roles == seen)
    txn.stage(*events)
    txn.unstage(*withdraw)
    cancelled = txn.commit()
    if cancelled is not None and not cancelled.condition_failed():
        raise ServiceUnavailable(f"The rbac transaction was cancelled: {cancelled.reasons}")
    return cancelled is None


def delete_user_roles(tenant_id: str, user_id: str) -> None:
    """Forget the user (deleting an absent item is not an error)."""
    _user(tenant_id, user_id).delete()


def user_roles_page(tenant_id: str, *, page_size: int, cursor: str | None) -> UserRolesPage:
    """One page of the tenant's users' role lists (a Query of the `USER#` range), for the export."""
    pk = partition(tenant_id)
    start, _page = Cursor.decode(cursor)
    if start is not None and (
        start.get("pk") != {"S": pk} or not str(start.get("sk", {}).get("S", "")).startswith(_USER)
    ):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    items, next_cursor = UserRolesItem.page(
        pk,
        page_size=page_size,
        cursor=cursor,
        range_key_condition=UserRolesItem.sk.startswith(_USER),
        consistent_read=True,
    )
    held = [(item.sk.removeprefix(_USER), _strings(item.roles)) for item in items]
    return UserRolesPage(held, next_cursor)
