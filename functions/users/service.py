"""User accounts: create, read, list, change the profile, suspend, delete.

Public routes act in the caller's tenant, taken from the verified token and nothing else; internal
routes act in the tenant the calling service names. A user id of another tenant is simply not found.
"""

from __future__ import annotations

from functions.users import effects, ports
from functions.users.models import CreatedUser, NewUser, UserOut, UserPatch

# The reads live in reads.py (a read handler's cold start needs none of this module); named here too.
from functions.users.reads import caller as caller
from functions.users.reads import find as find
from functions.users.reads import list_users as list_users
from functions.users.reads import to_out as to_out
from functions.users.records import EmailTaken, UserGone, UserRecord
from shared import permissions
from shared.envelopes import utc_now_iso
from shared.errors import Forbidden, UserAlreadyExists, UserNotFound
from shared.passwords import check_strength, hash_password


# --- internal ----------------------------------------------------------------------------------------
def create(body: NewUser) -> CreatedUser:
    check_strength(body.password)
    now = utc_now_iso()
    user = UserRecord(
        tenant_id=body.tenant_id,
        user_id=body.user_id,
        email=body.email,
        password_hash=hash_password(body.password),
        profile=dict(body.profile),
        created_at=now,
        updated_at=now,
    )
    roles = [body.user_type]
    created = effects.event(
        "user.created",
        {
            "userId": user.user_id,
            "email": user.email,
            "tenantId": user.tenant_id,
            "profile": user.profile,
            "roles": roles,
            **({"verifyEmail": True} if body.verify_email else {}),
        },
        tenant_id=user.tenant_id,
    )
    try:
        ports.users().insert(user, events=[created])
    except (EmailTaken, UserGone):
        existing = ports.users().get(user.tenant_id, user.user_id)
        if existing is None or existing.email != user.email:
            raise UserAlreadyExists() from None
        # A repeat of this very create (the caller's id, the same email): answered again. The first one's
        # event is in the outbox (released by it, or by the drain); the role is assigned again (idempotent)
        # in case the first stopped before it.
        effects.assign_default_role(user.tenant_id, user.user_id, body.user_type)
        return CreatedUser(user_id=user.user_id, email=user.email, tenant_id=user.tenant_id, roles=roles)
    try:
        effects.assign_default_role(user.tenant_id, user.user_id, body.user_type)
    except Exception:
        # rbac keeps "a roles item iff the user exists": without a role, the user must not exist either
        # (and neither may its event).
        try:
            ports.users().remove(user, withdraw=[created])
        except Exception:
            effects.logger.exception("could not undo a user after rbac failed", user_id=user.user_id)
        raise
    effects.announce(created)
    return CreatedUser(user_id=user.user_id, email=user.email, tenant_id=user.tenant_id, roles=roles)


# --- public: changes ---------------------------------------------------------------------------------
def update(user_id: str, body: UserPatch) -> UserOut:
    user = caller()
    if user_id != user.user_id:
        permissions.require(user, "user.write")
    current = find(user.tenant_id, user_id)
    put = {k: v for k, v in body.profile.items() if v is not None and current.profile.get(k) != v}
    drop = [k for k, v in body.profile.items() if v is None and k in current.profile]
    if not put and not drop:
        return to_out(current)  # nothing changed: no write, no event
    expected = {k: v for k, v in {**current.profile, **put}.items() if k not in drop}
    updated = effects.event(
        "user.updated",
        {"userId": user_id, "changes": sorted(f"profile.{k}" for k in [*put, *drop]), "profile": expected},
        tenant_id=user.tenant_id,
    )
    now = utc_now_iso()
    after = ports.users().patch_profile(
        user.tenant_id, user_id, put=put, drop=drop, now=now, events=[updated]
    )
    if after is None:
        raise UserNotFound()
    effects.announce(updated)
    return to_out(after)


def _target_of_admin_action(user_id: str, needed: str) -> UserRecord:
    user = caller()
    permissions.require(user, needed)
    if user_id == user.user_id:
        raise Forbidden("You cannot do this to your own account")
    return find(user.tenant_id, user_id)


def suspend(user_id: str) -> UserOut:
    target = _target_of_admin_action(user_id, "user.write")
    suspended = effects.event(
        "user.suspended", {"userId": user_id, "email": target.email}, tenant_id=target.tenant_id
    )
    after = ports.users().set_status(
        target.tenant_id, user_id, "suspended", now=utc_now_iso(), events=[suspended]
    )
    if after is None:
        raise UserNotFound()
    effects.touch_principal(target.tenant_id, user_id, "suspended")
    effects.announce(suspended)
    return to_out(after)


def delete(user_id: str) -> None:
    """End the user's sessions and forget its roles first, then delete it: each step is idempotent and
    leaves the user unable to act, so a failure part-way is finished by retrying the delete (which could
    not happen if the record were gone first: the retry would be a 404)."""
    target = _target_of_admin_action(user_id, "user.delete")
    effects.touch_principal(target.tenant_id, user_id, "deleted")
    effects.forget_roles(target.tenant_id, user_id)
    deleted = effects.event(
        "user.deleted", {"userId": user_id, "email": target.email}, tenant_id=target.tenant_id
    )
    try:
        ports.users().remove(target, events=[deleted])
    except UserGone:
        raise UserNotFound() from None
    ports.factors().forget(target.tenant_id, user_id)  # its MFA factor, if any, goes with it
    effects.announce(deleted)
