"""The `MFACHALLENGE#<id>` items of the users table (the mfaToken of a login that passed its password),
the DynamoDB side of `ports.ChallengeStore`: userId, secretHash (sha256 of the token's secret), purpose
`login`/`enroll`, expiresAt (TTL, 5 minutes). A challenge is used once: its delete is conditioned on it."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from functions.users.records import Challenge
from functions.users.store import TABLE, partition
from shared.tables import Item, table_meta
from shared.transactions import conditionally

PREFIX = "MFACHALLENGE#"


class ChallengeItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    user_id = UnicodeAttribute(attr_name="userId")
    secret_hash = UnicodeAttribute(attr_name="secretHash")
    purpose = UnicodeAttribute()

    def record(self) -> Challenge:
        return Challenge(
            challenge_id=self.sk.removeprefix(PREFIX),
            user_id=self.user_id,
            secret_hash=self.secret_hash,
            purpose=self.purpose,
            expires_at=int(self.expires_at or 0),
        )


def _item(tenant_id: str, challenge_id: str) -> ChallengeItem:
    return ChallengeItem(partition(tenant_id), PREFIX + challenge_id)


def put(tenant_id: str, challenge: Challenge) -> None:
    item = _item(tenant_id, challenge.challenge_id)
    item.user_id, item.secret_hash, item.purpose = challenge.user_id, challenge.secret_hash, challenge.purpose
    item.expires_at = challenge.expires_at
    item.save(condition=ChallengeItem.pk.does_not_exist())


def get(tenant_id: str, challenge_id: str, *, now: float) -> Challenge | None:
    """The challenge, unless absent or expired at `now` (the caller's clock: DynamoDB's TTL deletes late,
    so reads must not trust it)."""
    try:
        item = ChallengeItem.get(partition(tenant_id), PREFIX + challenge_id, consistent_read=True)
    except ChallengeItem.DoesNotExist:
        return None
    return None if item.is_expired(now) else item.record()


def consume(tenant_id: str, challenge: Challenge, *, now: float) -> bool:
    """Delete the challenge if it is still there and unexpired: of two uses, one wins."""
    item = _item(tenant_id, challenge.challenge_id)
    condition = (ChallengeItem.secret_hash == challenge.secret_hash) & (ChallengeItem.expires_at > int(now))
    return conditionally(lambda: item.delete(condition=condition))
