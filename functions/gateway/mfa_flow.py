"""MFA in the public auth flows (docs/identity.md, "MFA"):

- `POST /api/v1/auth/mfa/verify`: the second step of a login that answered 401 `MFA_REQUIRED` — users
  checks the mfaToken and the code (single use, with lockout), then the same steps as login: the tenant,
  the permissions, a session, the tokens (`user.login`).
- the tenant setting `requireMfaForAdmins`: a tenant admin without MFA who gets the password right is
  refused with 403 `MFA_ENROLLMENT_REQUIRED` and an enrolment token (`details.mfaToken`) for
  `POST /api/v1/auth/mfa/enrollment` and `.../enrollment/activate`; then the admin logs in again.
"""

from __future__ import annotations

from functions.gateway import flows, rate_limits
from functions.gateway.mfa_models import MfaVerifyBody
from functions.gateway.models import TokenPair
from functions.rbac.client import TenantUserPermissions
from functions.tenants.client import Validation
from functions.users.client import MfaChallengeRequest, MfaVerification
from shared.context import RequestContext
from shared.errors import MfaEnrollmentRequired

ENROLLMENT_PATH = "/api/v1/auth/mfa/enrollment"


def verify(body: MfaVerifyBody, ctx: RequestContext, path: str) -> TokenPair:
    address = flows.client_address(ctx)
    rate_limits.hit_client(address, path)
    verified = flows.users().mfa_verify(
        MfaVerification(mfa_token=body.mfa_token, code=body.code, source=address)
    )
    tenant = verified.tenant_id
    flows.tenants().validate(tenant)  # suspended or deleted since the password step: refused
    granted = flows.rbac.user_permissions_internal(verified.user_id, tenant_id=tenant)
    session = flows.open_session(tenant, verified.user_id, verified.email, ctx)
    return flows.issue_tokens(tenant, verified.user_id, verified.email, granted, session, "login", ctx)


def require_enrolled_admin(tenant: Validation, user_id: str, granted: TenantUserPermissions) -> None:
    """A tenant that requires MFA for its admins refuses an admin without it (a user with MFA never gets
    here: the password step already answered MFA_REQUIRED)."""
    if not getattr(tenant.settings, "require_mfa_for_admins", False):
        return
    if "tenant_admin" not in granted.roles and "*" not in granted.permissions:
        return
    challenge = flows.users().mfa_challenge(user_id, MfaChallengeRequest(tenant_id=tenant.tenant_id))
    raise MfaEnrollmentRequired(
        "This tenant requires multi-factor authentication for administrators. Enroll with the mfaToken "
        f"(POST {ENROLLMENT_PATH}, then {ENROLLMENT_PATH}/activate with a code), then log in again.",
        details={
            "mfaToken": challenge.mfa_token,
            "expiresIn": challenge.expires_in,
            "enroll": ENROLLMENT_PATH,
        },
    )
