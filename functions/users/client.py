"""The internal routes of users as typed calls (`UsersClient`), with their request and response models.

Other services call users only through this module. It imports nothing of users but its manifest and
models (no handler, no store), so a caller's cold start does not load users's code."""

from __future__ import annotations

from functions.users.identity_models import (
    EmailVerification,
    InvitationAcceptance,
    InvitationFound,
    InvitationToken,
    IssuedInvitation,
    LinkRequest,
    LinkTicket,
    LinkUsed,
    NewInvitation,
    PasswordReset,
)
from functions.users.listing_models import UserBatch, UserIds, UserListing
from functions.users.manifest import SERVICE
from functions.users.mfa_models import MfaChallenge, MfaChallengeRequest, MfaVerification, MfaVerifiedUser
from functions.users.models import (
    CreatedUser,
    Credentials,
    NewUser,
    PasswordChange,
    PasswordChanged,
    UserOut,
    VerifiedUser,
)
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.typed_client import TypedClient

__all__ = [
    "CreatedUser",
    "Credentials",
    "EmailVerification",
    "InvitationAcceptance",
    "InvitationFound",
    "InvitationToken",
    "IssuedInvitation",
    "LinkRequest",
    "LinkTicket",
    "LinkUsed",
    "MfaChallenge",
    "MfaChallengeRequest",
    "MfaVerification",
    "MfaVerifiedUser",
    "NewInvitation",
    "NewUser",
    "PasswordChange",
    "PasswordChanged",
    "PasswordReset",
    "TenantExportPage",
    "TenantExportRequest",
    "UserBatch",
    "UserIds",
    "UserListing",
    "UserOut",
    "UsersClient",
    "VerifiedUser",
]


class UsersClient(TypedClient):
    """One method per internal route of functions/users/manifest.py, named after its function."""

    callee = SERVICE

    def create(self, body: NewUser) -> CreatedUser:
        """`POST /internal/users/create`: create a user (unique email per tenant) and give it its
        default role.

        Handled by functions/users/create.py."""
        return self._send("create", CreatedUser, body)

    def validate_credentials(self, body: Credentials) -> VerifiedUser:
        """`POST /internal/users/validate-credentials`: check an email and password, with lockout
        after repeated failures.

        Handled by functions/users/validate_credentials.py."""
        return self._send("validate-credentials", VerifiedUser, body)

    def get_internal(self, user_id: str, *, tenant_id: str) -> UserOut:
        """`GET /internal/users/{userId}`: one user of a tenant, for other services.

        Handled by functions/users/get_internal.py."""
        return self._send("get-internal", UserOut, path={"userId": user_id}, query={"tenantId": tenant_id})

    def list_internal(self, *, page_size: int = 20, cursor: str | None = None) -> UserListing:
        """`GET /internal/users`: a page of the tenant's users, for a service acting for a user (user.read).

        Handled by functions/users/list_internal.py."""
        return self._send("list-internal", UserListing, query={"pageSize": page_size, "cursor": cursor})

    def batch_get(self, body: UserIds) -> UserBatch:
        """`POST /internal/users/batch`: the tenant's users among up to 100 ids, for a service acting for a
        user.

        Handled by functions/users/batch_get.py."""
        return self._send("batch-get", UserBatch, body)

    def change_password(self, user_id: str, body: PasswordChange) -> PasswordChanged:
        """`POST /internal/users/{userId}/change-password`: replace a user's password after checking
        the current one.

        Handled by functions/users/change_password.py."""
        return self._send("change-password", PasswordChanged, body, path={"userId": user_id})

    def password_reset_request(self, body: LinkRequest) -> LinkTicket:
        """`POST /internal/users/password-reset-request`: a password-reset token for an address of the
        tenant (none if it has no account).

        Handled by functions/users/password_reset_request.py."""
        return self._send("password-reset-request", LinkTicket, body)

    def password_reset(self, body: PasswordReset) -> LinkUsed:
        """`POST /internal/users/password-reset`: use a reset token once: new password, every session
        ended, lockouts cleared.

        Handled by functions/users/password_reset.py."""
        return self._send("password-reset", LinkUsed, body)

    def email_verification_issue(self, body: LinkRequest) -> LinkTicket:
        """`POST /internal/users/email-verification-issue`: an email-verification token for an
        unverified user of the tenant.

        Handled by functions/users/email_verification_issue.py."""
        return self._send("email-verification-issue", LinkTicket, body)

    def email_verify(self, body: EmailVerification) -> LinkUsed:
        """`POST /internal/users/email-verify`: use a verification token once: the user's email is
        verified.

        Handled by functions/users/email_verify.py."""
        return self._send("email-verify", LinkUsed, body)

    def invitations_create(self, body: NewInvitation) -> IssuedInvitation:
        """`POST /internal/invitations`: a pending invitation (7 days) and its token, for the invitee's
        email.

        Handled by functions/users/invitations_create.py."""
        return self._send("invitations-create", IssuedInvitation, body)

    def invitations_lookup(self, body: InvitationToken) -> InvitationFound:
        """`POST /internal/invitations/lookup`: the tenant, address and roles of a usable invitation
        token.

        Handled by functions/users/invitations_lookup.py."""
        return self._send("invitations-lookup", InvitationFound, body)

    def invitations_accept(self, body: InvitationAcceptance) -> CreatedUser:
        """`POST /internal/invitations/accept`: accept an invitation once: a verified user holding
        exactly the invited roles.

        Handled by functions/users/invitations_accept.py."""
        return self._send("invitations-accept", CreatedUser, body)

    def mfa_verify(self, body: MfaVerification) -> MfaVerifiedUser:
        """`POST /internal/users/mfa/verify`: a login's second step: the mfaToken and a TOTP or recovery
        code, with lockout.

        Handled by functions/users/mfa_verify.py."""
        return self._send("mfa-verify", MfaVerifiedUser, body)

    def mfa_challenge(self, user_id: str, body: MfaChallengeRequest) -> MfaChallenge:
        """`POST /internal/users/{userId}/mfa-challenge`: a single-use enrolment token for an admin
        refused for lack of MFA.

        Handled by functions/users/mfa_challenge.py."""
        return self._send("mfa-challenge", MfaChallenge, body, path={"userId": user_id})

    def tenant_export(self, body: TenantExportRequest) -> TenantExportPage:
        """`POST /internal/users/tenant-export`: a page of a tenant's users for its export (no hashes, no
        MFA secrets).

        Handled by functions/users/tenant_export.py."""
        return self._send("tenant-export", TenantExportPage, body)
