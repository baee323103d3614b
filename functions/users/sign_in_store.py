"""What a sign-in reads of the `users` table, the DynamoDB side of `ports.SignInStore`, in two calls: the
email's claim (it names the user), then the user item, this source's lockout and the MFA factor in one
strongly consistent BatchGetItem — all three live in the tenant's users partition (store.py, lockouts.py,
mfa_store.py own their writes). A password change reads the user and its lockout in one BatchGetItem."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from functions.users.lockouts import LockoutItem, lockout_sk
from functions.users.mfa_store import factor_sk
from functions.users.records import Lockout, SignIn
from functions.users.store import ClaimItem, UserItem, email_sk, partition, user_sk


class _ReadItem(UserItem):
    """Any item of the sign-in's one BatchGetItem (the user, a lockout, the MFA factor): pynamodb reads a
    batch into one model, so this one has the attributes of each kind (`status` is the user's or the
    factor's)."""

    failures = NumberAttribute(null=True)
    locked_until = NumberAttribute(attr_name="lockedUntil", null=True)
    locks = NumberAttribute(null=True)

    def lockout(self) -> Lockout:
        return LockoutItem(
            self.pk, self.sk, failures=self.failures, locked_until=self.locked_until, locks=self.locks
        ).record()


def _read_together(tenant_id: str, *sks: str) -> dict[str, _ReadItem]:
    """The live items of the tenant's users partition with these sort keys, by sort key."""
    keys = [(partition(tenant_id), sk) for sk in sks]
    return {
        item.sk: item for item in _ReadItem.batch_get(keys, consistent_read=True) if not item.is_expired()
    }


def read(tenant_id: str, email: str, source: str) -> SignIn | None:
    """The user the email belongs to, with what the sign-in checks; None for an unknown email."""
    claim = ClaimItem.get_live(partition(tenant_id), email_sk(email))
    if claim is None or not claim.user_id:
        return None
    user_id = claim.user_id
    wanted = user_sk(user_id), lockout_sk(user_id, source), factor_sk(user_id)
    found = _read_together(tenant_id, *wanted)
    user, lockout, factor = (found.get(sk) for sk in wanted)
    if user is None:
        return None
    return SignIn(
        user=user.record(),
        lockout=lockout.lockout() if lockout else Lockout(),
        mfa_active=factor is not None and factor.status == "active",
    )


def read_by_id(tenant_id: str, user_id: str, source: str) -> SignIn | None:
    """The user and this source's lockout in one BatchGetItem (a password change of a signed-in user)."""
    wanted = user_sk(user_id), lockout_sk(user_id, source)
    found = _read_together(tenant_id, *wanted)
    user, lockout = (found.get(sk) for sk in wanted)
    if user is None:
        return None
    return SignIn(user=user.record(), lockout=lockout.lockout() if lockout else Lockout())
