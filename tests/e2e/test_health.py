"""The health app end to end through `stratus dev`: enabled per tenant, readings sealed with the emulator's
KMS, an all-or-nothing batch, consent to a verified expert (the expert's read recorded by the audit
service), analysis, the weekly report built by the app's subscriber into the bucket, a booking race, and
the marketplace app enabled beside it as the tenant's mall."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Reply
from tests.e2e.fixtures import platform_admin, whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import PASSWORD, Api
from tests.e2e.platform import eventually, fetch, tenant_with_admin

pytestmark = pytest.mark.e2e
TENANT, OTHER = "health-acme", "health-globex"
BASE = "/api/v1/apps/health"


@pytest.fixture(scope="module")
def admin(api: Api, root: str) -> str:
    token = tenant_with_admin(api, root, TENANT)
    for app in ("health", "marketplace"):
        ok(api.call("PUT", f"/api/v1/tenants/{TENANT}/services/{app}", {"enabled": True}, token=token))
    return token


@pytest.fixture(scope="module")
def other_admin(api: Api, root: str) -> str:
    token = tenant_with_admin(api, root, OTHER)
    ok(api.call("PUT", f"/api/v1/tenants/{OTHER}/services/health", {"enabled": True}, token=token))
    return token


def member(api: Api, name: str, tenant: str = TENANT) -> tuple[str, str]:
    """→ (access token, user id)."""
    assert api.register(f"{name}@{tenant}.example", tenant).status == 201
    login = api.login(f"{name}@{tenant}.example", PASSWORD, tenant)
    return str(login["accessToken"]), str(login["user"]["userId"])


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def when(**ago: float) -> str:
    return (datetime.now(UTC) - timedelta(**ago)).isoformat().replace("+00:00", "Z")


def hr(value: float, **ago: float) -> dict[str, Any]:
    return {
        "type": "heart_rate",
        "value": value,
        "unit": "bpm",
        "measuredAt": when(**(ago or {"minutes": 1})),
    }


def test_a_tenant_that_did_not_enable_health_is_refused(api: Api, root: str) -> None:
    tenant_with_admin(api, root, "health-off")
    token, _ = member(api, "nia", "health-off")
    reply = api.call("POST", f"{BASE}/readings", hr(70), token=token)
    assert (reply.status, reply.body["error"]["code"]) == (403, "FORBIDDEN")


def test_readings_batch_consent_audit_and_analysis(api: Api, admin: str, other_admin: str) -> None:
    ann, ann_id = member(api, "ann")
    dre, dre_id = member(api, "dre")
    # a batch with one invalid reading: 400 naming it, nothing written
    bad = api.call(
        "POST", f"{BASE}/readings/batch", {"readings": [hr(70), hr(70), {**hr(70), "unit": "kg"}]}, token=ann
    )
    assert (bad.status, bad.body["error"]["field"]) == (400, "readings[2].unit")
    assert ok(api.call("GET", f"{BASE}/readings", token=ann)) == []
    # a valid batch over the week, one reading over the range
    batch = [hr(v, days=d) for d, v in ((5, 64), (4, 68), (3, 72), (2, 76), (1, 120))]
    assert ok(api.call("POST", f"{BASE}/readings/batch", {"readings": batch}, token=ann), 201)["count"] == 5
    stats = ok(api.call("GET", f"{BASE}/analysis?type=heart_rate&period=7d", token=ann))
    assert (stats["min"], stats["max"], stats["outOfRange"], stats["trend"]) == (64, 120, 1, "rising")

    # dre, an expert verified by the admin, reads nothing until ann grants him access
    ok(api.call("POST", f"{BASE}/experts", {"name": "Dr Dre", "specialty": "cardiology"}, token=dre), 201)
    ok(api.call("POST", f"{BASE}/experts/{dre_id}/verify", token=admin))
    refused = api.call("GET", f"{BASE}/readings?userId={ann_id}", token=dre)
    assert refused.status == 403
    expires = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    ok(api.call("POST", f"{BASE}/grants", {"expertId": dre_id, "expiresAt": expires}, token=ann), 201)
    read = ok(api.call("GET", f"{BASE}/readings?userId={ann_id}&type=heart_rate", token=dre))
    assert sorted(r["value"] for r in read) == [64, 68, 72, 76, 120]

    # the audit service recorded the expert's read
    def audited() -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = ok(
            api.call("GET", "/api/v1/audit?type=health.data_accessed", token=admin)
        )
        return records

    [record] = eventually(audited, what="the audit record of the expert's read")
    assert record["actorId"] == dre_id

    # another tenant's user sees none of it
    gus, _ = member(api, "gus", OTHER)
    assert ok(api.call("GET", f"{BASE}/readings", token=gus)) == []
    assert api.call("GET", f"{BASE}/readings?userId={ann_id}", token=gus).status == 403
    grant = api.call("POST", f"{BASE}/grants", {"expertId": dre_id, "expiresAt": expires}, token=gus)
    assert grant.status == 404


def test_the_weekly_report_is_built_and_downloadable(api: Api, admin: str) -> None:
    eve, _ = member(api, "eve")
    ok(
        api.call("POST", f"{BASE}/readings/batch", {"readings": [hr(70, days=1), hr(72, days=2)]}, token=eve),
        201,
    )
    accepted = ok(api.call("POST", f"{BASE}/reports", token=eve), 202)

    def ready() -> dict[str, Any] | None:
        found: dict[str, Any] = ok(api.call("GET", f"{BASE}/reports/{accepted['reportId']}", token=eve))
        return found if found["status"] == "ready" else None

    report = eventually(ready, timeout=30, what="the weekly report")
    assert fetch(report["pdfUrl"]).startswith(b"%PDF")
    assert b"heart_rate" in fetch(report["jsonUrl"])


def test_fifty_parallel_bookings_of_one_slot_make_one(api: Api, admin: str) -> None:
    doc, doc_id = member(api, "doc")
    ok(api.call("POST", f"{BASE}/experts", {"name": "Dr Doc", "specialty": "sleep"}, token=doc), 201)
    ok(api.call("POST", f"{BASE}/experts/{doc_id}/verify", token=admin))
    starts = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    slot = ok(api.call("POST", f"{BASE}/experts/{doc_id}/slots", {"startsAt": starts}, token=doc), 201)
    patients = [member(api, f"p{i}")[0] for i in range(50)]

    def book(token: str) -> Reply:
        return api.call("POST", f"{BASE}/bookings", {"slotId": slot["slotId"]}, token=token)

    with ThreadPoolExecutor(max_workers=25) as pool:
        replies = list(pool.map(book, patients))
    assert sorted(r.status for r in replies) == [201] + [409] * 49

    # the winner's booking is a consultation: messages both ways, then the expert runs it to completion
    [(winner, won)] = [(t, r) for t, r in zip(patients, replies, strict=True) if r.status == 201]
    consultation = f"{BASE}/consultations/{won.body['data']['bookingId']}"
    ok(api.call("POST", f"{consultation}/messages", {"body": "Trouble sleeping"}, token=winner), 201)
    ok(api.call("POST", f"{consultation}/messages", {"body": "Let us look"}, token=doc), 201)
    said = ok(api.call("GET", f"{consultation}/messages", token=doc))
    assert [m["body"] for m in said] == ["Trouble sleeping", "Let us look"]
    assert (
        api.call("GET", f"{consultation}/messages", token=patients[0 if winner != patients[0] else 1]).status
        == 404
    )
    for step in ("in_progress", "completed"):
        assert ok(api.call("POST", f"{consultation}/status", {"status": step}, token=doc))["status"] == step


def test_courses_and_enrolment(api: Api, admin: str) -> None:
    course = ok(
        api.call("POST", f"{BASE}/courses", {"title": "Heart health", "lessons": 4}, token=admin), 201
    )
    learner, _ = member(api, "learner")
    assert [c["title"] for c in ok(api.call("GET", f"{BASE}/courses", token=learner))] == ["Heart health"]
    ok(api.call("POST", f"{BASE}/courses/{course['courseId']}/enroll", token=learner), 201)
    assert api.call("POST", f"{BASE}/courses/{course['courseId']}/enroll", token=learner).status == 409


def test_the_mall_is_the_marketplace_app_of_the_same_tenant(api: Api, admin: str) -> None:
    """No second product or order implementation: the tenant enabled marketplace beside health."""
    shopper, _ = member(api, "shopper")
    assert api.call("GET", "/api/v1/apps/marketplace/products", token=shopper).status == 200
