"""The `TOKEN#<tokenId>` items of the users table: password-reset and email-verification links, the
DynamoDB side of `ports.TokenStore`.

| attribute | meaning |
|---|---|
| kind | `reset` or `verify` |
| userId | whose link it is |
| secretHash | sha256 of the link's secret (never the secret) |
| validUntil | epoch seconds: the link works until then |
| stamp | reset: sha256 of the password hash at issue (a later change voids the link); verify: the address |
| expiresAt | TTL: a day after validUntil (until then an expired link says so rather than "unknown") |

A link works once: using it deletes its item in the transaction that does what it was for, conditioned on
the secret still being the one presented, so two uses at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.users import store
from functions.users.records import TokenRecord, UserRecord
from functions.users.store import TABLE, UserItem, partition
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta
from shared.transactions import Transaction

PREFIX = "TOKEN#"
KEPT_AFTER_EXPIRY = 24 * 3600


class TokenItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    kind = UnicodeAttribute()
    user_id = UnicodeAttribute(attr_name="userId")
    secret_hash = UnicodeAttribute(attr_name="secretHash")
    valid_until = NumberAttribute(attr_name="validUntil")
    stamp = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")

    def record(self) -> TokenRecord:
        return TokenRecord(
            tenant_id=self.pk.removeprefix("TENANT#").removesuffix("#USERS"),
            token_id=self.sk.removeprefix(PREFIX),
            kind=self.kind,
            user_id=self.user_id,
            secret_hash=self.secret_hash,
            valid_until=int(self.valid_until),
            stamp=self.stamp,
            created_at=self.created_at,
        )


def _item(tenant_id: str, token_id: str) -> TokenItem:
    return TokenItem(partition(tenant_id), PREFIX + token_id)


def get(tenant_id: str, token_id: str) -> TokenRecord | None:
    """The link, unless absent or past its TTL (TTL deletes late; a read ignores what it would delete)."""
    item = TokenItem.get_live(partition(tenant_id), PREFIX + token_id)
    return item.record() if item else None


def _put(txn: Transaction, record: TokenRecord) -> int:
    """Store a new token (or put a used one back, undoing its use)."""
    item = _item(record.tenant_id, record.token_id)
    item.kind, item.user_id, item.secret_hash = record.kind, record.user_id, record.secret_hash
    item.valid_until, item.stamp, item.created_at = record.valid_until, record.stamp, record.created_at
    item.expires_at = record.valid_until + KEPT_AFTER_EXPIRY
    return txn.put(item, condition=TokenItem.pk.does_not_exist())


def _use(txn: Transaction, record: TokenRecord) -> None:
    """Use the token up: gone, if it still holds the secret presented."""
    txn.delete(
        _item(record.tenant_id, record.token_id), condition=TokenItem.secret_hash == record.secret_hash
    )


def insert(record: TokenRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
    """The link with its events' outbox entries; False when the id is taken."""
    txn = Transaction(table=TABLE)
    _put(txn, record)
    txn.stage(*events)
    return txn.commit() is None


def _replace_password(txn: Transaction, user: UserRecord, *, old: str, new: str, now: str) -> None:
    txn.update(
        store.user_item(user.tenant_id, user.user_id),
        store.password_actions(new, now),
        condition=UserItem.pk.exists() & (UserItem.password_hash == old),
    )


def use_for_reset(
    token: TokenRecord,
    user: UserRecord,
    *,
    new_hash: str,
    now: str,
    events: Sequence[ServiceEvent] = (),
) -> bool:
    """The link used and the password replaced (if it is still the one the link was issued against), with
    the events; False when either moved."""
    txn = Transaction(table=TABLE)
    _use(txn, token)
    _replace_password(txn, user, old=user.password_hash, new=new_hash, now=now)
    txn.stage(*events)
    return txn.commit() is None


def undo_reset(
    token: TokenRecord,
    user: UserRecord,
    *,
    new_hash: str,
    now: str,
    withdraw: Sequence[ServiceEvent] = (),
) -> bool:
    """Put the old password and the link back, and take the events out (one transaction)."""
    txn = Transaction(table=TABLE)
    _replace_password(txn, user, old=new_hash, new=user.password_hash, now=now)
    _put(txn, token)
    txn.unstage(*withdraw)
    return txn.commit() is None


def use_for_verification(
    token: TokenRecord, user: UserRecord, *, now: str, events: Sequence[ServiceEvent] = ()
) -> bool:
    """The link used and, unless `user` is verified already, its address verified — while it is still
    `user.email` — with the events; False when either moved."""
    txn = Transaction(table=TABLE)
    _use(txn, token)
    if not user.email_verified:
        txn.update(
            store.user_item(user.tenant_id, user.user_id),
            [UserItem.email_verified.set(True), UserItem.updated_at.set(now)],
            condition=UserItem.pk.exists() & (UserItem.email == user.email),
        )
    txn.stage(*events)
    return txn.commit() is None
