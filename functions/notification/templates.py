"""The built-in message templates (seed 002's `NotificationTemplate`: a name, a subject, a body and the
variables it declares), one text for every channel: email (plain text), SMS and the in-app inbox.

Placeholders are `{{variable}}`. Each template declares exactly the variables its texts use (checked when
the module loads), and rendering without one of them is an error, never an empty hole in a message a
person reads. Values go in verbatim and in one pass: plain text needs no escaping, and a value that itself
contains `{{...}}` is not expanded again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# SNS refuses SMS over 1600 bytes; a message that long is cut rather than lost.
SMS_MAX_CHARS = 1400


class MissingVariable(ValueError):
    """A template was rendered without a value for one of its declared variables."""


@dataclass(frozen=True)
class Rendered:
    template: str
    subject: str
    body: str

    @property
    def sms(self) -> str:
        text = f"{self.subject}\n{self.body}"
        return text if len(text) <= SMS_MAX_CHARS else text[: SMS_MAX_CHARS - 1] + "…"


@dataclass(frozen=True)
class Template:
    name: str
    subject: str
    body: str
    variables: frozenset[str]

    def __post_init__(self) -> None:
        used = set(_PLACEHOLDER.findall(self.subject)) | set(_PLACEHOLDER.findall(self.body))
        if used != self.variables:
            raise ValueError(f"template {self.name}: declares {sorted(self.variables)}, uses {sorted(used)}")

    def render(self, values: Mapping[str, object]) -> Rendered:
        missing = sorted(v for v in self.variables if values.get(v) is None)
        if missing:
            raise MissingVariable(f"template {self.name} needs {', '.join(missing)}")
        return Rendered(
            template=self.name,
            subject=self._fill(self.subject, values),
            body=self._fill(self.body, values),
        )

    @staticmethod
    def _fill(text: str, values: Mapping[str, object]) -> str:
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def _template(name: str, subject: str, body: str, *variables: str) -> Template:
    return Template(name=name, subject=subject, body=body, variables=frozenset(variables))


WELCOME = _template(
    "welcome",
    "Welcome to {{tenantId}}",
    "Hello {{name}},\n\nyour account {{email}} in {{tenantId}} is ready. Sign in to get started.",
    "name",
    "email",
    "tenantId",
)
PASSWORD_CHANGED = _template(
    "password_changed",
    "Your password was changed",
    "The password of your account {{email}} was changed at {{changedAt}}.\n\n"
    "If this was not you, reset your password and contact your administrator at once.",
    "email",
    "changedAt",
)
QUOTA_EXCEEDED = _template(
    "quota_exceeded",
    "{{tenantId}}: {{resourceType}} quota exceeded",
    "The {{resourceType}} quota of {{tenantId}} is exceeded: {{used}} used of {{limit}}.\n\n"
    "Operations that need more are refused until usage drops or the quota is raised.",
    "tenantId",
    "resourceType",
    "used",
    "limit",
)
QUOTA_WARNING = _template(
    "quota_warning",
    "{{tenantId}}: storage {{percent}}% used",
    "{{tenantId}} uses {{used}} of its {{limit}} storage quota ({{percent}}%).\n\n"
    "Free some space or raise the quota before uploads are refused.",
    "tenantId",
    "percent",
    "used",
    "limit",
)
VIRUS_DETECTED = _template(
    "virus_detected",
    "{{tenantId}}: malware found in {{fileName}}",
    "The file {{fileName}} ({{fileId}}) matched the signature {{signature}} and was quarantined.\n\n"
    "Nobody can download it; check where it came from.",
    "tenantId",
    "fileName",
    "fileId",
    "signature",
)
JOB_FAILED = _template(
    "job_failed",
    "Job failed: {{jobType}} {{jobId}}",
    "The {{jobType}} job {{jobId}} failed after {{durationMs}} ms and {{processedItems}} items.\n\n"
    "Errors:\n{{errors}}",
    "jobType",
    "jobId",
    "durationMs",
    "processedItems",
    "errors",
)
ALERT = _template(
    "alert",
    "[{{severity}}] {{alertType}}",
    "{{message}}\n\nSeverity: {{severity}}\nJob: {{jobId}}",
    "severity",
    "alertType",
    "message",
    "jobId",
)

# --- the account links (sent through `messages-send` by the gateway's flows; `mailer`) ------------------
# `{{link}}` is built by the mailer from the token the call carries; no other variable holds a secret.
VERIFY_EMAIL = _template(
    "verify_email",
    "Verify your email address for {{tenantId}}",
    "Hello,\n\nplease confirm that {{email}} is your address in {{tenantId}} by opening this link:\n\n"
    "{{link}}\n\nThe link works once, until {{expiresAt}}. If you did not sign up, ignore this message.",
    "tenantId",
    "email",
    "link",
    "expiresAt",
)
VERIFY_EMAIL_UNNEEDED = _template(
    "verify_email_unneeded",
    "About verifying {{email}} in {{tenantId}}",
    "Someone asked for a verification link for {{email}} in {{tenantId}}, but no unverified account "
    "there uses this address: it is verified already, or there is none.\n\n"
    "If this was not you, ignore this message.",
    "tenantId",
    "email",
)
PASSWORD_RESET = _template(
    "password_reset",
    "Reset your password for {{tenantId}}",
    "Hello,\n\nsomeone (hopefully you) asked to reset the password of {{email}} in {{tenantId}}. "
    "Choose a new one here:\n\n{{link}}\n\nThe link works once, until {{expiresAt}}; every session "
    "of the account ends when it is used. If you did not ask, ignore this message: your password stays.",
    "tenantId",
    "email",
    "link",
    "expiresAt",
)
PASSWORD_RESET_UNKNOWN = _template(
    "password_reset_unknown",
    "Password reset request for {{tenantId}}",
    "Someone asked to reset the password of {{email}} in {{tenantId}}, but no account there uses this "
    "address, so there is nothing to reset.\n\nIf this was you, you may have signed up with another "
    "address or in another organisation. If it was not you, ignore this message.",
    "tenantId",
    "email",
)
INVITATION = _template(
    "invitation",
    "You are invited to {{tenantId}}",
    "Hello,\n\nyou are invited to join {{tenantId}} as {{email}} (roles: {{roles}}). Accept the "
    "invitation and choose your password here:\n\n{{link}}\n\nThe invitation works once, until "
    "{{expiresAt}}. If you do not know {{tenantId}}, ignore this message.",
    "tenantId",
    "email",
    "roles",
    "link",
    "expiresAt",
)

TEMPLATES = {t.name: t for t in (WELCOME, PASSWORD_CHANGED, QUOTA_EXCEEDED, QUOTA_WARNING, VIRUS_DETECTED)}
TEMPLATES.update({t.name: t for t in (JOB_FAILED, ALERT)})
LINKS = (VERIFY_EMAIL, VERIFY_EMAIL_UNNEEDED, PASSWORD_RESET, PASSWORD_RESET_UNKNOWN, INVITATION)
TEMPLATES.update({t.name: t for t in LINKS})
# What a tenant admin may reword (`PUT /api/v1/notifications/templates/{name}`): the messages its own
# users and invitees read. The operators' alerts are the platform's.
OVERRIDABLE = frozenset({WELCOME.name, PASSWORD_CHANGED.name, *(t.name for t in LINKS)})
# Variables an override must keep: a link message without its link would be useless.
REQUIRED = {t.name: frozenset({"link"}) for t in LINKS if "link" in t.variables}


class InvalidOverride(ValueError):
    """A tenant's text for a template uses a variable the template does not have, or drops one it needs."""


def overridden(template: Template, subject: str, body: str) -> Template:
    """The template with a tenant's own subject and body: any of its variables (each is filled in, none
    is an empty hole), and always the ones it requires."""
    used = set(_PLACEHOLDER.findall(subject)) | set(_PLACEHOLDER.findall(body))
    unknown = sorted(used - template.variables)
    if unknown:
        raise InvalidOverride(f"{template.name} has no variable {', '.join(unknown)}")
    missing = sorted(REQUIRED.get(template.name, frozenset()) - used)
    if missing:
        raise InvalidOverride(f"{template.name} must use {', '.join('{{' + m + '}}' for m in missing)}")
    return Template(name=template.name, subject=subject, body=body, variables=frozenset(used))
