"""The public flows behind the emailed links (API.md, "Identity, completed"): forgotten passwords, email
verification and invitations. Each step is a downward typed call; the gateway is the one service above
both the owner of the token (users) and the mailer (notification), so the token goes from one to the
other through it — service to service, never on the event bus (docs/identity.md, "Tokens and the audit").

No account oracle: forgot-password and resend-verification answer 202 with one body whatever the
address, after the same calls — tenants validate, users (one lookup, one token generated either way), one
email: the link to an account's address, a "no account here" notice to any other. Both are rate-limited
per client address (the auth class) and per address (5 an hour), so neither an inbox nor the timing of one
address can be worked at length.
"""

from __future__ import annotations

import re
from typing import Literal

from functions.gateway import rate_limits
from functions.gateway.link_models import (
    Accepted,
    AcceptInvitationBody,
    AddressBody,
    InvitationBody,
    InvitationOut,
    JoinedUser,
    ResetPasswordBody,
    VerifyEmailBody,
)
from functions.gateway.manifest import SERVICE
from functions.notification.client import MessageRequest, NotificationClient
from functions.rbac.client import GrantCheck, RbacClient
from functions.tenants.client import QuotaRequest, TenantsClient
from functions.users.client import (
    EmailVerification,
    InvitationAcceptance,
    InvitationToken,
    LinkRequest,
    LinkTicket,
    NewInvitation,
    PasswordReset,
    UsersClient,
)
from shared import observability, permissions
from shared.context import RequestContext, UserContext
from shared.errors import InvalidToken, StratusError
from shared.identifiers import TENANT_ID_PATTERN

notification = NotificationClient(SERVICE)
rbac = RbacClient(SERVICE)
tenants = TenantsClient(SERVICE)
users = UsersClient(SERVICE)
logger = observability.logger("gateway")

_TENANT_ID = re.compile(TENANT_ID_PATTERN)
_PERMISSION = re.compile(r"^(\*|[a-z_]+\.(\*|[a-z_]+))$")  # rbac's PERMISSION_PATTERN
RESET_TAKEN = "If an account of this tenant uses the address, a reset link is on its way to it."
VERIFY_TAKEN = "If an unverified account of this tenant uses the address, a link is on its way to it."
INVITE_PERMISSION = "user.invite"


def _client_address(ctx: RequestContext) -> str:
    return ctx.source_ip or "unknown"


def _seat(operation: Literal["reserve", "release"]) -> QuotaRequest:
    return QuotaRequest(resource_type="users", requested_amount=1, operation=operation)


def _mail(tenant_id: str, to: str, template: str, ticket: LinkTicket) -> None:
    notification.messages_send(
        MessageRequest.model_validate(
            {
                "tenantId": tenant_id,
                "template": template,
                "to": to,
                "key": ticket.token_id,
                "token": ticket.token,
                "values": {"expiresAt": ticket.expires_at},
            }
        )
    )


def _tenant_named(header: str | None) -> str | None:
    """The tenant a public request names (`X-Tenant-ID`), if any: a token of another tenant is then
    refused. A header that is no tenant id names no tenant a token could be of."""
    if header is None:
        return None
    if not _TENANT_ID.fullmatch(header):
        raise InvalidToken("The link is not valid")
    return header


# --- password reset ----------------------------------------------------------------------------------
def forgot_password(body: AddressBody, ctx: RequestContext, path: str) -> Accepted:
    rate_limits.hit_client(_client_address(ctx), path)
    rate_limits.hit_email(body.tenant_id, body.email)
    tenants.validate(body.tenant_id)
    ticket = users.password_reset_request(LinkRequest(tenant_id=body.tenant_id, email=body.email))
    template = "password_reset" if ticket.issued else "password_reset_unknown"
    _mail(body.tenant_id, body.email, template, ticket)
    return Accepted(message=RESET_TAKEN)


def reset_password(body: ResetPasswordBody, ctx: RequestContext, path: str, tenant: str | None) -> None:
    rate_limits.hit_client(_client_address(ctx), path)
    users.password_reset(
        PasswordReset(token=body.token, new_password=body.new_password, tenant_id=_tenant_named(tenant))
    )


# --- email verification ------------------------------------------------------------------------------
def send_verification(tenant_id: str, email: str) -> None:
    """A sign-up's verification link, from the gateway's subscriber (user.created with `verifyEmail`):
    issued by users, mailed by notification, out of the registration's own request. A passing failure is
    raised, so the event comes again (the queue's retries, then its DLQ) instead of being only logged;
    a refusal that would come again (the account gone or verified since) is logged and dropped."""
    try:
        ticket = users.email_verification_issue(LinkRequest(tenant_id=tenant_id, email=email))
        if ticket.issued:
            _mail(tenant_id, email, "verify_email", ticket)
    except StratusError as exc:
        if exc.retryable:
            raise
        logger.warning("verification email not sent", tenant_id=tenant_id, code=str(exc.code))


def resend_verification(body: AddressBody, ctx: RequestContext, path: str) -> Accepted:
    rate_limits.hit_client(_client_address(ctx), path)
    rate_limits.hit_email(body.tenant_id, body.email)
    tenants.validate(body.tenant_id)
    ticket = users.email_verification_issue(LinkRequest(tenant_id=body.tenant_id, email=body.email))
    template = "verify_email" if ticket.issued else "verify_email_unneeded"
    _mail(body.tenant_id, body.email, template, ticket)
    return Accepted(message=VERIFY_TAKEN)


def verify_email(body: VerifyEmailBody, ctx: RequestContext, path: str, tenant: str | None) -> None:
    rate_limits.hit_client(_client_address(ctx), path)
    users.email_verify(EmailVerification(token=body.token, tenant_id=_tenant_named(tenant)))


# --- invitations -------------------------------------------------------------------------------------
def invite(body: InvitationBody, user: UserContext) -> InvitationOut:
    """`user.invite`, and rbac's privilege guard: nobody invites to a role granting more than they hold
    (403 INSUFFICIENT_PERMISSIONS; an unknown role is 404 ROLE_NOT_FOUND). Then the invitation and its
    email; if the email cannot be sent the answer is the error, and the invitation stays pending (listed,
    revocable, and re-sent by inviting again after revoking it)."""
    permissions.require(user, INVITE_PERMISSION)
    # The caller's permissions as the authorizer verified them (only well-formed ones: fewer is stricter).
    held = [p for p in user.permissions if _PERMISSION.fullmatch(p)]
    rbac.grant_check(GrantCheck(tenant_id=user.tenant_id, granter_permissions=held, roles=body.roles))
    issued = users.invitations_create(
        NewInvitation(tenant_id=user.tenant_id, email=body.email, roles=body.roles, invited_by=user.user_id)
    )
    invitation = issued.invitation
    notification.messages_send(
        MessageRequest.model_validate(
            {
                "tenantId": user.tenant_id,
                "template": "invitation",
                "to": invitation.email,
                "key": invitation.invitation_id,
                "token": issued.token,
                "values": {"roles": ", ".join(invitation.roles), "expiresAt": invitation.expires_at},
            }
        )
    )
    return InvitationOut.model_validate(invitation.model_dump(by_alias=True, exclude={"accepted_user_id"}))


def accept_invitation(body: AcceptInvitationBody, ctx: RequestContext, path: str) -> JoinedUser:
    """As a registration: the tenant validated, a seat reserved (403 TENANT_QUOTA_EXCEEDED past
    `maxUsers`), the user made (with the invited roles), the seat released if that fails."""
    rate_limits.hit_client(_client_address(ctx), path)
    found = users.invitations_lookup(InvitationToken(token=body.token))
    tenants.validate(found.tenant_id)
    tenants.check_quota(found.tenant_id, _seat("reserve"))
    try:
        created = users.invitations_accept(
            InvitationAcceptance(token=body.token, password=body.password, profile=body.profile or {})
        )
    except StratusError:
        tenants.check_quota(found.tenant_id, _seat("release"))
        raise
    return JoinedUser(
        user_id=created.user_id, email=created.email, tenant_id=created.tenant_id, roles=created.roles
    )
