"""rbac's table adapter (the only module that talks to DynamoDB).

One partition per tenant, `TENANT#<t>#RBAC`: role items (`ROLE#<name>`) and each user's roles item
(`USER#<u>`). Changes of a user's roles are conditional writes, so two concurrent assignments never lose
one another and an unknown user is never created by accident. A change that is announced replaces the
list only if it is still the one read, in one transaction with the event's outbox entry (shared.outbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from shared import aws, outbox
from shared.config import settings
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta, tenant_key

TABLE = "rbac"
_ROLE = "ROLE#"
_USER = "USER#"


class RoleItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a Meta built at run time (see shared.tables)
    permissions = ListAttribute(of=UnicodeAttribute, default=list)
    builtin = BooleanAttribute(default=False)

    @property
    def name(self) -> str:
        return self.sk.removeprefix(_ROLE)

    @property
    def granted(self) -> list[str]:
        return _strings(self.permissions)


class UserRolesItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a Meta built at run time (see shared.tables)
    roles = ListAttribute(of=UnicodeAttribute, default=list)


def _strings(values: Iterable[object] | None) -> list[str]:
    """pynamodb types a list of UnicodeAttribute as attributes; what it holds are strings."""
    return [str(value) for value in values or []]


def partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "RBAC")


# --- roles ---------------------------------------------------------------------------------------------
def stored_roles(tenant_id: str) -> list[RoleItem]:
    """Every role the tenant stored (one Query of its partition's `ROLE#` range), by name."""
    found = RoleItem.query(partition(tenant_id), RoleItem.sk.startswith(_ROLE), consistent_read=True)
    return [item for item in found if not item.is_expired()]


def stored_role(tenant_id: str, name: str) -> RoleItem | None:
    return RoleItem.get_live(partition(tenant_id), _ROLE + name)


def stored_permissions(tenant_id: str, names: list[str]) -> dict[str, list[str]]:
    """The permissions of those of `names` the tenant stored (one BatchGetItem)."""
    if not names:
        return {}
    keys = [(partition(tenant_id), _ROLE + name) for name in sorted(set(names))]
    items = RoleItem.batch_get(keys, consistent_read=True)
    return {item.name: item.granted for item in items if not item.is_expired()}


def insert_role(tenant_id: str, name: str, permissions: list[str]) -> bool:
    """Store a new role; False when the name is taken (the table decides, not a prior read)."""
    item = RoleItem(partition(tenant_id), _ROLE + name, permissions=permissions, builtin=False)
    try:
        item.save(condition=RoleItem.pk.does_not_exist())
    except PutError as exc:
        if _condition_failed(exc.cause):
            return False
        raise
    return True


def replace_role(tenant_id: str, name: str, permissions: list[str], *, builtin: bool) -> bool:
    """Replace a role's permissions. A custom role must already exist (False otherwise); a built-in one is
    written unconditionally, since storing it is how a tenant overrides it."""
    item = RoleItem(partition(tenant_id), _ROLE + name, permissions=permissions, builtin=builtin)
    condition = None if builtin else RoleItem.pk.exists()
    try:
        item.save(condition=condition)
    except PutError as exc:
        if _condition_failed(exc.cause):
            return False
        raise
    return True


# --- a user's roles ------------------------------------------------------------------------------------
def user_roles(tenant_id: str, user_id: str) -> list[str] | None:
    """The user's roles, or None when rbac does not know the user in this tenant."""
    item = UserRolesItem.get_live(partition(tenant_id), _USER + user_id)
    return None if item is None else _strings(item.roles)


def add_user_role(tenant_id: str, user_id: str, role: str, *, create: bool) -> tuple[list[str] | None, bool]:
    """Append `role` unless held, in one conditional UpdateItem. Returns (roles after, changed); roles is
    None when the user is unknown and `create` is False."""
    condition = "NOT contains(#roles, :role)"
    if not create:
        condition = f"attribute_exists(pk) AND {condition}"
    try:
        response = aws.client("dynamodb").update_item(
            **_key(tenant_id, user_id),
            UpdateExpression="SET #roles = list_append(if_not_exists(#roles, :empty), :added)",
            ConditionExpression=condition,
            ExpressionAttributeNames={"#roles": "roles"},
            ExpressionAttributeValues={
                ":role": {"S": role},
                ":added": {"L": [{"S": role}]},
                ":empty": {"L": []},
            },
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if not _condition_failed(exc):
            raise
        # Either the user is unknown or the role is already held: the current item says which.
        return user_roles(tenant_id, user_id), False
    return _roles_of(response.get("Attributes")), True


def put_user_roles(tenant_id: str, user_id: str, roles: list[str]) -> bool:
    """Create the user's roles item with `roles`, unless it exists; True also when it already holds
    exactly `roles` (a retry), False when it holds something else."""
    try:
        aws.client("dynamodb").put_item(
            TableName=settings().table_name(TABLE),
            Item={**_key(tenant_id, user_id)["Key"], "roles": _list(roles)},
            ConditionExpression="attribute_not_exists(pk) OR #roles = :roles",
            ExpressionAttributeNames={"#roles": "roles"},
            ExpressionAttributeValues={":roles": _list(roles)},
        )
    except ClientError as exc:
        if _condition_failed(exc):
            return False
        raise
    return True


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
    update: Any = {
        **_key(tenant_id, user_id),
        "UpdateExpression": "SET #roles = :roles",
        "ConditionExpression": "#roles = :seen",
        "ExpressionAttributeNames": {"#roles": "roles"},
        "ExpressionAttributeValues": {":roles": _list(roles), ":seen": _list(seen)},
    }
    if withdraw:
        reasons = outbox.retract([{"Update": update}], withdraw, table=TABLE)
    else:
        reasons = outbox.transact([{"Update": update}], events, table=TABLE)
    if reasons is not None and "ConditionalCheckFailed" not in reasons:
        raise ServiceUnavailable(f"The rbac transaction was cancelled: {reasons}")
    return reasons is None


def delete_user_roles(tenant_id: str, user_id: str) -> None:
    """Forget the user (deleting an absent item is not an error)."""
    UserRolesItem(partition(tenant_id), _USER + user_id).delete()


def _key(tenant_id: str, user_id: str) -> dict[str, Any]:
    return {
        "TableName": settings().table_name(TABLE),
        "Key": {"pk": {"S": partition(tenant_id)}, "sk": {"S": _USER + user_id}},
    }


def _list(values: list[str]) -> dict[str, Any]:
    return {"L": [{"S": value} for value in values]}


def _roles_of(attributes: dict[str, Any] | None) -> list[str]:
    listed = (attributes or {}).get("roles", {}).get("L", [])
    return [str(value["S"]) for value in listed]


def _condition_failed(exc: BaseException | None) -> bool:
    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
    )
