"""Request and response bodies of the auth service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

# The same rule as shared.tables.tenant_key, so a bad tenant id is a 400 here, not a failure downstream.
TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
# Ids end up in keys and token claims: no '#', no whitespace, nothing exotic.
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
RoleName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")]
Permission = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:*-]{1,200}$")]
# Job or service names and operations of system tokens: `files-purge`, `audit.archive`.
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]


class _Request(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Response(CamelModel):
    """A response (shared.models: camelCase)."""


# --- pre-validate -----------------------------------------------------------------------------------
class PreValidateRequest(_Request):
    email: Email
    tenant_id: TenantId = Field(alias="tenantId")
    # Any string: the strength rule (shared.passwords.check_strength) answers with its own message.
    password: str | None = None


class PreValidated(_Response):
    email: str
    tenant_id: str = Field(alias="tenantId")


# --- tokens -----------------------------------------------------------------------------------------
class TokensRequest(_Request):
    user_id: Id = Field(alias="userId")
    email: Email
    tenant_id: TenantId = Field(alias="tenantId")
    roles: list[RoleName] = Field(default_factory=list, max_length=100)
    permissions: list[Permission] = Field(default_factory=list, max_length=500)
    session_id: Id = Field(alias="sessionId")
    epoch: int = Field(ge=0)
    reason: Literal["login", "refresh"]
    # Never refused: the client's address and agent are only recorded, and a login must not fail on them
    # (the domain drops what the event schema would not accept).
    ip: str | None = None
    user_agent: str | None = Field(default=None, alias="userAgent")


class IssuedToken(_Response):
    access_token: str = Field(alias="accessToken")
    expires_in: int = Field(alias="expiresIn")
    token_type: Literal["Bearer"] = Field(default="Bearer", alias="tokenType")


# --- verify-token -----------------------------------------------------------------------------------
class VerifyTokenRequest(_Request):
    # Any string: a malformed token is 401 INVALID_TOKEN, not a 400.
    token: str


class VerifiedClaims(_Response):
    user_id: str = Field(alias="userId")
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]
    permissions: list[str]
    session_id: str = Field(alias="sessionId")
    epoch: int
    expires_at: int = Field(alias="expiresAt")  # epoch seconds (the token's `exp`)


# --- logout -----------------------------------------------------------------------------------------
class LogoutRequest(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: Id = Field(alias="userId")
    session_id: Id = Field(alias="sessionId")


class LoggedOut(_Response):
    logged_out: Literal[True] = Field(default=True, alias="loggedOut")


# --- system-token -----------------------------------------------------------------------------------
class SystemTokenRequest(_Request):
    service_id: Name = Field(alias="serviceId")
    operation: Name


class SystemToken(_Response):
    system_token: str = Field(alias="systemToken")
    expires_in: int = Field(alias="expiresIn")
