"""Weekly reports: `POST /reports` records a pending report and emits `health.report_requested`; the app's
subscriber builds it (the week's analysis of every type, as JSON and as PDF), stores both in the files
bucket under the tenant's prefix (so offboarding removes them) and marks it ready; `GET /reports/{id}`
answers its status and, when ready, short-lived download URLs."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from apps.health import access, report_pdf, store, trends
from apps.health.models import READING_TYPES, ReportAccepted, ReportOut, iso
from shared import aws, outbox
from shared.config import settings
from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.errors import NotFound
from shared.events import publisher
from shared.observability import logger
from shared.tables import tenant_key

log = logger("health")
URL_SECONDS = 900
_ID = re.compile(r"^rp_[A-Za-z0-9]{1,64}$")


class ReportNotFound(NotFound):
    default_message = "No such report"


def _pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id, "REPORT")


def object_key(tenant_id: str, user_id: str, report_id: str, extension: str) -> str:
    return f"tenants/{tenant_id}/apps/health/reports/{user_id}/{report_id}.{extension}"


def request() -> ReportAccepted:
    user = access.caller()
    until = datetime.now(UTC)
    doc = {
        "reportId": new_id("rp_"),
        "status": "pending",
        "from": iso(until - timedelta(days=7)),
        "to": iso(until),
        "createdAt": utc_now_iso(),
    }
    store.create(_pk(user.tenant_id, user.user_id), doc["reportId"], doc)
    data = {"tenantId": user.tenant_id, "userId": user.user_id, "reportId": doc["reportId"]}
    outbox.emit(publisher.build("health.report_requested", data, tenant_id=user.tenant_id))
    return ReportAccepted.model_validate(doc)


def _url(key: str) -> str:
    return str(
        aws.client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": settings().bucket_name, "Key": key}, ExpiresIn=URL_SECONDS
        )
    )


def get(report_id: str) -> ReportOut:
    """Only the caller's own reports exist for them (another's id, or another tenant's, is 404)."""
    user = access.caller()
    doc = store.get(_pk(user.tenant_id, user.user_id), report_id) if _ID.fullmatch(report_id) else None
    if doc is None:
        raise ReportNotFound(details={"reportId": report_id})
    out = ReportOut.model_validate(doc)
    if doc["status"] == "ready":
        pdf = _url(object_key(user.tenant_id, user.user_id, report_id, "pdf"))
        expires = iso(datetime.now(UTC) + timedelta(seconds=URL_SECONDS))
        out = out.model_copy(
            update={
                "json_url": _url(object_key(user.tenant_id, user.user_id, report_id, "json")),
                "pdf_url": pdf,
                "url": pdf,
                "expires_at": expires,
            }
        )
    return out


def build(tenant_id: str, user_id: str, report_id: str) -> bool:
    """Build a requested report (idempotent: a redelivery of a ready report does nothing) → built."""
    pk = _pk(tenant_id, user_id)
    doc = store.get(pk, report_id)
    if doc is None or doc["status"] == "ready":
        return False
    since = datetime.fromisoformat(doc["from"].replace("Z", "+00:00"))
    until = datetime.fromisoformat(doc["to"].replace("Z", "+00:00"))
    sections: list[dict[str, Any]] = []
    for reading_type in READING_TYPES:
        opened = trends.window(tenant_id, user_id, reading_type, since, until)
        if opened:
            summary = trends.summarize(reading_type, "7d", opened, since)
            sections.append(summary.model_dump(by_alias=True))
    content = {
        "reportId": report_id,
        "userId": user_id,
        "from": doc["from"],
        "to": doc["to"],
        "types": sections,
    }
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    s3.put_object(
        Bucket=bucket,
        Key=object_key(tenant_id, user_id, report_id, "json"),
        Body=json.dumps(content, indent=2).encode(),
        ContentType="application/json",
        ServerSideEncryption="AES256",
    )
    s3.put_object(
        Bucket=bucket,
        Key=object_key(tenant_id, user_id, report_id, "pdf"),
        Body=report_pdf.render(content),
        ContentType="application/pdf",
        ServerSideEncryption="AES256",
    )
    store.replace(pk, report_id, {**doc, "status": "ready", "readyAt": utc_now_iso()})
    log.info("report built", report_id=report_id, types=len(sections))
    return True
