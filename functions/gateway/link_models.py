"""The public bodies of the account-link flows (API.md, "Identity, completed"): forgotten passwords, email
verification and invitations. Checked here, at the edge, with the rules the services behind apply."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from functions.gateway.models import TENANT_ID, NewPassword, Profile
from shared.emails import Email
from shared.models import CamelBody, CamelModel

# A token is any string up to a bound: one that is not ours is the domain's 401 INVALID_TOKEN.
LinkToken = Annotated[str, Field(min_length=1, max_length=512)]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


class AddressBody(_Body):
    """An address in a tenant (forgot-password, resend-verification): answered alike whether it has an
    account or not."""

    email: Email
    tenant_id: str = Field(alias="tenantId", pattern=TENANT_ID)


class Accepted(_Out):
    """202: the request is taken; what happens next arrives by email (if anywhere)."""

    accepted: Literal[True] = True
    message: str


class ResetPasswordBody(_Body):
    token: LinkToken
    new_password: NewPassword = Field(alias="newPassword")


class VerifyEmailBody(_Body):
    token: LinkToken


class InvitationBody(_Body):
    email: Email
    roles: Annotated[list[RoleName], Field(min_length=1, max_length=20)]


class InvitationOut(_Out):
    invitation_id: str = Field(alias="invitationId")
    email: str
    roles: list[str]
    expires_at: str = Field(alias="expiresAt")
    status: Literal["pending", "accepted", "revoked", "expired"]
    created_at: str = Field(alias="createdAt")
    invited_by: str = Field(alias="invitedBy")


class AcceptInvitationBody(_Body):
    token: LinkToken
    password: NewPassword
    profile: Profile | None = None


class JoinedUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]
