"""What auth does: checks sign-up input, signs and verifies access tokens, ends sessions, signs system
tokens. Signing and verifying live in shared.access_tokens (the gateway's authorizer verifies too); this
module adds the service's contracts around them.

auth owns no table: the sessions behind user.login and user.logout are written by the cache service, a
call that cannot join a transaction of ours. user.logout is held in the outbox around the revocation;
user.login is published, and put into the outbox only when the bus refuses it (`_announce`): a bus
outage fails neither a login nor a logout, and the drain delivers the event.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from functions.auth import ports
from functions.auth.manifest import SERVICE
from functions.auth.models import (
    IssuedToken,
    LoggedOut,
    LogoutRequest,
    PreValidated,
    PreValidateRequest,
    SystemToken,
    SystemTokenRequest,
    TokensRequest,
    VerifiedClaims,
)
from functions.cache.client import CacheClient, RevokeRequest
from shared import access_tokens, passwords
from shared.context import current
from shared.errors import Forbidden, InvalidToken, QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent

cache = CacheClient(SERVICE)

# EventBridge entries are capped at 256 KB; a user agent is recorded, never needed whole.
MAX_USER_AGENT = 1024


def pre_validate(request: PreValidateRequest) -> PreValidated:
    """The email is already normalized by the model; the password, when given, must pass the rule."""
    if request.password is not None:
        passwords.check_strength(request.password)
    return PreValidated(email=request.email, tenant_id=request.tenant_id)


def issue_tokens(request: TokensRequest) -> IssuedToken:
    claims = access_tokens.AccessClaims(
        sub=request.user_id,
        tenant_id=request.tenant_id,
        roles=tuple(request.roles),
        permissions=tuple(request.permissions),
        sid=request.session_id,
        epoch=request.epoch,
    )
    # Sign first: a token that cannot be signed must not leave a login event behind.
    token, lifetime = access_tokens.issue(claims)
    if request.reason == "login":
        event = publisher.build(
            "user.login", login_event(request), tenant_id=request.tenant_id, user_id=request.user_id
        )
        # One session, one login: the id follows from the session, so a repeated call (the route is
        # declared idempotent) announces the login once — subscribers act once per event id.
        _announce(event.model_copy(update={"id": login_event_id(request.tenant_id, request.session_id)}))
    return IssuedToken(access_token=token, expires_in=lifetime)


def login_event_id(tenant_id: str, session_id: str) -> str:
    return "evt_" + uuid.uuid5(uuid.NAMESPACE_URL, f"stratus:user.login:{tenant_id}:{session_id}").hex


def _announce(event: ServiceEvent) -> None:
    """user.login has no write of ours to join (cache opened the session before this call), so staging it
    first (`outbox.emit`: a put, the publish, a delete) guards nothing that publishing first does not: the
    event is published, and only when the bus refuses it is it put into the outbox for the drain — a
    login works while the bus is down, and costs no DynamoDB call while it is up. A publish whose answer
    was lost is staged too: the drain sends it again with the same id, and subscribers act on it once."""
    try:
        publisher.send(event)
    except QueueUnavailable:
        ports.outbox().stage(event)


def login_event(request: TokensRequest) -> dict[str, Any]:
    """user.login's data. The client's ip and agent are kept only when the schema accepts them."""
    data: dict[str, Any] = {
        "userId": request.user_id,
        "email": request.email,
        "sessionId": request.session_id,
        "loginTime": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    ip = _clean_ip(request.ip)
    if ip:
        data["ip"] = ip
    agent = (request.user_agent or "").strip()
    if agent:
        data["userAgent"] = agent[:MAX_USER_AGENT]
    return data


def _clean_ip(raw: str | None) -> str | None:
    """The canonical text of an IPv4/IPv6 address, or None (absent, garbage, or scoped `fe80::1%eth0`,
    which the schema's ipv6 format refuses)."""
    if not raw:
        return None
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return None
    return str(address)


def verify_token(token: str) -> VerifiedClaims:
    """The claims of a valid access token; InvalidToken / TokenExpired (401) otherwise."""
    try:
        claims = access_tokens.verify(token)
    except ValidationError as exc:  # signed by us but not shaped as an access token
        raise InvalidToken() from exc
    return VerifiedClaims(
        user_id=claims.sub,
        tenant_id=claims.tenant_id,
        roles=list(claims.roles),
        permissions=list(claims.permissions),
        session_id=claims.sid,
        epoch=claims.epoch,
        expires_at=claims.exp,
    )


def logout(request: LogoutRequest) -> LoggedOut:
    """The revocation is cache's write, a call that cannot join our transaction: user.logout is put into
    the outbox on its own before it, taken back out if the revocation fails (the error is answered and
    nothing is announced), and released after it — so the session ends even while the bus is down, and
    the drain delivers the event later."""
    _refuse_foreign_user(request)
    logged_out = publisher.build(
        "user.logout",
        {"userId": request.user_id, "sessionId": request.session_id},
        tenant_id=request.tenant_id,
        user_id=request.user_id,
    )
    with ports.outbox().held(logged_out):
        cache.sessions_revoke(RevokeRequest(tenant_id=request.tenant_id, session_id=request.session_id))
    return LoggedOut()


def _refuse_foreign_user(request: LogoutRequest) -> None:
    """When the caller passes the signed-in user along (X-User-Context), the session to end must be that
    user's: a buggy or compromised caller cannot end another tenant's or user's session."""
    ctx = current()
    user = ctx.user if ctx else None
    if user is None:
        return
    if user.tenant_id != request.tenant_id or user.user_id != request.user_id:
        raise Forbidden("The session to end is not the signed-in user's", field="userId")


def system_token(request: SystemTokenRequest) -> SystemToken:
    token, lifetime = access_tokens.issue_system(request.service_id, request.operation)
    return SystemToken(system_token=token, expires_in=lifetime)


def jwks_document() -> str:
    """The JWKS as served: compact JSON of shared.access_tokens.jwks()."""
    return json.dumps(access_tokens.jwks(), separators=(",", ":"))
