"""check-quota: reads for `check`, one conditional UpdateItem for `reserve`, never below zero on `release`,
and no over-commit under concurrent reservations."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from functions.tenants import check_quota, ports
from functions.tenants.ports import TenantRecord
from shared.events.model import ServiceEvent
from tests.unit.functions.tenants.conftest import internal, seed


def quota(tenant_id: str, resource: str, amount: int, operation: str) -> tuple[int, dict[str, object]]:
    body = {"resourceType": resource, "requestedAmount": amount, "operation": operation}
    return internal(check_quota, body=body, tenantId=tenant_id)


def usage(tenant_id: str) -> dict[str, int]:
    record = ports.store().get(tenant_id)
    assert record is not None
    return record.usage


def test_reserving_up_to_the_limit_succeeds_and_one_more_is_tenant_quota_exceeded(
    events: list[ServiceEvent],
) -> None:
    # GIVEN a tenant allowed 3 users
    seed("acme", maxUsers=3)
    # WHEN 3 users are reserved one by one
    answers = [quota("acme", "users", 1, "reserve") for _ in range(3)]
    # THEN each is allowed and counted
    assert [a[1]["data"] for a in answers] == [{"allowed": True, "used": n, "limit": 3} for n in (1, 2, 3)]
    # WHEN a 4th is reserved
    status, payload = quota("acme", "users", 1, "reserve")
    # THEN 403 TENANT_QUOTA_EXCEEDED with the numbers, usage unchanged, and tenant.quota_exceeded
    assert status == 403
    assert payload["error"]["code"] == "TENANT_QUOTA_EXCEEDED"  # type: ignore[index]
    assert payload["error"]["details"] == {"used": 3, "limit": 3, "requested": 1}  # type: ignore[index]
    assert usage("acme")["users"] == 3
    [event] = events
    assert event.type == "tenant.quota_exceeded"
    assert event.tenant_id == "acme"
    assert event.data == {"tenantId": "acme", "resourceType": "users", "used": 3, "limit": 3, "requested": 1}


def test_storage_over_the_limit_is_storage_quota_exceeded(events: list[ServiceEvent]) -> None:
    seed("acme", storageBytes=1000)
    assert quota("acme", "storage", 600, "reserve")[1]["data"] == {
        "allowed": True,
        "used": 600,
        "limit": 1000,
    }
    status, payload = quota("acme", "storage", 401, "reserve")
    assert status == 403
    assert payload["error"]["code"] == "STORAGE_QUOTA_EXCEEDED"  # type: ignore[index]
    assert payload["error"]["details"] == {"used": 600, "limit": 1000, "requested": 401}  # type: ignore[index]
    assert [e.data["resourceType"] for e in events] == ["storage"]
    # exactly the remaining room still fits
    assert quota("acme", "storage", 400, "reserve")[1]["data"] == {
        "allowed": True,
        "used": 1000,
        "limit": 1000,
    }


def test_check_only_reads(events: list[ServiceEvent]) -> None:
    seed("acme", maxUsers=2)
    assert quota("acme", "users", 2, "check")[1]["data"] == {"allowed": True, "used": 0, "limit": 2}
    assert usage("acme")["users"] == 0
    status, payload = quota("acme", "users", 3, "check")
    assert (status, payload["error"]["code"]) == (403, "TENANT_QUOTA_EXCEEDED")  # type: ignore[index]
    assert usage("acme")["users"] == 0
    assert [e.type for e in events] == ["tenant.quota_exceeded"]


def test_release_gives_back_and_never_goes_below_zero() -> None:
    # GIVEN 2 users reserved
    seed("acme", maxUsers=5)
    quota("acme", "users", 2, "reserve")
    # WHEN 1 is released  THEN 1 remains
    assert quota("acme", "users", 1, "release")[1]["data"] == {"allowed": True, "used": 1, "limit": 5}
    # WHEN more than is in use is released
    status, payload = quota("acme", "users", 2, "release")
    # THEN it is refused and the usage stays at 1 (never negative)
    assert status == 400
    assert payload["error"]["field"] == "requestedAmount"  # type: ignore[index]
    assert usage("acme")["users"] == 1
    assert quota("acme", "users", 1, "release")[1]["data"]["used"] == 0  # type: ignore[index]
    assert quota("acme", "users", 1, "release")[0] == 400
    assert usage("acme")["users"] == 0


def test_a_lowered_limit_is_honoured_by_the_next_reservation(events: list[ServiceEvent]) -> None:
    # GIVEN 3 users in use, then the limit lowered to 3 (the condition pins the limit it read)
    seed("acme", maxUsers=10)
    quota("acme", "users", 3, "reserve")
    record = ports.store().get("acme")
    assert record is not None
    ports.store().change_settings(
        record, name=None, plan=None, quotas={"maxUsers": 3}, now="2025-01-02T00:00:00.000Z"
    )
    status, payload = quota("acme", "users", 1, "reserve")
    assert (status, payload["error"]["code"]) == (403, "TENANT_QUOTA_EXCEEDED")  # type: ignore[index]


def test_a_reservation_whose_limit_moved_underneath_it_is_retried_against_the_new_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN the limit changes between the read and the conditional update (a platform admin's update)
    seed("acme", maxUsers=5)
    real = ports.store().add_usage
    calls: list[int] = []

    def racing(tenant_id: str, usage_name: str, quota_name: str, amount: int, limit: int) -> TenantRecord:
        calls.append(limit)
        if len(calls) == 1:
            current = ports.store().get(tenant_id)
            assert current is not None
            ports.store().change_settings(
                current, name=None, plan=None, quotas={"maxUsers": 8}, now="2025-01-02T00:00:00Z"
            )
        return real(tenant_id, usage_name, quota_name, amount, limit)

    monkeypatch.setattr(ports.store(), "add_usage", racing)
    # WHEN a user is reserved
    status, payload = quota("acme", "users", 1, "reserve")
    # THEN the first attempt failed on the old limit and the retry succeeded against the new one
    assert status == 200
    assert calls == [5, 8]
    assert payload["data"] == {"allowed": True, "used": 1, "limit": 8}


@pytest.fixture
def atomic_moto_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies one item's conditional write atomically; in-process moto evaluates the condition
    and applies the update in Python without a lock, so threads can interleave between the two (observed:
    ~1 run in 4 over-commits). Serialising moto's UpdateItem restores DynamoDB's guarantee -- and nothing
    more: a read-then-write in our code would still over-commit under this lock."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    unlocked = DynamoDBBackend.update_item

    def update_item(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return unlocked(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "update_item", update_item)


def test_twenty_concurrent_reservations_against_five_seats_commit_exactly_five(
    events: list[ServiceEvent],
) -> None:
    twenty_reservations_against_five_seats(events)


@pytest.mark.usefixtures("dynamodb", "atomic_moto_items")
def test_the_dynamodb_store_commits_exactly_five_of_twenty_concurrent_reservations(
    events: list[ServiceEvent],
) -> None:
    # The same race on the real store: its conditional UpdateItem, not a read before it, decides.
    twenty_reservations_against_five_seats(events)


def twenty_reservations_against_five_seats(events: list[ServiceEvent]) -> None:
    # GIVEN a tenant with 5 seats
    seed("acme", maxUsers=5)

    # WHEN 20 requests reserve 1 seat each at the same time
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: quota("acme", "users", 1, "reserve"), range(20)))

    # THEN exactly 5 succeed, 15 are TENANT_QUOTA_EXCEEDED, and usage is exactly 5
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 5 + [403] * 15
    assert {p["error"]["code"] for s, p in results if s == 403} == {"TENANT_QUOTA_EXCEEDED"}  # type: ignore[index]
    assert sorted(p["data"]["used"] for s, p in results if s == 200) == [1, 2, 3, 4, 5]  # type: ignore[index]
    assert usage("acme")["users"] == 5
    assert len([e for e in events if e.type == "tenant.quota_exceeded"]) == 15


def test_unknown_tenant_is_404() -> None:
    status, payload = quota("nobody", "users", 1, "reserve")
    assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")  # type: ignore[index]
    status, payload = quota("nobody", "users", 1, "release")
    assert (status, payload["error"]["code"]) == (404, "TENANT_NOT_FOUND")  # type: ignore[index]
    assert ports.store().get("nobody") is None  # an update never creates the item


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "users", "requestedAmount": 0, "operation": "reserve"},
        {"resourceType": "users", "requestedAmount": -1, "operation": "release"},
        {"resourceType": "users", "requestedAmount": 1.5, "operation": "reserve"},
        {"resourceType": "users", "requestedAmount": "1", "operation": "reserve"},
        {"resourceType": "apiCalls", "requestedAmount": 1, "operation": "reserve"},
        {"resourceType": "users", "requestedAmount": 1, "operation": "steal"},
        {"resourceType": "users", "requestedAmount": 10**40, "operation": "reserve"},
        {"resourceType": "users", "operation": "reserve"},
    ],
)
def test_bad_quota_requests_are_400(body: dict[str, object]) -> None:
    seed("acme")
    status, payload = internal(check_quota, body=body, tenantId="acme")
    assert (status, payload["error"]["code"]) == (400, "INVALID_REQUEST")
    assert usage("acme") == {"storageBytes": 0, "users": 0}


def test_a_refusal_is_still_403_when_the_bus_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.errors import QueueUnavailable
    from shared.events import publisher

    def down(*_: object) -> None:
        raise QueueUnavailable()

    monkeypatch.setattr(publisher, "send", down)
    seed("acme", maxUsers=0)
    status, payload = quota("acme", "users", 1, "reserve")
    assert (status, payload["error"]["code"]) == (403, "TENANT_QUOTA_EXCEEDED")  # type: ignore[index]


def test_a_file_above_the_plans_max_file_bytes_is_file_too_large_and_reserves_nothing(
    events: list[ServiceEvent],
) -> None:
    # GIVEN a tenant whose plan allows 1,000-byte files and plenty of storage
    seed("acme", storageBytes=10_000, maxFileBytes=1_000)
    # WHEN a 1,001-byte file is reserved
    status, payload = quota("acme", "storage", 1_001, "reserve")
    # THEN 413 FILE_TOO_LARGE with the limit, nothing reserved, and no quota event (not a quota refusal)
    assert status == 413
    assert payload["error"]["code"] == "FILE_TOO_LARGE"  # type: ignore[index]
    assert payload["error"]["details"] == {"maxFileBytes": 1_000, "requested": 1_001}  # type: ignore[index]
    assert usage("acme")["storageBytes"] == 0
    assert events == []
    # AND a file of exactly the limit is fine
    assert quota("acme", "storage", 1_000, "reserve")[0] == 200


def test_the_directory_lists_every_tenant_a_page_at_a_time_and_reconciliation_sets_storage() -> None:
    from functions.tenants import directory, storage_usage
    from shared.access_tokens import issue_system
    from tests.kit import call

    # GIVEN three tenants, one of which counts 500 storage bytes its files no longer hold
    for tenant in ("acme", "globex", "initech"):
        seed(tenant)
    quota("globex", "storage", 500, "reserve")
    # WHEN a job pages through the directory two at a time
    first = call(directory, query={"pageSize": "2"}, service="files")[1]["data"]
    rest = call(directory, query={"pageSize": "2", "cursor": first["nextCursor"]}, service="files")[1]["data"]
    # THEN it sees every tenant once
    assert first["tenantIds"] + rest["tenantIds"] == ["acme", "globex", "initech"]
    assert rest["nextCursor"] is None
    # WHEN reconciliation sets globex's storage to what its files hold (a system token is required)
    body = {"bytes": 120}
    refused, _ = call(storage_usage, params={"tenantId": "globex"}, body=body, service="files")
    token = issue_system("files-reconcile-job", "storage-reconciliation")[0]
    status, payload = call(
        storage_usage, params={"tenantId": "globex"}, body=body, service="files", system_token=token
    )
    # THEN the usage is corrected and the answer says from what
    assert refused == 401
    assert status == 200
    assert payload["data"] == {"tenantId": "globex", "previous": 500, "used": 120, "corrected": True}
    assert usage("globex")["storageBytes"] == 120
