"""Events the monitoring tests count, built as their publishers would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.events.model import ServiceEvent
from tests.kit import event


def days_ago(ev: ServiceEvent, days: int) -> ServiceEvent:
    when = datetime.now(UTC) - timedelta(days=days)
    return ev.model_copy(update={"timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z")})


def login(user_id: str = "u_1", *, tenant: str = "acme") -> ServiceEvent:
    data = {
        "userId": user_id,
        "email": f"{user_id}@x.test",
        "sessionId": "s_1",
        "loginTime": "2024-01-01T00:00:00Z",
    }
    return event("user.login", data, source="auth", tenant_id=tenant, user_id=user_id)


def uploaded(size: int, *, tenant: str = "acme") -> ServiceEvent:
    data = {
        "fileId": "f_1",
        "fileName": "a.bin",
        "fileSize": size,
        "contentType": "application/pdf",
        "key": "k",
    }
    return event("file.uploaded", data, source="files", tenant_id=tenant, user_id="u_1")


def deleted(size: int, *, tenant: str = "acme") -> ServiceEvent:
    data = {"fileId": "f_1", "fileName": "a.bin", "fileSize": size}
    return event("file.deleted", data, source="files", tenant_id=tenant, user_id="u_1")


def user_created(user_id: str = "u_2", *, tenant: str = "acme") -> ServiceEvent:
    data = {"userId": user_id, "email": f"{user_id}@x.test", "tenantId": tenant, "roles": ["member"]}
    return event("user.created", data, tenant_id=tenant)


def tenant_created(tenant_id: str) -> ServiceEvent:
    data = {
        "tenantId": tenant_id,
        "name": tenant_id.title(),
        "plan": "free",
        "adminUserId": "u_a",
        "adminEmail": "a@x.test",
        "quotas": {"storageBytes": 1, "maxUsers": 1, "maxFileBytes": 1, "apiCallsPerDay": 1},
    }
    return event("tenant.created", data, source="tenants", tenant_id=tenant_id)


def job(kind: str, job_id: str = "j_1") -> ServiceEvent:
    data = {"jobId": job_id, "jobType": "cleanup", "durationMs": 5, "processedItems": 1, "errors": ["x"]}
    return event(f"system.job_{kind}", data, source="scheduler", tenant_id=None)
