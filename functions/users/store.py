"""The users of the `users` table, the DynamoDB side of `ports.UserStore`: `USER#<id>` items, `EMAIL#<email>`
claims and the `COUNT` item, all in one partition per tenant, `TENANT#<t>#USERS` (the links, lockouts,
invitations and MFA items of the same partition have stores of their own).

Every write that must be unique or atomic is a condition or a transaction evaluated by DynamoDB, never a
read followed by a write. Every read and write goes through the pynamodb models below; writes that succeed
or fail together (and the outbox entries of their events) through shared.transactions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from functions.users.records import EmailTaken, UserGone, UserRecord
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "users"
USER_PREFIX = "USER#"
COUNT_SK = "COUNT"
CONFLICT_ATTEMPTS = 4  # concurrent creates in one tenant contend on the COUNT item


class UserItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    email = UnicodeAttribute()
    password_hash = UnicodeAttribute(attr_name="passwordHash")
    status = UnicodeAttribute(default="active")
    profile = MapAttribute[str, Any](default=dict)  # type: ignore[no-untyped-call]
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    # Proved by a verification link (or by accepting an invitation sent to the address).
    email_verified = BooleanAttribute(attr_name="emailVerified", default=False)

    def record(self) -> UserRecord:
        raw = self.profile
        profile = raw.as_dict() if isinstance(raw, MapAttribute) else dict(raw or {})  # type: ignore[no-untyped-call]
        return UserRecord(
            tenant_id=self.pk.removeprefix("TENANT#").removesuffix("#USERS"),
            user_id=self.sk.removeprefix(USER_PREFIX),
            email=self.email,
            password_hash=self.password_hash,
            status=self.status,
            profile={str(k): str(v) for k, v in profile.items()},
            created_at=self.created_at,
            updated_at=self.updated_at,
            email_verified=bool(self.email_verified),
        )


class ClaimItem(Item):
    """`EMAIL#<email>`: the address is the tenant's user `user_id`'s (its existence is the uniqueness)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    user_id = UnicodeAttribute(attr_name="userId")


class CountItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    total = NumberAttribute(attr_name="count", default=0)


# --- keys --------------------------------------------------------------------------------------------
def partition(tenant_id: str) -> str:
    return tenant_key(tenant_id, "USERS")


def user_sk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def email_sk(email: str) -> str:
    return f"EMAIL#{email}"


def user_item(tenant_id: str, user_id: str) -> UserItem:
    """The user's key alone (for updates, deletes and conditions)."""
    return UserItem(partition(tenant_id), user_sk(user_id))


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, user_id: str) -> UserRecord | None:
    item = UserItem.get_live(partition(tenant_id), user_sk(user_id))
    return item.record() if item else None


def get_many(tenant_id: str, user_ids: Sequence[str]) -> list[UserRecord]:
    """The live users among `user_ids` (ids already checked for shape), in the order asked: one
    BatchGetItem (pynamodb asks again for unprocessed keys)."""
    keys = [(partition(tenant_id), user_sk(u)) for u in dict.fromkeys(user_ids)]
    if not keys:
        return []
    found = {
        item.sk: item.record()
        for item in UserItem.batch_get(keys, consistent_read=True)
        if not item.is_expired()
    }
    return [found[sk] for _, sk in keys if sk in found]


def find_by_email(tenant_id: str, email: str) -> UserRecord | None:
    """The claim (GetItem), then the user it names (GetItem)."""
    claim = ClaimItem.get_live(partition(tenant_id), email_sk(email))
    if claim is None or not claim.user_id:
        return None
    return get(tenant_id, claim.user_id)


def total(tenant_id: str) -> int:
    item = CountItem.get_live(partition(tenant_id), COUNT_SK)
    return max(0, int(item.total)) if item else 0


def page(tenant_id: str, *, page_size: int, cursor: str | None) -> tuple[list[UserRecord], str | None]:
    pk = partition(tenant_id)
    check_cursor(pk, cursor, USER_PREFIX)
    items, next_cursor = UserItem.page(
        pk, page_size=page_size, cursor=cursor, range_key_condition=UserItem.sk.startswith(USER_PREFIX)
    )
    return [item.record() for item in items], next_cursor


def check_cursor(pk: str, cursor: str | None, prefix: str) -> None:
    """A cursor is opaque but not trusted: it must point into this tenant's items of this kind, or
    DynamoDB would either refuse it (a 500) or start somewhere it should not."""
    key, _page = Cursor.decode(cursor)
    if key is None:
        return
    sk = key.get("sk", {}).get("S") if isinstance(key.get("sk"), dict) else None
    if key.get("pk") != {"S": pk} or set(key) != {"pk", "sk"} or not str(sk).startswith(prefix):
        raise InvalidRequest("The cursor is not valid", field="cursor")


# --- create and delete: user + claim + count, all or nothing -----------------------------------------
def add_insert(txn: Transaction, user: UserRecord) -> int:
    """Put the user, its claim and count one more into `txn`; the claim's index (its condition failing
    means the address is taken)."""
    pk = partition(user.tenant_id)
    new = UserItem.pk.does_not_exist()
    txn.put(
        UserItem(
            pk,
            user_sk(user.user_id),
            email=user.email,
            password_hash=user.password_hash,
            status=user.status,
            profile=dict(user.profile),
            created_at=user.created_at,
            updated_at=user.updated_at,
            email_verified=user.email_verified,
        ),
        condition=new,
    )
    claimed = txn.put(ClaimItem(pk, email_sk(user.email), user_id=user.user_id), condition=new)
    txn.update(CountItem(pk, COUNT_SK), [CountItem.total.add(1)])
    return claimed


def add_remove(txn: Transaction, user: UserRecord) -> None:
    """Delete the user and its claim (only while they still match) and count one less, into `txn`."""
    pk = partition(user.tenant_id)
    txn.delete(
        user_item(user.tenant_id, user.user_id),
        condition=UserItem.pk.exists() & (UserItem.email == user.email),
    )
    txn.delete(ClaimItem(pk, email_sk(user.email)), condition=ClaimItem.user_id == user.user_id)
    txn.update(CountItem(pk, COUNT_SK), [CountItem.total.add(-1)])


def insert(user: UserRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
    """EmailTaken if the tenant already has the email (the claim's condition fails)."""
    txn = Transaction(table=TABLE, attempts=CONFLICT_ATTEMPTS)
    claimed = add_insert(txn, user)
    txn.stage(*events)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed(claimed):
            raise EmailTaken(user.email)
        raise UserGone(user.user_id)  # a fresh uuid collided: not expected in this universe


def remove(
    user: UserRecord, *, events: Sequence[ServiceEvent] = (), withdraw: Sequence[ServiceEvent] = ()
) -> None:
    """UserGone if the user or its claim no longer matches (deleted concurrently), so the count is never
    decremented twice."""
    txn = Transaction(table=TABLE, attempts=CONFLICT_ATTEMPTS)
    add_remove(txn, user)
    txn.stage(*events)
    txn.unstage(*withdraw)
    if txn.commit() is not None:
        raise UserGone(user.user_id)


# --- conditional updates of one user -----------------------------------------------------------------
def _apply(
    item: UserItem, actions: list[Action], condition: Condition, events: Sequence[ServiceEvent]
) -> bool:
    """One conditional update of a user; with `events`, one transaction with their outbox entries. False
    when the condition failed."""
    if not events:
        return conditionally(lambda: item.update(actions=actions, condition=condition))
    txn = Transaction(table=TABLE)
    txn.update(item, actions, condition=condition)
    txn.stage(*events)
    return txn.commit() is None


def _update(
    tenant_id: str, user_id: str, actions: list[Action], *, events: Sequence[ServiceEvent] = ()
) -> UserRecord | None:
    """Update an existing user: the user after it, or None when it does not exist. pynamodb's UpdateItem
    reads back what it wrote (ALL_NEW) into the item; a transaction returns nothing, so after one the user
    is read (consistently) once it has succeeded."""
    item = user_item(tenant_id, user_id)
    if not _apply(item, actions, UserItem.pk.exists(), events):
        return None
    return get(tenant_id, user_id) if events else item.record()


def set_password(
    tenant_id: str,
    user_id: str,
    *,
    old_hash: str,
    new_hash: str,
    now: str,
    events: Sequence[ServiceEvent] = (),
) -> bool:
    """Replace the hash only if it is still the one the caller verified (two racing changes: one wins).
    Nothing is read back: the caller needs only to know that its change won."""
    condition = UserItem.pk.exists() & (UserItem.password_hash == old_hash)
    return _apply(user_item(tenant_id, user_id), password_actions(new_hash, now), condition, events)


def password_actions(new_hash: str, now: str) -> list[Action]:
    return [UserItem.password_hash.set(new_hash), UserItem.updated_at.set(now)]


def set_status(
    tenant_id: str, user_id: str, status: str, *, now: str, events: Sequence[ServiceEvent] = ()
) -> UserRecord | None:
    return _update(
        tenant_id, user_id, [UserItem.status.set(status), UserItem.updated_at.set(now)], events=events
    )


def patch_profile(
    tenant_id: str,
    user_id: str,
    *,
    put: Mapping[str, str],
    drop: Sequence[str],
    now: str,
    events: Sequence[ServiceEvent] = (),
) -> UserRecord | None:
    """SET/REMOVE individual profile keys in one update (keys are validated names)."""
    actions: list[Action] = [UserItem.updated_at.set(now)]
    actions += [UserItem.profile[key].set(value) for key, value in put.items()]
    actions += [UserItem.profile[key].remove() for key in drop]
    return _update(tenant_id, user_id, actions, events=events)
