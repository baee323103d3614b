"""Per-tenant wording of the templates users and invitees read: `TENANT#<t>#TEMPLATES` / `TEMPLATE#<name>`
items of the notifications table (subject, body, updatedAt, updatedBy). A message is rendered from the
tenant's text when it has one, else from the built-in template; an override is checked when it is stored
(only the template's variables, and the ones it requires), so rendering it never leaves a hole."""

from __future__ import annotations

from collections.abc import Mapping

from functions.notification import store
from functions.notification.message_models import TemplateOut, TemplateText
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
from shared.tables import tenant_key

logger = observability.logger("notification")
PERMISSION = "notification.manage"


def _pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "TEMPLATES")


def _sk(name: str) -> str:
    return f"TEMPLATE#{name}"


def template_for(tenant_id: str, template: Template) -> Template:
    """The tenant's version of `template` (the built-in one when it has none)."""
    if template.name not in OVERRIDABLE:
        return template
    stored = store.get(_pk(tenant_id), _sk(template.name))
    if not stored:
        return template
    try:
        return overridden(template, str(stored["subject"]), str(stored["body"]))
    except (InvalidOverride, KeyError, ValueError):  # checked when stored; a broken item is not a lost mail
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
    item = {
        "pk": _pk(user.tenant_id),
        "sk": _sk(name),
        "subject": text.subject,
        "body": text.body,
        "updatedAt": utc_now_iso(),
        "updatedBy": user.user_id,
    }
    store.db().put_item(TableName=store.table(), Item=store.wire(item))
    return TemplateOut(
        name=name,
        subject=text.subject,
        body=text.body,
        variables=sorted(template.variables),
        overridden=True,
    )
