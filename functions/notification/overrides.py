"""Per-tenant wording of the templates users and invitees read: `TENANT#<t>#TEMPLATES` / `TEMPLATE#<name>`
items of the notifications table (subject, body, updatedAt, updatedBy). A message is rendered from the
tenant's text when it has one, else from the built-in template; an override is checked when it is stored
(only the template's variables, and the ones it requires), so rendering it never leaves a hole."""

from __future__ import annotations

from collections.abc import Mapping

from functions.notification import ports
from functions.notification.message_models import TemplateOut, TemplateText
from functions.notification.ports import TemplateOverride
from functions.notification.templates import (
    OVERRIDABLE,
    TEMPLATES,
    InvalidOverride,
    Rendered,
    Template,
    overridden,
)
from shared import observability, permissions
from shared.context import require
from shared.envelopes import utc_now_iso
from shared.errors import InvalidRequest, NotFound

logger = observability.logger("notification")
PERMISSION = "notification.manage"


def template_for(tenant_id: str, template: Template) -> Template:
    """The tenant's version of `template` (the built-in one when it has none)."""
    if template.name not in OVERRIDABLE:
        return template
    stored = ports.store().template_override(tenant_id, template.name)
    if stored is None:
        return template
    try:
        return overridden(template, stored.subject, stored.body)
    except (InvalidOverride, ValueError):  # checked when stored; a broken item is not a lost mail
        logger.warning("tenant template unusable; the built-in one is used", template=template.name)
        return template


def render(tenant_id: str, template: Template, values: Mapping[str, object]) -> Rendered:
    return template_for(tenant_id, template).render(values)


def put(name: str, text: TemplateText) -> TemplateOut:
    """A tenant admin's own subject and body for one template of its tenant (`notification.manage`)."""
    user = require().require_user()
    permissions.require(user, PERMISSION)
    template = TEMPLATES.get(name) if name in OVERRIDABLE else None
    if template is None:
        raise NotFound("No such template", details={"template": name, "known": sorted(OVERRIDABLE)})
    try:
        overridden(template, text.subject, text.body)
    except InvalidOverride as exc:
        known = {"variables": sorted(template.variables)}
        raise InvalidRequest(str(exc), field="body", details=known) from None
    override = TemplateOverride(text.subject, text.body, utc_now_iso(), user.user_id)
    ports.store().put_template_override(user.tenant_id, name, override)
    return TemplateOut(
        name=name,
        subject=text.subject,
        body=text.body,
        variables=sorted(template.variables),
        overridden=True,
    )
