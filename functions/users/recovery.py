"""The links a user is mailed about their own account: a password reset and an email verification.

Issuing a link (`request_reset`, `issue_verification`) answers the gateway with the token, which it hands
to the notification service's internal send route for the email: the token never travels on the event
bus, so no audit record can hold it (`user.password_reset_requested` carries the user, the address and
the expiry only). An address without an account gets no link, but the same shape of answer after the
same reads and the same token generation, and the gateway mails it a "no account" notice instead: both
branches do one lookup, one token, one email (docs/identity.md, "No account oracle").

Using a link (`reset_password`, `verify_email`) deletes its item in the transaction that does what it was
for (conditioned on its secret), so a link works once. A reset then ends every session of the user
(cache), clears its lockouts and publishes `user.password_changed`; if cache cannot end the sessions, the
reset is undone (the link works again) and the error answered, so a reset never stands with the old
sessions alive.
"""

from __future__ import annotations

from functions.cache.client import CacheClient, UserSessionsEnd
from functions.users import effects, link_tokens, ports
from functions.users.identity_models import (
    EmailVerification,
    LinkRequest,
    LinkTicket,
    LinkUsed,
    PasswordReset,
)
from functions.users.manifest import SERVICE
from functions.users.records import TokenRecord, UserRecord
from shared import passwords
from shared.envelopes import utc_now_iso
from shared.errors import InvalidToken, ServiceUnavailable, TokenExpired
from shared.events.model import ServiceEvent

cache = CacheClient(SERVICE)

RESET_SECONDS = 30 * 60  # API.md: a reset link is valid 30 minutes
VERIFY_SECONDS = 24 * 3600
TOKEN_PREFIX = "t"  # noqa: S105 - the ids' prefix (`t_...`), not a secret
# Read in place of the user when the address has no account, so both branches make the same reads.
_DECOY_USER = "u_" + "0" * 32


def _ticket(
    tenant_id: str, email: str, kind: str, seconds: int
) -> tuple[UserRecord | None, LinkTicket, TokenRecord]:
    """The user (None: unknown address) and a fresh token for it: generated and hashed in both cases."""
    user = ports.users().find_by_email(tenant_id, email)
    if user is None:
        ports.users().get(
            tenant_id, _DECOY_USER
        )  # find_by_email reads the user too when the address is known
    token = link_tokens.new(tenant_id, link_tokens.new_id(TOKEN_PREFIX))
    valid_until = link_tokens.now() + seconds
    stamp = link_tokens.digest(user.password_hash) if user and kind == "reset" else email
    record = TokenRecord(
        tenant_id=tenant_id,
        token_id=token.id,
        kind=kind,
        user_id=user.user_id if user else "",
        secret_hash=token.secret_hash,
        valid_until=valid_until,
        stamp=stamp,
        created_at=utc_now_iso(),
    )
    ticket = LinkTicket(
        issued=user is not None,
        token_id=token.id,
        token=str(token) if user else None,
        expires_at=link_tokens.iso(valid_until),
        user_id=user.user_id if user else None,
    )
    return user, ticket, record


def _usable(raw: str, tenant_hint: str | None, kind: str) -> TokenRecord:
    """The token's item if the token is one of ours, of this kind, unused and unexpired: else 401
    INVALID_TOKEN (TOKEN_EXPIRED past its time). Another tenant's token — or ours presented with another
    tenant named — is INVALID_TOKEN like an unknown one."""
    presented = link_tokens.parse(raw, prefix=TOKEN_PREFIX)
    if tenant_hint is not None and tenant_hint != presented.tenant_id:
        raise InvalidToken("The link is not valid")
    record = ports.tokens().get(presented.tenant_id, presented.id)
    if (
        record is None
        or record.kind != kind
        or not link_tokens.matches(presented.secret_hash, record.secret_hash)
    ):
        raise InvalidToken("The link is not valid (unknown, or already used)")
    if record.valid_until <= link_tokens.now():
        raise TokenExpired("The link has expired: ask for a new one")
    return record


# --- password reset ----------------------------------------------------------------------------------
def request_reset(body: LinkRequest) -> LinkTicket:
    user, ticket, record = _ticket(body.tenant_id, body.email, "reset", RESET_SECONDS)
    if user is None:
        return ticket
    requested = effects.event(
        "user.password_reset_requested",
        {"userId": user.user_id, "email": user.email, "expiresAt": ticket.expires_at},
        tenant_id=user.tenant_id,
    )
    # Not a 409 in practice (a fresh random id); a refusal would be the table's, so let it surface.
    if not ports.tokens().insert(record, events=[requested]):
        raise ServiceUnavailable("The reset link could not be issued; try again")
    effects.announce(requested)
    return ticket


def reset_password(body: PasswordReset) -> LinkUsed:
    token = _usable(body.token, body.tenant_id, "reset")
    user = ports.users().get(token.tenant_id, token.user_id)
    if user is None or not link_tokens.matches(link_tokens.digest(user.password_hash), token.stamp):
        # The user is gone, or its password changed since the link was sent: the link is void.
        raise InvalidToken("The link is no longer valid: ask for a new one")
    passwords.check_strength(body.new_password, field="newPassword")
    new_hash = passwords.hash_password(body.new_password)
    changed_at = utc_now_iso()
    changed = effects.event(
        "user.password_changed",
        {"userId": user.user_id, "email": user.email, "changedAt": changed_at, "reason": "reset"},
        tenant_id=user.tenant_id,
    )
    if not ports.tokens().use_for_reset(token, user, new_hash=new_hash, now=changed_at, events=[changed]):
        # used (or the password changed) between our read and the write
        raise InvalidToken("The link is not valid (unknown, or already used)")
    try:
        cache.sessions_end_all(UserSessionsEnd(tenant_id=user.tenant_id, user_id=user.user_id))
    except Exception:
        _undo_reset(user, token, new_hash, changed)
        raise
    try:
        ports.lockouts().clear_all(user.tenant_id, user.user_id)
    except Exception:  # the reset stands; a stale lock only lasts its own time
        effects.logger.exception("lockouts not cleared after a reset", user_id=user.user_id)
    effects.announce(changed)
    return LinkUsed(user_id=user.user_id, tenant_id=user.tenant_id)


def _undo_reset(user: UserRecord, token: TokenRecord, new_hash: str, changed: ServiceEvent) -> None:
    """Put the old password and the link back, and take the event out (one transaction)."""
    try:
        if not ports.tokens().undo_reset(
            token, user, new_hash=new_hash, now=utc_now_iso(), withdraw=[changed]
        ):
            effects.logger.error("reset not undone after cache failed", user_id=user.user_id)
    except Exception:
        effects.logger.exception("reset not undone after cache failed", user_id=user.user_id)


# --- email verification ------------------------------------------------------------------------------
def issue_verification(body: LinkRequest) -> LinkTicket:
    """A verification link for an unverified user; `issued` false for an unknown or verified address."""
    user, ticket, record = _ticket(body.tenant_id, body.email, "verify", VERIFY_SECONDS)
    if user is None or user.email_verified:
        return ticket.model_copy(update={"issued": False, "token": None, "user_id": None})
    if not ports.tokens().insert(record):
        raise ServiceUnavailable("The verification link could not be issued; try again")
    return ticket


def verify_email(body: EmailVerification) -> LinkUsed:
    token = _usable(body.token, body.tenant_id, "verify")
    user = ports.users().get(token.tenant_id, token.user_id)
    if user is None or user.email != token.stamp:
        raise InvalidToken("The link is no longer valid")
    now = utc_now_iso()
    verified = None
    if not user.email_verified:
        verified = effects.event(
            "user.verified",
            {"userId": user.user_id, "email": user.email, "verifiedAt": now},
            tenant_id=user.tenant_id,
        )
    if not ports.tokens().use_for_verification(token, user, now=now, events=[verified] if verified else []):
        raise InvalidToken("The link is not valid (unknown, or already used)")
    if verified is not None:
        effects.announce(verified)
    return LinkUsed(user_id=user.user_id, tenant_id=user.tenant_id)
