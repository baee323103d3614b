"""Which message each event means, to whom: the template, its variables from the event, the recipients.

User messages go to the user the event names (its email is in the event); tenant alerts to every admin
of that tenant (the projection); job failures and alerts to the platform's admins plus the operators'
addresses in `STRATUS_ALERT_EMAILS`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from functions.notification import dispatch, overrides, recipients
from functions.notification.models import AlertRequest
from functions.notification.recipients import Recipient
from functions.notification.templates import (
    ALERT,
    JOB_FAILED,
    PASSWORD_CHANGED,
    QUOTA_EXCEEDED,
    QUOTA_WARNING,
    VIRUS_DETECTED,
    WELCOME,
)
from shared.config import settings
from shared.events.model import ServiceEvent

_UNITS = ("bytes", "KB", "MB", "GB", "TB", "PB")


def size(value: Any) -> str:
    """`1.5 GB`: byte counts as a person reads them (the raw count when it is not a number)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    amount, unit = float(value), 0
    while amount >= 1024 and unit < len(_UNITS) - 1:
        amount, unit = amount / 1024, unit + 1
    return f"{int(amount)} bytes" if unit == 0 else f"{amount:.1f} {_UNITS[unit]}"


def alert_addresses() -> list[Recipient]:
    return [Recipient(email=address) for address in settings().alert_emails if "@" in address]


def platform_admins() -> list[Recipient]:
    return recipients.admins(settings().platform_tenant)


# --- user messages -----------------------------------------------------------------------------------
def welcome(event: ServiceEvent) -> None:
    data = event.data
    tenant_id, user_id, email = str(data["tenantId"]), str(data["userId"]), str(data["email"])
    profile = data.get("profile") or {}
    name = str(profile.get("name") or "").strip() or email.split("@", 1)[0]
    message = overrides.render(tenant_id, WELCOME, {"name": name, "email": email, "tenantId": tenant_id})
    to = Recipient(email=email, user_id=user_id, phone=recipients.phone_of(profile))
    dispatch.deliver(tenant_id, event.id, message, [to])


def password_changed(event: ServiceEvent, tenant_id: str) -> None:
    data = event.data
    values = {"email": data["email"], "changedAt": data["changedAt"]}
    message = overrides.render(tenant_id, PASSWORD_CHANGED, values)
    to = recipients.user(tenant_id, str(data["userId"]), email=str(data["email"]))
    dispatch.deliver(tenant_id, event.id, message, [to])


# --- tenant alerts: every admin of the tenant --------------------------------------------------------
def quota_exceeded(event: ServiceEvent, tenant_id: str) -> None:
    data = event.data
    storage = data.get("resourceType") == "storage"
    used, limit = (size(data["used"]), size(data["limit"])) if storage else (data["used"], data["limit"])
    values = {"tenantId": tenant_id, "resourceType": data["resourceType"], "used": used, "limit": limit}
    dispatch.deliver(tenant_id, event.id, QUOTA_EXCEEDED.render(values), recipients.admins(tenant_id))


def quota_warning(event: ServiceEvent, tenant_id: str) -> None:
    data = event.data
    values = {
        "tenantId": tenant_id,
        "percent": f"{float(data['percent']):.0f}",
        "used": size(data["usedBytes"]),
        "limit": size(data["limitBytes"]),
    }
    dispatch.deliver(tenant_id, event.id, QUOTA_WARNING.render(values), recipients.admins(tenant_id))


def virus_detected(event: ServiceEvent, tenant_id: str) -> None:
    data = event.data
    values = {
        "tenantId": tenant_id,
        "fileName": data["fileName"],
        "fileId": data["fileId"],
        "signature": data["signature"],
    }
    dispatch.deliver(tenant_id, event.id, VIRUS_DETECTED.render(values), recipients.admins(tenant_id))


# --- the platform's operators ------------------------------------------------------------------------
def job_failed(event: ServiceEvent) -> None:
    data = event.data
    values = {
        "jobType": data["jobType"],
        "jobId": data["jobId"],
        "durationMs": data["durationMs"],
        "processedItems": data["processedItems"],
        "errors": "\n".join(f"- {e}" for e in data["errors"]),
    }
    to = [*platform_admins(), *alert_addresses()]
    dispatch.deliver(settings().platform_tenant, event.id, JOB_FAILED.render(values), to)


def alert_key(alert: AlertRequest) -> str:
    """One alert per job id (a runner retrying its call alerts once), else per identical body."""
    basis = (
        f"job:{alert.job_id}" if alert.job_id else json.dumps(alert.model_dump(mode="json"), sort_keys=True)
    )
    return "alert_" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def send_alert(alert: AlertRequest) -> int:
    """→ how many deliveries of this alert are sent (a repeated call sends nothing and answers the same)."""
    values = {
        "severity": alert.severity,
        "alertType": alert.alert_type,
        "message": alert.message,
        "jobId": alert.job_id or "-",
    }
    to = [*platform_admins(), *(Recipient(email=e) for e in alert.recipients), *alert_addresses()]
    outcome = dispatch.deliver(settings().platform_tenant, alert_key(alert), ALERT.render(values), to)
    return outcome.delivered
