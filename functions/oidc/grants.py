"""The grants, as authlib's classes with our storage and our rules:

- authorization code (`AuthorizationCodeGrant`) with authlib's PKCE extension (`CodeChallenge`) narrowed
  to S256 and required on every request, and its OpenID Connect extension (`OpenIDCode`: the ID token,
  the nonce echoed). A code is single-use (one conditional UpdateItem), expires after `CODE_TTL`, and is
  bound to its client, redirect URI and challenge; a code used twice revokes the grant it opened;
- refresh token (`RefreshTokenGrant`) with rotation: each use answers a new refresh token and retires the
  old one in one conditional write; a retired one used again revokes the whole grant (its family);
- client credentials (`ClientCredentialsGrant`): a token for the app itself (`sub` = its client id).

Clients authenticate with `client_secret_basic` or `client_secret_post` (confidential clients only)."""

from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from authlib.oidc.core.models import AuthorizationCodeMixin

from functions.oidc import store, tokens
from functions.oidc.clients import Client
from functions.oidc.manifest import SERVICE
from functions.tenants.client import TenantsClient
from functions.users.client import UserOut, UsersClient
from shared.config import settings
from shared.errors import StratusError
from shared.identifiers import TENANT_ID_PATTERN

users = UsersClient(SERVICE)
tenants = TenantsClient(SERVICE)

ID_TOKEN_TTL = 3600
_TENANT = TENANT_ID_PATTERN.strip("^$")


def code_ttl() -> int:
    """Seconds a code lives: `STRATUS_OAUTH_CODE_TTL`, held between 60 s and 10 minutes (RFC 6749 §4.1.2)."""
    try:
        wanted = int(os.environ.get("STRATUS_OAUTH_CODE_TTL", "300"))
    except ValueError:
        wanted = 300
    return max(60, min(600, wanted))


@dataclass(frozen=True)
class EndUser:
    """The resource owner: a user of one tenant, as users knows them now."""

    user_id: str
    tenant_id: str
    grant_id: str = ""
    email: str = ""
    email_verified: bool = False
    profile: tuple[tuple[str, str], ...] = ()
    updated_at: str = ""

    def get_user_id(self) -> str:
        return self.user_id


@dataclass(frozen=True)
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    record: store.CodeRecord

    @property
    def code_challenge(self) -> str:
        return self.record.code_challenge

    @property
    def code_challenge_method(self) -> str:
        return self.record.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.record.redirect_uri

    def get_scope(self) -> str:
        return self.record.scope

    def get_nonce(self) -> str | None:
        return self.record.nonce

    def get_auth_time(self) -> int:
        return self.record.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass(frozen=True)
class Refresh:
    """A presented refresh token that is its grant's current one."""

    grant: store.GrantRecord
    secret_hash: str

    def check_client(self, client: Client) -> bool:
        return client.get_client_id() == self.grant.client_id

    def get_scope(self) -> str:
        return self.grant.scope


def split(token: str, parts: int) -> list[str] | None:
    """`<tenantId>.<...>`: the pieces of a code (2) or refresh token (3), or None if malformed."""
    pieces = (token or "").split(".")
    if len(pieces) != parts or not all(pieces) or len(token) > 300:
        return None
    return pieces if re.fullmatch(_TENANT, pieces[0]) else None


def end_user(tenant_id: str, user_id: str, grant_id: str) -> EndUser | None:
    """The user as users knows them now, in a tenant that is usable now; None if either is gone, suspended
    or not active (their grants stop working, as the platform's own sessions do)."""
    try:
        tenants.validate(tenant_id)  # 404 gone or deleting, 403 suspended
        found: UserOut = users.get_internal(user_id, tenant_id=tenant_id)
    except StratusError as exc:
        if exc.status in (403, 404):
            return None
        raise
    if found.status != "active" or found.tenant_id != tenant_id:
        return None
    return EndUser(
        user_id=found.user_id,
        tenant_id=tenant_id,
        grant_id=grant_id,
        email=found.email,
        email_verified=found.email_verified,
        profile=tuple(sorted(found.profile.items())),
        updated_at=found.updated_at,
    )


def user_info(user: EndUser, scope: str) -> dict[str, Any]:
    """The claims the scopes allow (authlib's mapping), and always the tenant the subject belongs to."""
    profile = dict(user.profile)
    claims = UserInfo(sub=user.user_id, email=user.email, email_verified=user.email_verified)
    for name in ("name", "given_name", "family_name", "nickname", "picture", "locale", "zoneinfo"):
        if profile.get(name):
            claims[name] = profile[name]
    if user.updated_at:
        claims["updated_at"] = _epoch(user.updated_at)
    return {**claims.filter(scope), "sub": user.user_id, "tenant_id": user.tenant_id}


def _epoch(iso: str) -> int:
    try:
        return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _new_refresh(tenant_id: str, grant_id: str) -> tuple[str, str]:
    secret = secrets.token_urlsafe(32)
    return f"{tenant_id}.{grant_id}.{secret}", store.secret_hash(secret)


def _grant_expiry() -> int:
    return int(time.time()) + settings().refresh_token_ttl_seconds


# --- authorization code ----------------------------------------------------------------------------------
class S256Challenge(CodeChallenge):  # type: ignore[misc]
    """authlib's PKCE, S256 only and never optional (OAuth 2.1): a missing challenge or method, or
    `plain`, is `invalid_request` (redirected to the client, the redirect URI being valid by then)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (S256)")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class OpenIDConnect(OpenIDCode):  # type: ignore[misc]
    """authlib's OpenID Connect code flow: the ID token signed with the platform's key."""

    def __init__(self, issuer: str) -> None:
        super().__init__(require_nonce=False)
        self.issuer = issuer

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return False  # the nonce is echoed in the ID token; the client that chose it checks it

    def resolve_client_private_key(self, client: Client) -> Any:
        return tokens.signing_keys()

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        return {"iss": self.issuer, "aud": [client.get_client_id()], "exp": now + ID_TOKEN_TTL}

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "typ": "JWT"}

    def generate_user_info(self, user: EndUser, scope: str) -> dict[str, Any]:
        return user_info(user, scope)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        """Only the hash of the code's secret is stored; the code names its tenant (the user's)."""
        user: EndUser = request.user
        tenant_id, secret = code.split(".", 1)
        data = request.payload.data
        store.put_code(
            store.secret_hash(secret),
            store.CodeRecord(
                tenant_id=tenant_id,
                client_id=request.client.get_client_id(),
                redirect_uri=data["redirect_uri"],
                scope=request.scope or "",
                user_id=user.user_id,
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                nonce=data.get("nonce"),
                auth_time=int(time.time()),
                grant_id=f"grt_{uuid.uuid4().hex}",
                expires_at=int(time.time()) + code_ttl(),
            ),
        )

    def generate_authorization_code(self) -> str:
        return f"{self.request.user.tenant_id}.{secrets.token_urlsafe(32)}"

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        """Redeem the code: once, by the client it was issued to, before it expires. A second use of a
        code revokes the grant its first use opened (RFC 6749 §4.1.2)."""
        pieces = split(code, 2)
        if pieces is None:
            return None
        tenant_id, secret = pieces
        hashed = store.secret_hash(secret)
        now = int(time.time())
        try:
            return Code(store.redeem_code(tenant_id, hashed, client.get_client_id(), now))
        except store.ConditionFailed:
            found = store.code(tenant_id, hashed)
            if found is not None and found.used_at is not None and found.client_id == client.get_client_id():
                store.revoke_grant(tenant_id, found.grant_id, _grant_expiry())
            return None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        """Already spent by `query_authorization_code` (kept, marked used, until its TTL: a replay must
        still find it to revoke what it opened)."""

    def authenticate_user(self, authorization_code: Code) -> EndUser | None:
        record = authorization_code.record
        client: Client = self.request.client
        if not client.enabled_for(record.tenant_id):
            raise InvalidGrantError("The app is not enabled for the user's tenant")
        return end_user(record.tenant_id, record.user_id, record.grant_id)

    def save_token(self, token: dict[str, Any]) -> None:
        """Open the code's grant with the first refresh token (refused if a replay revoked it first)."""
        record: store.CodeRecord = self.request.authorization_code.record
        refresh, hashed = _new_refresh(record.tenant_id, record.grant_id)
        try:
            store.create_grant(
                store.GrantRecord(
                    tenant_id=record.tenant_id,
                    grant_id=record.grant_id,
                    client_id=record.client_id,
                    user_id=record.user_id,
                    scope=record.scope,
                    auth_time=record.auth_time,
                    refresh_hash=hashed,
                    previous_hashes=(),
                    revoked=False,
                    expires_at=_grant_expiry(),
                )
            )
        except store.ConditionFailed:
            raise InvalidGrantError("The code was used already") from None
        token["refresh_token"] = refresh


# --- refresh token ---------------------------------------------------------------------------------------
class RefreshTokenGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    INCLUDE_NEW_REFRESH_TOKEN = False  # made here, with the rotation (save_token)

    def authenticate_refresh_token(self, refresh_token: str) -> Refresh | None:
        pieces = split(refresh_token, 3)
        if pieces is None:
            return None
        tenant_id, grant_id, secret = pieces
        found = store.grant(tenant_id, grant_id)
        if found is None or found.revoked or found.expires_at <= time.time():
            return None
        hashed = store.secret_hash(secret)
        if hashed in found.previous_hashes:
            # A rotated refresh token used again: stolen, or the client lost track. Either way the family
            # can no longer be trusted (RFC 9700 §4.14.2).
            store.revoke_grant(tenant_id, grant_id, found.expires_at)
            return None
        return Refresh(found, hashed) if secrets.compare_digest(hashed, found.refresh_hash) else None

    def authenticate_user(self, refresh: Refresh) -> EndUser | None:
        grant = refresh.grant
        client: Client = self.request.client
        if not client.enabled_for(grant.tenant_id):
            raise InvalidGrantError("The app is not enabled for the user's tenant")
        user = end_user(grant.tenant_id, grant.user_id, grant.grant_id)
        if user is None:  # authlib would say invalid_request; the grant is what no longer holds
            raise InvalidGrantError("The user or their tenant is no longer active")
        return user

    def save_token(self, token: dict[str, Any]) -> None:
        """Rotate: the new refresh token replaces the presented one if it is still the current one."""
        refresh: Refresh = self.request.refresh_token
        grant = refresh.grant
        new_token, new_hash = _new_refresh(grant.tenant_id, grant.grant_id)
        try:
            store.rotate(grant.tenant_id, grant.grant_id, refresh.secret_hash, new_hash, _grant_expiry())
        except store.ConditionFailed:
            store.revoke_grant(grant.tenant_id, grant.grant_id, grant.expires_at)
            raise InvalidGrantError("The refresh token was used already") from None
        token["refresh_token"] = new_token

    def revoke_old_credential(self, refresh: Refresh) -> None:
        """Done by the rotation itself (save_token)."""


# --- client credentials ----------------------------------------------------------------------------------
class ClientCredentialsGrant(grants.ClientCredentialsGrant):  # type: ignore[misc]
    """A token for the app itself: no user, no tenant, no refresh token, no scope (the user scopes mean
    nothing without a user)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_token_request(self) -> None:
        if self.request.payload.scope:
            raise InvalidScopeError("client_credentials takes no scope")
        super().validate_token_request()


def register(server: Any, issuer: str) -> None:
    server.register_grant(AuthorizationCodeGrant, [S256Challenge(required=True), OpenIDConnect(issuer)])
    server.register_grant(RefreshTokenGrant)
    server.register_grant(ClientCredentialsGrant)
