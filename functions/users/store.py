"""The `users` table: the only module that reads or writes it.

One partition per tenant, `TENANT#<t>#USERS`, holding `USER#<id>` items, `EMAIL#<email>` claims and the
`COUNT` item. Every write that must be unique or atomic is a condition or a transaction evaluated by
DynamoDB, never a read followed by a write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from functions.users import attribute_values
from shared import aws, outbox, tables
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta, tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

USER_PREFIX = "USER#"
COUNT_SK = "COUNT"
_CONFLICT_ATTEMPTS = 4  # concurrent creates in one tenant contend on the COUNT item


class EmailTaken(Exception):
    """Another user of the tenant already holds the email claim."""


class UserGone(Exception):
    """The user (or its claim) changed or vanished between our read and our write."""


class UserItem(Item):
    Meta = table_meta("users")  # type: ignore[assignment]  # a live Meta (see shared.tables)

    email = UnicodeAttribute()
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    status = UnicodeAttribute(default="active")
    profile = MapAttribute[str, Any](default=dict)  # type: ignore[no-untyped-call]
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    # Proved by a verification link (or by accepting an invitation sent to the address).
    email_verified = BooleanAttribute(attr_name="emailVerified", default=False)


class CountItem(Item):
    Meta = table_meta("users")  # type: ignore[assignment]  # a live Meta (see shared.tables)

    total = NumberAttribute(attr_name="count", default=0)


@dataclass(frozen=True)
class UserRecord:
    tenant_id: str
    user_id: str
    email: str
    password_hash: str
    status: str = "active"
    profile: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    email_verified: bool = False


# --- keys --------------------------------------------------------------------------------------------
def partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "USERS")


def _key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": partition(tenant_id)}, "sk": {"S": sk}}


def _user_sk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def _email_sk(email: str) -> str:
    return f"EMAIL#{email}"


def _table() -> str:
    return settings().table_name("users")


def _record(tenant_id: str, item: UserItem) -> UserRecord:
    raw = item.profile
    profile = raw.as_dict() if isinstance(raw, MapAttribute) else dict(raw or {})  # type: ignore[no-untyped-call]
    return UserRecord(
        tenant_id=tenant_id,
        user_id=item.sk.removeprefix(USER_PREFIX),
        email=item.email,
        password_hash=item.password_hash,
        status=item.status,
        profile={str(k): str(v) for k, v in profile.items()},
        created_at=item.created_at,
        updated_at=item.updated_at,
        email_verified=bool(item.email_verified),
    )


def _from_wire(tenant_id: str, attributes: Mapping[str, Any]) -> UserRecord:
    return _record(tenant_id, UserItem.from_raw_data(dict(attributes)))


def _values(**values: Any) -> dict[str, Any]:
    return {f":{name}": attribute_values.serialize(value) for name, value in values.items()}


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, user_id: str) -> UserRecord | None:
    item = UserItem.get_live(partition(tenant_id), _user_sk(user_id))
    return _record(tenant_id, item) if item else None


def find_by_email(tenant_id: str, email: str) -> UserRecord | None:
    response = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(tenant_id, _email_sk(email)), ConsistentRead=True
    )
    claim = response.get("Item")
    if not claim or "userId" not in claim:
        return None
    return get(tenant_id, str(claim["userId"]["S"]))


def total(tenant_id: str) -> int:
    item = CountItem.get_live(partition(tenant_id), COUNT_SK)
    return max(0, int(item.total)) if item else 0


def page(tenant_id: str, *, page_size: int, cursor: str | None) -> tuple[list[UserRecord], str | None]:
    pk = partition(tenant_id)
    _check_cursor(pk, cursor)
    items, next_cursor = UserItem.page(
        pk, page_size=page_size, cursor=cursor, range_key_condition=UserItem.sk.startswith(USER_PREFIX)
    )
    return [_record(tenant_id, item) for item in items], next_cursor


def _check_cursor(pk: str, cursor: str | None) -> None:
    """A cursor is opaque but not trusted: it must point into this tenant's users, or DynamoDB would
    either refuse it (a 500) or start somewhere it should not."""
    key, _page = Cursor.decode(cursor)
    if key is None:
        return
    sk = key.get("sk", {}).get("S") if isinstance(key.get("sk"), dict) else None
    if key.get("pk") != {"S": pk} or set(key) != {"pk", "sk"} or not str(sk).startswith(USER_PREFIX):
        raise InvalidRequest("The cursor is not valid", field="cursor")


# --- create and delete: user + claim + count, all or nothing -----------------------------------------
def insert(user: UserRecord, *, also: Sequence[TransactWriteItemTypeDef] = ()) -> None:
    """Raises `EmailTaken` if the tenant already has the email (the claim's condition fails). `also`
    joins the same transaction (the outbox entry of the event the write causes)."""
    item = {
        "pk": partition(user.tenant_id),
        "sk": _user_sk(user.user_id),
        "email": user.email,
        "passwordHash": user.password_hash,
        "status": user.status,
        "profile": user.profile,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "emailVerified": user.email_verified,
    }
    claim = {"pk": partition(user.tenant_id), "sk": _email_sk(user.email), "userId": user.user_id}
    new = "attribute_not_exists(pk)"
    reasons = _transact(
        [
            {"Put": {"TableName": _table(), "Item": _wire(item), "ConditionExpression": new}},
            {"Put": {"TableName": _table(), "Item": _wire(claim), "ConditionExpression": new}},
            _count_change(user.tenant_id, +1),
            *also,
        ]
    )
    if reasons is not None:
        if reasons[1] == "ConditionalCheckFailed":
            raise EmailTaken(user.email)
        raise UserGone(user.user_id)  # a fresh uuid collided: not expected in this universe


def remove(user: UserRecord, *, also: Sequence[TransactWriteItemTypeDef] = ()) -> None:
    """Delete the user and its claim and count one less. Raises `UserGone` if either no longer matches
    (deleted concurrently), so the count is never decremented twice. `also` joins the transaction."""
    reasons = _transact(
        [
            {
                "Delete": {
                    "TableName": _table(),
                    "Key": _key(user.tenant_id, _user_sk(user.user_id)),
                    "ConditionExpression": "attribute_exists(pk) AND email = :email",
                    "ExpressionAttributeValues": _values(email=user.email),
                }
            },
            {
                "Delete": {
                    "TableName": _table(),
                    "Key": _key(user.tenant_id, _email_sk(user.email)),
                    "ConditionExpression": "userId = :uid",
                    "ExpressionAttributeValues": _values(uid=user.user_id),
                }
            },
            _count_change(user.tenant_id, -1),
            *also,
        ]
    )
    if reasons is not None:
        raise UserGone(user.user_id)


def _count_change(tenant_id: str, delta: int) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(tenant_id, COUNT_SK),
            "UpdateExpression": "ADD #count :delta",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": _values(delta=delta),
        }
    }


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attribute_values.serialize(value) for name, value in item.items()}


def _transact(items: list[TransactWriteItemTypeDef]) -> list[str] | None:
    """None on success, else the cancellation reason code of each item (shared.tables.transact)."""
    return tables.transact(items, table="users", attempts=_CONFLICT_ATTEMPTS)


# --- conditional updates of one user -----------------------------------------------------------------
def _update(
    tenant_id: str,
    user_id: str,
    expression: str,
    *,
    condition: str = "attribute_exists(pk)",
    names: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    event: ServiceEvent | None = None,
    read_back: bool = True,
) -> UserRecord | None:
    """One UpdateItem on an existing user. The user after it, or None when the condition failed.

    With an `event`, the update and the event's outbox entry are one transaction (which returns no
    attributes), so the user after it is read back once the transaction has succeeded — unless the
    caller needs only to know that it did: `read_back=False` returns a record of the ids alone)."""
    if event is not None:
        update: Any = {
            "TableName": _table(),
            "Key": _key(tenant_id, _user_sk(user_id)),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            **({"ExpressionAttributeNames": names} if names else {}),
            **({"ExpressionAttributeValues": values} if values else {}),
        }
        if _transact([{"Update": update}, outbox.staged(event)]) is not None:
            return None
        if not read_back:
            return UserRecord(tenant_id=tenant_id, user_id=user_id, email="", password_hash="")
        return get(tenant_id, user_id)
    request: dict[str, Any] = {
        "TableName": _table(),
        "Key": _key(tenant_id, _user_sk(user_id)),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ReturnValues": "ALL_NEW",
    }
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = values
    try:
        response = aws.client("dynamodb").update_item(**request)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return None
        raise
    return _from_wire(tenant_id, response["Attributes"])


def set_password(
    tenant_id: str, user_id: str, *, old_hash: str, new_hash: str, now: str, event: ServiceEvent | None = None
) -> bool:
    """Replace the hash only if it is still the one the caller verified (two racing changes: one wins)."""
    after = _update(
        tenant_id,
        user_id,
        "SET passwordHash = :new, updatedAt = :now",
        condition="attribute_exists(pk) AND passwordHash = :old",
        values=_values(new=new_hash, old=old_hash, now=now),
        event=event,
        read_back=False,  # the caller needs only to know that its change won
    )
    return after is not None


def set_status(
    tenant_id: str, user_id: str, status: str, *, now: str, event: ServiceEvent | None = None
) -> UserRecord | None:
    return _update(
        tenant_id,
        user_id,
        "SET #status = :status, updatedAt = :now",
        names={"#status": "status"},
        values=_values(status=status, now=now),
        event=event,
    )


def patch_profile(
    tenant_id: str,
    user_id: str,
    *,
    put: Mapping[str, str],
    drop: list[str],
    now: str,
    event: ServiceEvent | None = None,
) -> UserRecord | None:
    """SET/REMOVE individual profile keys in one UpdateItem (keys are validated names)."""
    names = {"#profile": "profile"}
    values = _values(now=now)
    sets = ["updatedAt = :now"]
    for n, (key, value) in enumerate(put.items()):
        names[f"#k{n}"] = key
        values[f":v{n}"] = attribute_values.serialize(value)
        sets.append(f"#profile.#k{n} = :v{n}")
    removes = []
    for n, key in enumerate(drop):
        names[f"#d{n}"] = key
        removes.append(f"#profile.#d{n}")
    expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
    return _update(tenant_id, user_id, expression, names=names, values=values, event=event)
