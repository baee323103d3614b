"""One account-link email (`POST /internal/messages/send`): a verification, a password reset (or the
"no account" notice in its place) or an invitation, to one address, in the tenant's wording.

The link is built here from the token the call carries: `<STRATUS_APP_URL>/<page>?token=<token>`. The
token is rendered into the email and goes nowhere else: the delivery record keeps the template's name and
the outcome (as for every message), nothing logs the body, and no event carries it — so neither the audit
trail nor the notification table can give a usable link back (docs/identity.md, "Tokens and the audit").
The message goes to the bare address on the email channel only: never an SMS (a phone number's inbox is
no proof of anything) and never an in-app item (the table would then hold the link).

The delivery is keyed on the call's `key` (the token's or the invitation's id): a retried call sends
nothing twice."""

from __future__ import annotations

import os
from urllib.parse import quote

from functions.notification import dispatch, overrides
from functions.notification.message_models import MessageRequest, MessageSent
from functions.notification.recipients import Recipient
from functions.notification.templates import TEMPLATES, MissingVariable
from shared.errors import InvalidRequest

DEFAULT_APP_URL = "http://localhost:3000"
# The web app's page for each link (API.md: every link carries its token as a `token` query parameter).
PAGES = {
    "verify_email": "verify-email",
    "password_reset": "reset-password",
    "invitation": "accept-invitation",
}


def app_url() -> str:
    """Where the web app that opens the links is served (read here: `shared.config.Settings` has no
    field for it, and only this module needs it)."""
    return (os.environ.get("STRATUS_APP_URL") or DEFAULT_APP_URL).rstrip("/")


def link(template: str, token: str) -> str:
    return f"{app_url()}/{PAGES[template]}?token={quote(token, safe='')}"


def send(request: MessageRequest) -> MessageSent:
    template = TEMPLATES[request.template]
    values: dict[str, object] = {**request.values, "tenantId": request.tenant_id, "email": request.to}
    if "link" in template.variables:
        if not request.token:
            raise InvalidRequest("This message carries a link: give its token", field="token")
        values["link"] = link(request.template, request.token)
    try:
        message = overrides.render(request.tenant_id, template, values)
    except MissingVariable as exc:
        raise InvalidRequest(str(exc), field="values") from None
    outcome = dispatch.deliver(request.tenant_id, request.key, message, [Recipient(email=request.to)])
    return MessageSent(delivered=outcome.delivered > 0)
