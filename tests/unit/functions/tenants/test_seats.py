"""seats: one user seat reserved or released under the caller's key (the new user's id), so the route
keeps no idempotency record — a reservation whose answer was lost and is retried counts once (issue #11:
one record, not a 409 and not two), even when the tenant is full by then — and, with `usableOnly`, the
tenant refused as validate refuses it, in the same read."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from functions.tenants import ports, seats
from shared.events.model import ServiceEvent
from tests.kit import dynamodb_calls
from tests.unit.functions.tenants.conftest import internal, seed


def seat(key: str, operation: str = "reserve", tenant: str = "acme", **extra: object) -> tuple[int, Any]:
    return internal(seats, body={"key": key, "operation": operation, **extra}, tenantId=tenant)


def used(tenant: str = "acme") -> int:
    record = ports.store().get(tenant)
    assert record is not None
    return record.usage["users"]


def test_a_repeated_reservation_counts_once_even_when_the_tenant_is_full_by_then() -> None:
    # GIVEN a tenant of 2 seats, one reserved under u_1
    seed("acme", maxUsers=2)
    assert seat("u_1")[1]["data"] == {"allowed": True, "used": 1, "limit": 2}
    # WHEN u_1's reservation comes again  THEN allowed, still one seat used
    assert seat("u_1")[0] == 200
    assert used() == 1
    # AND when another fills the tenant, u_1's repeat is still allowed, another key is refused
    assert seat("u_2")[0] == 200
    assert seat("u_1")[1]["data"] == {"allowed": True, "used": 2, "limit": 2}
    status, payload = seat("u_3")
    assert (status, payload["error"]["code"]) == (403, "TENANT_QUOTA_EXCEEDED")
    assert used() == 2


def test_a_release_gives_back_only_what_the_key_holds_and_once() -> None:
    seed("acme", maxUsers=3)
    seat("u_1")
    seat("u_2")
    # WHEN u_1's seat is released twice, and a key that holds none is released
    for key in ("u_1", "u_1", "u_9"):
        assert seat(key, "release")[0] == 200
    # THEN one seat was given back
    assert used() == 1
    # AND u_1 may reserve again (the key is free)
    assert seat("u_1")[0] == 200
    assert used() == 2


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("suspended", (403, "TENANT_SUSPENDED")),
        ("provisioning", (404, "TENANT_NOT_FOUND")),
        ("deleting", (404, "TENANT_NOT_FOUND")),
    ],
)
def test_usable_only_refuses_what_validate_refuses_and_reserves_nothing(
    status: str, expected: tuple[int, str]
) -> None:
    seed("acme", status=status)
    code, payload = seat("u_1", usableOnly=True)
    assert (code, payload["error"]["code"]) == expected
    assert used() == 0
    # AND without it (a tenant's creation reserving its admin's seat) a provisioning tenant is fine
    if status == "provisioning":
        assert seat("u_1")[0] == 200


def test_an_unknown_tenant_is_404_and_a_bad_key_400() -> None:
    assert seat("u_1", tenant="nobody")[1]["error"]["code"] == "TENANT_NOT_FOUND"
    assert seat("u_1", tenant="nobody", usableOnly=True)[1]["error"]["code"] == "TENANT_NOT_FOUND"
    seed("acme")
    code, payload = seat("u#1")
    assert (code, payload["error"]["field"]) == (400, "key")


@pytest.mark.usefixtures("dynamodb")
def test_on_the_table_a_reservation_is_one_read_and_one_transaction_and_a_repeat_counts_once() -> None:
    seed("acme", maxUsers=2)
    with dynamodb_calls() as seen:
        assert seat("u_1", usableOnly=True)[0] == 200
    assert seen == ["GetItem", "TransactWriteItems"]
    assert seat("u_1", usableOnly=True)[0] == 200
    assert seat("u_1", "release")[0] == 200
    assert seat("u_1", "release")[0] == 200
    assert used() == 0


@pytest.fixture
def atomic_moto_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies a transaction atomically; in-process moto checks and writes in Python without a
    lock, so threads can interleave between the two. Serialising moto's TransactWriteItems restores
    DynamoDB's guarantee and nothing more (a read-then-write of ours would still over-commit)."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    unlocked = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return unlocked(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", transact_write_items)


@pytest.mark.usefixtures("dynamodb", "atomic_moto_transactions")
def test_on_the_table_twenty_concurrent_keys_against_five_seats_commit_exactly_five(
    events: list[ServiceEvent],
) -> None:
    seed("acme", maxUsers=5)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda n: seat(f"u_{n}"), range(20)))
    assert sorted(status for status, _ in results) == [200] * 5 + [403] * 15
    assert used() == 5
