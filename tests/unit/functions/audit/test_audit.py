"""The audit trail: one immutable record per event, readable only by its own tenant's auditors."""

from __future__ import annotations

from typing import Any

import pytest

from functions.audit import query, records
from functions.audit import subscriber as audit_subscriber
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, error_code, event, user

ADMIN = user("u_admin", tenant="acme")
GLOBEX_ADMIN = user("u_g", tenant="globex")
MEMBER = user("u_member", tenant="acme", permissions=("file.read", "user.read"), roles=("member",))


def at(ev: ServiceEvent, timestamp: str) -> ServiceEvent:
    return ev.model_copy(update={"timestamp": timestamp})


def updated(user_id: str = "u_bob", *, actor: str = "u_admin", tenant: str = "acme") -> ServiceEvent:
    return event("user.updated", {"userId": user_id, "changes": ["profile"]}, user_id=actor, tenant_id=tenant)


def uploaded(file_id: str = "f_1", *, actor: str = "u_admin") -> ServiceEvent:
    data = {"fileId": file_id, "fileName": "a.txt", "fileSize": 3, "contentType": "text/plain", "key": "k"}
    return event("file.uploaded", data, source="files", user_id=actor)


def login(user_id: str = "u_bob") -> ServiceEvent:
    data = {
        "userId": user_id,
        "email": "b@acme.test",
        "sessionId": "s_1",
        "loginTime": "2024-01-01T00:00:00Z",
    }
    return event("user.login", data, source="auth", user_id=user_id)


def audit(caller: Any = ADMIN, **params: str) -> tuple[int, dict[str, Any]]:
    return call(query, query=params or None, caller=caller)


def recorded(events: list[ServiceEvent]) -> list[str]:
    """Record each event as the subscriber does (`records.record`); → the ids not recorded now."""
    return [e.id for e in events if not records.record(e)]


def ids(body: dict[str, Any]) -> list[str]:
    return [r["eventId"] for r in body["data"]]


@pytest.mark.usefixtures("dynamodb")  # through the subscriber: the kernel's idempotency table
def test_each_event_becomes_one_record_carrying_who_what_and_which_request() -> None:
    # GIVEN an admin's request that updated Bob's profile
    ev = event(
        "user.updated", {"userId": "u_bob", "changes": ["profile"]}, user_id="u_admin", request_id="req_42"
    )
    # WHEN the event is delivered
    assert deliver(audit_subscriber, [ev]) == []
    # THEN the tenant's auditors see exactly one record that ties it to the request and the correlation
    status, body = audit()
    assert status == 200, body
    assert body["data"] == [
        {
            "eventId": ev.id,
            "type": "user.updated",
            "timestamp": records.canonical(ev.timestamp),
            "actorId": "u_admin",
            "subjectId": "u_bob",
            "requestId": "req_42",
            "correlationId": "cor_req_42",
            "source": "users",
            "data": {"userId": "u_bob", "changes": ["profile"]},
        }
    ]
    assert body["pagination"]["total"] == 1


@pytest.mark.usefixtures("dynamodb")  # through the subscriber: the kernel's idempotency table
def test_a_redelivered_event_writes_no_second_record_and_counts_nothing() -> None:
    # GIVEN an event already recorded
    ev = updated()
    assert deliver(audit_subscriber, [ev]) == []
    # WHEN it comes again through the queue, and twice more past the kernel's idempotency record
    assert deliver(audit_subscriber, [ev]) == []
    assert records.record(ev) is False
    assert records.record(ev) is False
    # THEN there is still one record, and every maintained total still says one
    for params in ({}, {"type": "user.updated"}, {"userId": "u_bob"}, {"userId": "u_admin"}):
        _, body = audit(**params)
        assert ids(body) == [ev.id], params
        assert body["pagination"]["total"] == 1, params


def test_another_tenant_never_sees_the_records() -> None:
    # GIVEN records of acme
    assert recorded([updated(), uploaded()]) == []
    # WHEN globex's admin asks, with and without filters naming acme's users and types
    for params in ({}, {"userId": "u_bob"}, {"type": "file.uploaded"}):
        status, body = audit(GLOBEX_ADMIN, **params)
        # THEN globex has none
        assert status == 200
        assert body["data"] == []
        assert body["pagination"]["total"] == 0


def test_a_cursor_of_another_tenant_is_refused() -> None:
    # GIVEN a cursor into acme's records
    assert recorded([updated("u_1"), updated("u_2")]) == []
    _, first = audit(pageSize="1")
    cursor = first["pagination"]["nextCursor"]
    assert cursor
    # WHEN globex's admin replays it
    status, body = audit(GLOBEX_ADMIN, pageSize="1", cursor=cursor)
    # THEN it is a bad request, not a peek into acme
    assert status == 400
    assert body["error"]["field"] == "cursor"


def test_a_member_without_audit_read_is_refused() -> None:
    assert recorded([updated()]) == []
    status, body = audit(MEMBER)
    assert status == 403
    assert error_code(body) == "PERMISSION_DENIED"


def test_events_without_a_tenant_are_recorded_under_the_platform_tenant() -> None:
    # GIVEN a job event, which belongs to no tenant
    data = {"jobId": "j_1", "jobType": "cleanup", "durationMs": 5, "processedItems": 2}
    job = event("system.job_completed", data, source="scheduler", tenant_id=None)
    assert recorded([job]) == []
    # THEN the platform's admins see it (the job is its subject) and tenants do not
    _, platform = audit(user("u_root", tenant="platform"))
    assert ids(platform) == [job.id]
    assert platform["data"][0]["subjectId"] == "j_1"
    assert platform["data"][0]["actorId"] is None
    _, acme = audit()
    assert acme["data"] == []


def test_filter_by_type_uses_the_types_count() -> None:
    events = [updated("u_1"), uploaded("f_1"), updated("u_2"), login("u_3")]
    assert recorded(events) == []
    _, body = audit(type="user.updated")
    assert sorted(ids(body)) == sorted([events[0].id, events[2].id])
    assert {r["type"] for r in body["data"]} == {"user.updated"}
    assert body["pagination"]["total"] == 2


def test_filter_by_user_finds_records_where_the_user_acted_or_was_acted_upon() -> None:
    # GIVEN the admin changing Bob, Bob logging in, and the admin uploading a file
    change, bob_login, upload = updated("u_bob", actor="u_admin"), login("u_bob"), uploaded(actor="u_admin")
    assert recorded([change, bob_login, upload]) == []
    # WHEN filtering by the admin: what the admin did
    _, admin = audit(userId="u_admin")
    assert sorted(ids(admin)) == sorted([change.id, upload.id])
    assert admin["pagination"]["total"] == 2
    # WHEN filtering by Bob: what Bob did and what was done to Bob
    _, bob = audit(userId="u_bob")
    assert sorted(ids(bob)) == sorted([change.id, bob_login.id])
    assert bob["pagination"]["total"] == 2
    # WHEN filtering by both type and user: the type index, kept to that user's records
    _, both = audit(type="user.updated", userId="u_admin")
    assert ids(both) == [change.id]
    _, none = audit(type="user.login", userId="u_admin")
    assert none["data"] == []


def test_from_and_to_bound_the_records_inclusively_in_any_offset() -> None:
    # GIVEN three events an hour apart
    first = at(updated("u_1"), "2024-05-01T10:00:00.000Z")
    second = at(updated("u_2"), "2024-05-01T11:00:00.000Z")
    third = at(updated("u_3"), "2024-05-01T12:00:00.000Z")
    assert recorded([first, second, third]) == []
    # THEN from/to keep the records in the window, newest first, whatever offset they are written in
    _, since = audit(**{"from": "2024-05-01T13:00:00+02:00"})
    assert ids(since) == [third.id, second.id]
    _, until = audit(to="2024-05-01T11:00:00Z")
    assert ids(until) == [second.id, first.id]
    _, exactly = audit(**{"from": "2024-05-01T11:00:00Z", "to": "2024-05-01T11:00:00Z"})
    assert ids(exactly) == [second.id]
    _, typed = audit(type="user.updated", **{"from": "2024-05-01T11:30:00Z"})
    assert ids(typed) == [third.id]


def test_bad_bounds_and_filters_are_400_with_the_field() -> None:
    cases = [
        ({"from": "yesterday"}, "from"),
        ({"to": "2024-13-01T00:00:00Z"}, "to"),
        ({"from": "2024-05-02T00:00:00Z", "to": "2024-05-01T00:00:00Z"}, "from"),
        ({"type": "USER CREATED"}, "type"),
        ({"userId": "u#1"}, "userId"),
        ({"pageSize": "0"}, "pageSize"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ]
    for params, field in cases:
        status, body = audit(**params)
        assert status == 400, params
        assert error_code(body) == "INVALID_REQUEST"
        assert body["error"]["field"] == field, params


def test_cursor_pages_run_newest_first_without_gaps_or_repeats() -> None:
    # GIVEN five events, a minute apart
    events = [at(updated(f"u_{i}"), f"2024-05-01T10:0{i}:00.000Z") for i in range(5)]
    assert recorded(events) == []
    newest_first = [e.id for e in reversed(events)]
    # WHEN paging two at a time
    seen, cursor, pages = [], None, []
    while True:
        params = {"pageSize": "2", **({"cursor": cursor} if cursor else {})}
        status, body = audit(**params)
        assert status == 200
        seen += ids(body)
        pages.append((body["pagination"]["page"], body["pagination"]["hasNext"]))
        assert body["pagination"]["total"] == 5
        cursor = body["pagination"]["nextCursor"]
        if not cursor:
            break
    # THEN every record comes once, newest first, and the last page says there is no more
    assert seen == newest_first
    assert pages == [(1, True), (2, True), (3, False)]


def test_filtered_pages_page_too() -> None:
    events = [at(updated("u_bob"), f"2024-05-01T10:0{i}:00.000Z") for i in range(3)]
    noise = [at(uploaded(f"f_{i}", actor="u_other"), f"2024-05-01T10:0{i}:30.000Z") for i in range(3)]
    assert recorded(events + noise) == []
    _, first = audit(type="user.updated", userId="u_bob", pageSize="2")
    assert ids(first) == [events[2].id, events[1].id]
    assert first["pagination"]["hasNext"] is True
    _, second = audit(
        type="user.updated", userId="u_bob", pageSize="2", cursor=first["pagination"]["nextCursor"]
    )
    assert ids(second) == [events[0].id]
    assert second["pagination"]["hasNext"] is False
    assert second["pagination"]["total"] == 3
