"""The `sessions` table: sessions and user/tenant principals (the only module that talks to it), the
DynamoDB side of `ports.SessionsStore`. Every read and write goes through the pynamodb models below; the
once-per-event epoch bump is a `shared.transactions.Transaction` (its marker and the bump together).

| item      | pk                               | sk            |
| session   | `TENANT#t#SESSION#<sessionId>`   | `SESSION`     |
| principal | `TENANT#t#USER#<userId>`, `TENANT#t` | `PRINCIPAL` |
| marker    | the principal's pk               | `BUMP#<eventId>` (expires with the redelivery window) |

Sessions are listed by expiry day on gsi1, so the purge job finds expired ones without a Scan (DynamoDB's
TTL deletes them too, but late, and emulators never do).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.cache.ports import Principal, SessionRecord
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "sessions"
SESSION_SK = "SESSION"
PRINCIPAL_SK = "PRINCIPAL"
# A bump marker outlives any redelivery (the subscriber's idempotency window is 14 days too).
MARKER_SECONDS = 14 * 24 * 3600


class PrincipalItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    epoch = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)
    generation = NumberAttribute(null=True)

    def principal(self) -> Principal:
        return Principal(
            epoch=int(self.epoch or 0), status=self.status or "active", generation=int(self.generation or 0)
        )


class SessionItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    user_id = UnicodeAttribute(attr_name="userId")
    refresh_hash = UnicodeAttribute(attr_name="refreshHash")
    previous_hashes = ListAttribute(of=UnicodeAttribute, attr_name="previousHashes", default=list)
    created_at = UnicodeAttribute(attr_name="createdAt")
    revoked = BooleanAttribute(default=False)
    generation = NumberAttribute(null=True)
    email = UnicodeAttribute(null=True)
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(attr_name="userAgent", null=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()

    def record(self, tenant_id: str, session_id: str) -> SessionRecord:
        return SessionRecord(
            tenant_id=tenant_id,
            session_id=session_id,
            user_id=self.user_id,
            refresh_hash=self.refresh_hash,
            previous_hashes=tuple(str(h) for h in self.previous_hashes or []),
            expires_at=int(self.expires_at or 0),
            revoked=bool(self.revoked),
            generation=int(self.generation or 0),
            email=self.email or None,
        )


class _CheckedItem(SessionItem):
    """Any item of the check's one BatchGetItem (a session or a principal): pynamodb reads a batch into one
    model, so this one has the attributes of both kinds."""

    user_id = UnicodeAttribute(attr_name="userId", null=True)
    refresh_hash = UnicodeAttribute(attr_name="refreshHash", null=True)
    created_at = UnicodeAttribute(attr_name="createdAt", null=True)
    epoch = NumberAttribute(null=True)
    status = UnicodeAttribute(null=True)

    def principal(self) -> Principal:
        return PrincipalItem(
            self.pk, self.sk, epoch=self.epoch, status=self.status, generation=self.generation
        ).principal()


class MarkerItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)


def session_pk(tenant_id: str, session_id: str) -> str:
    return tenant_key(tenant_id, "SESSION", session_id)


def user_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id)


def tenant_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id)


def _session(tenant_id: str, session_id: str) -> SessionItem:
    return SessionItem(session_pk(tenant_id, session_id), SESSION_SK)


# --- sessions ----------------------------------------------------------------------------------------
def put_session(record: SessionRecord, *, created_at: str, ip: str | None, user_agent: str | None) -> bool:
    """A new session, never over another: False when the id is taken (a repeat of the same create, or a
    caller reusing an id), with nothing written."""
    item = SessionItem(
        session_pk(record.tenant_id, record.session_id),
        SESSION_SK,
        user_id=record.user_id,
        refresh_hash=record.refresh_hash,
        previous_hashes=[],
        created_at=created_at,
        expires_at=record.expires_at,
        revoked=False,
        generation=record.generation,
        email=record.email or None,
        ip=ip or None,
        user_agent=user_agent or None,
        gsi1pk=expiry_partition(record.expires_at),
        gsi1sk=f"{record.expires_at:012d}#{record.tenant_id}#{record.session_id}",
    )
    return conditionally(lambda: item.save(condition=SessionItem.pk.does_not_exist()))


def get_session(tenant_id: str, session_id: str) -> SessionRecord | None:
    """The session even when expired: callers must tell `expired` from `unknown` (and check expiry)."""
    try:
        item = SessionItem.get(session_pk(tenant_id, session_id), SESSION_SK, consistent_read=True)
    except SessionItem.DoesNotExist:
        return None
    return item.record(tenant_id, session_id)


def replace_hash(
    tenant_id: str,
    session_id: str,
    *,
    presented: str,
    new_hash: str,
    previous: Sequence[str],
    now: int,
) -> bool:
    """Swap the current hash for `new_hash` iff it is still `presented` (one conditional UpdateItem).
    False when another rotation won the race, or the session was revoked or expired meanwhile."""
    item = _session(tenant_id, session_id)
    actions: list[Action] = [
        SessionItem.refresh_hash.set(new_hash),
        SessionItem.previous_hashes.set(list(previous)),  # type: ignore[arg-type]  # strings, as stored
    ]
    still = (
        (SessionItem.refresh_hash == presented)
        & (SessionItem.revoked == False)  # noqa: E712 - a condition expression, not a Python test
        & (SessionItem.expires_at > now)
    )
    return conditionally(lambda: item.update(actions=actions, condition=still))


def revoke_session(tenant_id: str, session_id: str) -> None:
    """Mark the session revoked; an unknown session stays unknown (no stub item is created)."""
    item = _session(tenant_id, session_id)
    conditionally(
        lambda: item.update(actions=[SessionItem.revoked.set(True)], condition=SessionItem.pk.exists())
    )


def expiry_partition(expires_at: int) -> str:
    return "EXPIRES#" + time.strftime("%Y-%m-%d", time.gmtime(expires_at))


def expired_sessions(day_partition: str, now: int, limit: int) -> list[tuple[str, str, int]]:
    """(tenant, session id, expiresAt) of sessions of that expiry day that have expired by `now`."""
    found = SessionItem.gsi1.query(
        day_partition, SessionItem.gsi1sk < f"{now:012d}$", limit=limit, page_size=limit
    )
    out = []
    for item in found:
        expires, tenant_id, session_id = str(item.gsi1sk).split("#")  # type: ignore[attr-defined]
        out.append((tenant_id, session_id, int(expires)))
    return out


def delete_expired_session(tenant_id: str, session_id: str, now: int) -> bool:
    """Delete the session if it is (still) expired; False when another run already removed it."""
    item = _session(tenant_id, session_id)
    expired = SessionItem.pk.exists() & (SessionItem.expires_at <= now)
    return conditionally(lambda: item.delete(condition=expired))


# --- principals --------------------------------------------------------------------------------------
def get_principal(pk: str) -> Principal | None:
    try:
        return PrincipalItem.get(pk, PRINCIPAL_SK, consistent_read=True).principal()
    except PrincipalItem.DoesNotExist:
        return None


def _bump(status: str | None) -> list[Action]:
    actions: list[Action] = [PrincipalItem.epoch.add(1)]
    if status is not None:
        actions.append(PrincipalItem.status.set(status))
    return actions


def bump_principal(pk: str, status: str | None) -> int:
    """ADD 1 to the principal's epoch (creating it at 1) and SET its status if given; the new epoch."""
    item = PrincipalItem(pk, PRINCIPAL_SK)
    item.update(actions=_bump(status))  # pynamodb reads back what was written (ALL_NEW)
    return int(item.epoch or 0)


def end_sessions(pk: str) -> Principal:
    """ADD 1 to the user's session generation (every session opened before has ended) and to its epoch,
    in one UpdateItem; the principal after it."""
    item = PrincipalItem(pk, PRINCIPAL_SK)
    item.update(actions=[PrincipalItem.generation.add(1), PrincipalItem.epoch.add(1)])
    return item.principal()


def bump_principal_once(pk: str, status: str | None, event_id: str) -> bool:
    """Like `bump_principal`, at most once per event: a `BUMP#<eventId>` marker is put in the same
    transaction (conditional), so a redelivered event moves nothing. False when it was already done."""
    marker = MarkerItem(pk, f"BUMP#{event_id}", expires_at=int(time.time()) + MARKER_SECONDS)
    txn = Transaction(table=TABLE)
    txn.put(marker, condition=MarkerItem.pk.does_not_exist())
    txn.update(PrincipalItem(pk, PRINCIPAL_SK), _bump(status))
    return txn.commit() is None  # cancelled: the marker exists, this event already moved the epoch


# --- the check's one read ----------------------------------------------------------------------------
def read_for_check(
    tenant_id: str, user_id: str, session_id: str
) -> tuple[SessionRecord | None, Principal | None, Principal | None]:
    """Session, user principal and tenant principal in one BatchGetItem (strongly consistent, so that a
    revocation counts on the very next request); pynamodb asks again for unprocessed keys."""
    keys = {
        "session": (session_pk(tenant_id, session_id), SESSION_SK),
        "user": (user_pk(tenant_id, user_id), PRINCIPAL_SK),
        "tenant": (tenant_pk(tenant_id), PRINCIPAL_SK),
    }
    found: dict[tuple[str, str], Any] = {
        (item.pk, item.sk): item for item in _CheckedItem.batch_get(list(keys.values()), consistent_read=True)
    }
    session, user, tenant = (found.get(keys[k]) for k in ("session", "user", "tenant"))
    return (
        session.record(tenant_id, session_id) if session else None,
        user.principal() if user else None,
        tenant.principal() if tenant else None,
    )
