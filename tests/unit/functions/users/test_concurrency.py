"""Uniqueness and counting hold under concurrency because the store evaluates them, not our code.

The in-memory stores decide each write under one lock, as DynamoDB decides each request atomically, while
the handlers' own steps still race on threads: what is tested is that correctness rests on the store's
conditions and transactions only, never on read-then-write. (The same races against moto's DynamoDB are
in test_store_contract.py.)
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from functions.users import create
from tests.unit.functions.users.support import PASSWORD, TENANT, body, internal, stored_count, table

THREADS = 8


def create_user(email: str) -> dict[str, Any]:
    return internal(
        create,
        path="/internal/users/create",
        payload={"email": email, "password": PASSWORD, "tenantId": TENANT},
    )


def test_racing_creates_of_one_email_make_exactly_one_user() -> None:
    # GIVEN many requests registering the same address (spelled differently) at the same moment
    emails = [("Jane@Acme.io" if n % 2 else " jane@acme.io") for n in range(THREADS)]
    # WHEN they all run at once
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(create_user, emails))
    # THEN exactly one wins and every other is 409 USER_ALREADY_EXISTS
    statuses = sorted(r["statusCode"] for r in results)
    assert statuses == [201] + [409] * (THREADS - 1)
    losers = [body(r)["error"]["code"] for r in results if r["statusCode"] == 409]
    assert set(losers) == {"USER_ALREADY_EXISTS"}
    # AND the table holds one user, one claim and a count of one
    assert len(table().users) == 1
    assert list(table().claims) == [(TENANT, "jane@acme.io")]
    assert stored_count() == 1


def test_racing_creates_of_different_emails_are_all_counted() -> None:
    # WHEN distinct users are created at once in one tenant  THEN all succeed and the count is exact
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(create_user, [f"user{n}@acme.io" for n in range(THREADS)]))
    assert [r["statusCode"] for r in results] == [201] * THREADS
    assert stored_count() == THREADS
