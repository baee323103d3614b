"""Bodies of the users routes behind the emailed links (docs/identity.md, "Identity, completed"):
password reset, email verification and invitations. camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from functions.users.models import Password, Profile, TenantId
from shared.emails import Email
from shared.models import CamelBody, CamelModel

# Any string up to the gateway's bound: a malformed token is the domain's 401 INVALID_TOKEN, not a 400
# (the longest well-formed one is `link_tokens.MAX_LENGTH`).
LinkToken = Annotated[str, Field(min_length=1, max_length=512)]
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Roles = Annotated[list[RoleName], Field(min_length=1, max_length=20)]
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


# --- links: password reset and email verification ----------------------------------------------------
class LinkRequest(_Body):
    """Who a reset (or verification) link is for: an address in a tenant, which may have no account."""

    tenant_id: TenantId = Field(alias="tenantId")
    email: Email


class LinkTicket(_Out):
    """What the gateway needs to mail the link. `issued` false: no link (unknown address, or nothing to
    verify); `tokenId` is then a fresh id all the same, so both answers look alike to the mailer."""

    issued: bool
    token_id: str = Field(alias="tokenId")
    token: str | None = Field(default=None, exclude_if=lambda token: token is None)
    expires_at: str = Field(alias="expiresAt")
    user_id: str | None = Field(default=None, alias="userId", exclude_if=lambda user: user is None)


class PasswordReset(_Body):
    token: LinkToken
    new_password: Password = Field(alias="newPassword")
    # The tenant the client named (its `X-Tenant-ID`), if it named one: a token of another is refused.
    tenant_id: TenantId | None = Field(default=None, alias="tenantId")


class LinkUsed(_Out):
    user_id: str = Field(alias="userId")
    tenant_id: str = Field(alias="tenantId")


class EmailVerification(_Body):
    token: LinkToken
    tenant_id: TenantId | None = Field(default=None, alias="tenantId")


# --- invitations -------------------------------------------------------------------------------------
class NewInvitation(_Body):
    tenant_id: TenantId = Field(alias="tenantId")
    email: Email
    roles: Roles
    invited_by: UserId = Field(alias="invitedBy")


class Invitation(_Out):
    invitation_id: str = Field(alias="invitationId")
    email: str
    roles: list[str]
    status: InvitationStatus
    expires_at: str = Field(alias="expiresAt")
    created_at: str = Field(alias="createdAt")
    invited_by: str = Field(alias="invitedBy")
    accepted_user_id: str | None = Field(
        default=None, alias="acceptedUserId", exclude_if=lambda user: user is None
    )


class IssuedInvitation(_Out):
    """The invitation and its token (for the invitee's email; the token is never stored or shown again)."""

    invitation: Invitation
    token: str


class InvitationToken(_Body):
    token: LinkToken


class InvitationFound(_Out):
    tenant_id: str = Field(alias="tenantId")
    invitation_id: str = Field(alias="invitationId")
    email: str
    roles: list[str]


class InvitationAcceptance(_Body):
    token: LinkToken
    password: Password
    profile: Profile = Field(default_factory=dict)
