"""Invitations: a tenant member asks someone to join with given roles; the invitee accepts with a
password and becomes a user holding exactly those roles.

Who may invite whom is the gateway's to check before it asks here (`user.invite`, and rbac's privilege
guard on the roles); the invitation's token goes back to the gateway for the invitee's email (never onto
the bus: `user.invited` carries the invitation id, address, roles and expiry only).

Accepting creates the user, marks the invitation accepted and counts the user in one transaction, then
gives the roles (rbac); if rbac refuses, all of it is undone and the invitation is pending again. The
tenant's `maxUsers` is the gateway's reservation before the call, as for a registration.

| accepting... | answer |
|---|---|
| a malformed, unknown or wrong token | 401 `INVALID_TOKEN` |
| a revoked invitation | 401 `INVALID_TOKEN` |
| an expired one (7 days) | 401 `TOKEN_EXPIRED` |
| an accepted one (twice) | 409 `CONFLICT` |
| an address that became a user meanwhile | 409 `USER_ALREADY_EXISTS` |
"""

from __future__ import annotations

import re

from functions.rbac.client import RbacClient, RolesRequest
from functions.users import effects, link_tokens, ports
from functions.users.identity_models import (
    Invitation,
    InvitationAcceptance,
    InvitationFound,
    InvitationToken,
    IssuedInvitation,
    NewInvitation,
)
from functions.users.manifest import SERVICE
from functions.users.models import CreatedUser
from functions.users.records import EmailTaken, InvitationMoved, InvitationRecord, UserGone, UserRecord
from shared import passwords, permissions
from shared.context import UserContext, new_id, require
from shared.envelopes import Cursor, Page, utc_now_iso
from shared.errors import Conflict, InvalidToken, NotFound, TokenExpired, UserAlreadyExists

rbac = RbacClient(SERVICE)

VALID_SECONDS = 7 * 24 * 3600
ID_PREFIX = "inv"
INVITATION_ID = re.compile(r"inv_[0-9a-f]{32}")
PERMISSION = "user.invite"


def to_out(record: InvitationRecord) -> Invitation:
    status = record.status
    if status == "pending" and record.valid_until <= link_tokens.now():
        status = "expired"
    return Invitation(
        invitation_id=record.invitation_id,
        email=record.email,
        roles=list(record.roles),
        status=status,
        expires_at=link_tokens.iso(record.valid_until),
        created_at=record.created_at,
        invited_by=record.invited_by,
        accepted_user_id=record.accepted_user_id,
    )


# --- internal: the gateway's steps -------------------------------------------------------------------
def create(body: NewInvitation) -> IssuedInvitation:
    """A pending invitation and its token. An address that is already a user of the tenant is 409
    `USER_ALREADY_EXISTS` (the inviter can list users anyway: nothing is revealed)."""
    if ports.users().find_by_email(body.tenant_id, body.email) is not None:
        raise UserAlreadyExists("A user of this tenant already has this email", field="email")
    token = link_tokens.new(body.tenant_id, link_tokens.new_id(ID_PREFIX))
    now = utc_now_iso()
    record = InvitationRecord(
        tenant_id=body.tenant_id,
        invitation_id=token.id,
        email=body.email,
        roles=tuple(dict.fromkeys(body.roles)),
        status="pending",
        secret_hash=token.secret_hash,
        valid_until=link_tokens.now() + VALID_SECONDS,
        invited_by=body.invited_by,
        created_at=now,
        updated_at=now,
    )
    invited = effects.event(
        "user.invited",
        {
            "invitationId": record.invitation_id,
            "email": record.email,
            "roles": list(record.roles),
            "invitedBy": record.invited_by,
            "expiresAt": link_tokens.iso(record.valid_until),
        },
        tenant_id=record.tenant_id,
    )
    ports.invitations().insert(record, events=[invited])
    effects.announce(invited)
    return IssuedInvitation(invitation=to_out(record), token=str(token))


def _usable(raw: str) -> InvitationRecord:
    presented = link_tokens.parse(raw, prefix=ID_PREFIX)
    record = ports.invitations().get(presented.tenant_id, presented.id)
    if record is None or not link_tokens.matches(presented.secret_hash, record.secret_hash):
        raise InvalidToken("The invitation is not valid")
    if record.status == "accepted":
        raise Conflict("The invitation was already accepted", field="token")
    if record.status == "revoked":
        raise InvalidToken("The invitation was revoked")
    if record.valid_until <= link_tokens.now():
        raise TokenExpired("The invitation has expired: ask for a new one")
    return record


def lookup(body: InvitationToken) -> InvitationFound:
    """What the gateway must know before accepting (the tenant, to validate it and reserve a seat)."""
    record = _usable(body.token)
    return InvitationFound(
        tenant_id=record.tenant_id,
        invitation_id=record.invitation_id,
        email=record.email,
        roles=list(record.roles),
    )


def accept(body: InvitationAcceptance) -> CreatedUser:
    record = _usable(body.token)
    passwords.check_strength(body.password)
    now = utc_now_iso()
    user = UserRecord(
        tenant_id=record.tenant_id,
        user_id=new_id("u_"),
        email=record.email,
        password_hash=passwords.hash_password(body.password),
        profile=dict(body.profile),
        created_at=now,
        updated_at=now,
        email_verified=True,  # the token came to this address: that is what verifying proves
    )
    roles = list(record.roles)
    created = effects.event(
        "user.created",
        {
            "userId": user.user_id,
            "email": user.email,
            "tenantId": user.tenant_id,
            "profile": user.profile,
            "roles": roles,
            "invitationId": record.invitation_id,
        },
        tenant_id=user.tenant_id,
    )
    try:
        ports.invitations().accept(record, user, now=link_tokens.now(), at=now, events=[created])
    except EmailTaken:
        raise UserAlreadyExists() from None
    except (InvitationMoved, UserGone):
        _usable(body.token)  # accepted, revoked or expired meanwhile: answer as that
        raise InvalidToken("The invitation is not valid") from None
    try:
        rbac.assign_roles(user.user_id, RolesRequest(tenant_id=user.tenant_id, roles=roles))
    except Exception:
        try:
            ports.invitations().reopen(record, user, at=utc_now_iso(), withdraw=[created])
        except Exception:
            effects.logger.exception("could not undo an acceptance after rbac failed", user_id=user.user_id)
        raise
    effects.announce(created)
    return CreatedUser(user_id=user.user_id, email=user.email, tenant_id=user.tenant_id, roles=roles)


# --- public: the tenant's invitations ----------------------------------------------------------------
def _inviter() -> UserContext:
    user = require().require_user()
    permissions.require(user, PERMISSION)
    return user


def list_invitations(page_size: int, cursor: str | None) -> Page[Invitation]:
    """Newest first; `total` is the invitations on the pages so far (a lower bound, as with filtered
    audit queries: invitations keep no count)."""
    user = _inviter()
    records, next_cursor = ports.invitations().page(user.tenant_id, page_size=page_size, cursor=cursor)
    total = (Cursor.page_of(cursor) - 1) * page_size + len(records)
    return Page[Invitation].of(
        [to_out(r) for r in records], total=total, page_size=page_size, cursor=cursor, next_cursor=next_cursor
    )


def revoke(invitation_id: str) -> None:
    """pending (or expired) → revoked, with `user.invitation_revoked`. Revoking again is fine (204);
    an accepted invitation is 409 `CONFLICT`; an unknown one (or another tenant's) 404 `NOT_FOUND`."""
    user = _inviter()
    record = (
        ports.invitations().get(user.tenant_id, invitation_id)
        if INVITATION_ID.fullmatch(invitation_id)
        else None
    )
    for _ in range(2):
        if record is None:
            raise NotFound("No such invitation", details={"invitationId": invitation_id})
        if record.status == "revoked":
            return
        if record.status == "accepted":
            raise Conflict("The invitation was already accepted", field="invitationId")
        revoked = effects.event(
            "user.invitation_revoked",
            {"invitationId": record.invitation_id, "email": record.email, "revokedBy": user.user_id},
            tenant_id=user.tenant_id,
        )
        if ports.invitations().revoke(record, at=utc_now_iso(), events=[revoked]):
            effects.announce(revoked)
            return
        record = ports.invitations().get(user.tenant_id, invitation_id)  # it moved meanwhile: decide again
    raise Conflict("The invitation kept changing; try again", field="invitationId")
