"""Bodies of the notification routes for account links and tenant templates (docs/platform-services.md):
the gateway's `messages-send` and the tenant admins' `PUT /api/v1/notifications/templates/{name}`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

LinkTemplate = Literal[
    "verify_email", "verify_email_unneeded", "password_reset", "password_reset_unknown", "invitation"
]
TenantId = Annotated[str, StringConstraints(pattern=TENANT_ID_PATTERN)]
# A delivery is recorded under its key (a token's id, an invitation's id): no '#', nothing exotic.
DeliveryKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
VariableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
VariableValue = Annotated[str, StringConstraints(max_length=500)]
# Visible text on one line (a subject), or text with line breaks and tabs (a body): no other control.
Subject = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Body = Annotated[
    str, StringConstraints(min_length=1, max_length=5000, pattern=r"^[^\x00-\x08\x0b-\x1f\x7f]+$")
]


class MessageRequest(CamelBody):
    """One account-link email to one address (which may not be a user yet: an invitee)."""

    tenant_id: TenantId
    template: LinkTemplate
    to: Email
    key: DeliveryKey
    # The secret the link carries, for the templates with a `{{link}}`: rendered into the email and
    # nowhere else (not stored, not logged, not in the delivery record).
    token: str | None = Field(default=None, min_length=1, max_length=200)
    values: Annotated[dict[VariableName, VariableValue], Field(max_length=10)] = Field(default_factory=dict)


class MessageSent(CamelModel):
    delivered: bool  # sent, by this call or an earlier one with the same key (which sent it once)


class TemplateText(CamelBody):
    subject: Subject
    body: Body


class TemplateOut(CamelModel):
    name: str
    subject: str
    body: str
    variables: list[str]  # what the text may use, as {{name}}
    overridden: bool
