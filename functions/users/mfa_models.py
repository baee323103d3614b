"""The users service's MFA bodies (camelCase on the wire): TOTP enrolment, activation and the login's
second step (docs/identity.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from functions.users.models import Source, Status, TenantId
from shared.models import CamelBody, CamelModel

# A 6-digit TOTP code, or a recovery code (`abcde-fghij`; case, spaces and dashes are not significant).
Code = Annotated[str, Field(min_length=6, max_length=32, pattern=r"^[A-Za-z0-9 -]+$")]
# `<tenantId>.<challengeId>.<secret>` — handed out with 401 MFA_REQUIRED (docs/identity.md).
MfaToken = Annotated[str, Field(min_length=10, max_length=256, pattern=r"^[a-z0-9-]+\.[0-9a-f]{32}\.[\w-]+$")]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


# --- public ------------------------------------------------------------------------------------------
class MfaCode(_Body):
    code: Code


class MfaEnrollment(_Out):
    secret: str
    otpauth_url: str = Field(alias="otpauthUrl")


class RecoveryCodes(_Out):
    recovery_codes: list[str] = Field(alias="recoveryCodes")


# --- internal ----------------------------------------------------------------------------------------
class MfaVerification(_Body):
    mfa_token: MfaToken = Field(alias="mfaToken")
    code: Code
    source: Source | None = None


class MfaVerifiedUser(_Out):
    tenant_id: str = Field(alias="tenantId")
    user_id: str = Field(alias="userId")
    email: str
    status: Status
    profile: dict[str, str]


class MfaChallengeRequest(_Body):
    tenant_id: TenantId = Field(alias="tenantId")
    purpose: Literal["enroll"] = "enroll"


class MfaChallenge(_Out):
    mfa_token: str = Field(alias="mfaToken")
    expires_in: int = Field(alias="expiresIn")


class MfaEnrollmentBody(_Body):
    mfa_token: MfaToken = Field(alias="mfaToken")


class MfaEnrollmentActivation(_Body):
    mfa_token: MfaToken = Field(alias="mfaToken")
    code: Code
