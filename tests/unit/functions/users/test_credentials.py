"""users-validate-credentials and users-change-password: no account oracle, lockout, suspension."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from functions.users import change_password, credentials, ports, validate_credentials
from functions.users.records import Lockout
from shared import passwords
from shared.events.model import ServiceEvent
from tests.unit.functions.users.support import (
    OTHER_TENANT,
    PASSWORD,
    TENANT,
    Callees,
    body,
    internal,
    new_user,
    stored_user,
    table,
    without_volatile,
)

NEW_PASSWORD = "battery-staple-77"


# The lockout's clock starts now: its items expire by TTL in real time, as DynamoDB's do.
START = float(int(time.time()))
ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def login(email: str, password: str, tenant: str = TENANT, source: str = ATTACKER) -> dict[str, Any]:
    return internal(
        validate_credentials,
        path="/internal/users/validate-credentials",
        payload={"email": email, "password": password, "tenantId": tenant, "source": source},
    )


def change(user_id: str, current: str, new: str, tenant: str = TENANT) -> dict[str, Any]:
    return internal(
        change_password,
        path=f"/internal/users/{user_id}/change-password",
        path_params={"userId": user_id},
        payload={"tenantId": tenant, "currentPassword": current, "newPassword": new},
    )


def password_hash(user_id: str) -> str:
    stored = stored_user(user_id)
    assert stored is not None
    return stored.password_hash


def lockout_items(user_id: str) -> list[Lockout]:
    """The user's lockouts as stored, one per source (expired ones too, as DynamoDB keeps them a while)."""
    return [held.lockout for key, held in table().lockouts.items() if key[:2] == (TENANT, user_id)]


def code(result: dict[str, Any]) -> str:
    return str(body(result)["error"]["code"])


# --- validate-credentials ----------------------------------------------------------------------------
def test_the_right_password_returns_the_user_without_its_hash() -> None:
    # GIVEN a user  WHEN it logs in with its email in another case
    user = new_user("jane@acme.io", profile={"name": "Jane"})
    result = login("JANE@acme.io ", PASSWORD)
    # THEN 200 with the user's id, normalized email, status and profile, and nothing secret
    assert result["statusCode"] == 200
    assert body(result)["data"] == {
        "userId": user["userId"],
        "email": "jane@acme.io",
        "status": "active",
        "profile": {"name": "Jane"},
    }
    assert "argon2" not in result["body"]
    assert "failedLogins" not in result["body"]


def test_unknown_email_and_wrong_password_are_indistinguishable(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN jane exists, and every argon2 verification is recorded
    new_user("jane@acme.io")
    verified: list[str | None] = []
    real_verify = passwords.verify

    def spy(hashed: str | None, password: str) -> bool:
        verified.append(hashed)
        return real_verify(hashed, password)

    monkeypatch.setattr(passwords, "verify", spy)
    # WHEN someone tries a wrong password for jane, and any password for nobody
    wrong_password = login("jane@acme.io", "wrong-password-1")
    unknown_email = login("nobody@acme.io", "wrong-password-1")
    # THEN both are the same 401 INVALID_CREDENTIALS, apart from request id and timestamp
    assert wrong_password["statusCode"] == unknown_email["statusCode"] == 401
    assert code(wrong_password) == "INVALID_CREDENTIALS"
    assert without_volatile(body(wrong_password)) == without_volatile(body(unknown_email))
    # AND the unknown email cost a (decoy) verification too, so timing does not tell them apart
    assert len(verified) == 2
    assert verified[1] is None


def test_a_user_of_another_tenant_cannot_log_in_here() -> None:
    # GIVEN jane in acme  WHEN she logs in against globex  THEN the same 401 as an unknown email
    new_user("jane@acme.io")
    result = login("jane@acme.io", PASSWORD, tenant=OTHER_TENANT)
    assert result["statusCode"] == 401
    assert code(result) == "INVALID_CREDENTIALS"


def test_five_failures_lock_that_source_out_even_for_the_right_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a user and a clock we control
    now = [START]
    monkeypatch.setattr(credentials, "clock", lambda: now[0])
    user = new_user("jane@acme.io")
    # WHEN five wrong passwords are tried from one address
    failures = [login("jane@acme.io", f"wrong-password-{n}") for n in range(5)]
    # THEN each is 401, and that address is now locked out for 15 minutes
    assert [r["statusCode"] for r in failures] == [401] * 5
    [lockout] = lockout_items(user["userId"])
    assert lockout.locked_until == START + 15 * 60
    # AND the right password from that address is refused with 423 ACCOUNT_LOCKED and Retry-After
    locked = login("jane@acme.io", PASSWORD)
    assert locked["statusCode"] == 423
    assert code(locked) == "ACCOUNT_LOCKED"
    assert locked["headers"]["Retry-After"] == str(15 * 60)
    assert body(locked)["error"]["details"]["retryAfter"] == 15 * 60
    now[0] += 15 * 60 - 1
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 423
    # WHEN the 15 minutes are over  THEN the right password works and the history is forgotten
    now[0] += 2
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200
    assert lockout_items(user["userId"]) == []


def test_a_strangers_failures_never_lock_the_owner_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an attacker who locked itself out of jane's account
    monkeypatch.setattr(credentials, "clock", lambda: START)
    new_user("jane@acme.io")
    for n in range(6):
        login("jane@acme.io", f"wrong-password-{n}", source=ATTACKER)
    assert login("jane@acme.io", PASSWORD, source=ATTACKER)["statusCode"] == 423
    # WHEN jane logs in from her own address  THEN she gets in
    assert login("jane@acme.io", PASSWORD, source=OWNER)["statusCode"] == 200
    # AND the attacker is still locked out
    assert login("jane@acme.io", PASSWORD, source=ATTACKER)["statusCode"] == 423


def test_each_new_lock_of_the_same_source_lasts_twice_as_long(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a source that keeps guessing
    now = [START]
    monkeypatch.setattr(credentials, "clock", lambda: now[0])
    new_user("jane@acme.io")
    waits = []
    for _ in range(4):
        for n in range(5):
            assert login("jane@acme.io", f"wrong-password-{n}")["statusCode"] == 401
        locked = login("jane@acme.io", PASSWORD)
        waits.append(int(locked["headers"]["Retry-After"]))
        now[0] += waits[-1]
    # THEN 15, 30, 60, 120 minutes
    assert waits == [15 * 60, 30 * 60, 60 * 60, 120 * 60]


def test_a_success_resets_the_consecutive_failures() -> None:
    # GIVEN four failures, then a success
    new_user("jane@acme.io")
    for n in range(4):
        login("jane@acme.io", f"wrong-password-{n}")
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200
    # WHEN four more failures follow  THEN the account is not locked (they were not consecutive)
    for n in range(4):
        assert login("jane@acme.io", f"wrong-password-{n}")["statusCode"] == 401
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200


def test_concurrent_failures_are_all_counted() -> None:
    # GIVEN a user  WHEN five wrong passwords arrive at once
    user = new_user("jane@acme.io")
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda n: login("jane@acme.io", f"wrong-password-{n}"), range(5)))
    # THEN every one counted (ADD is atomic): the source is locked out
    assert [r["statusCode"] for r in results] == [401] * 5
    assert [item.locked_until is not None for item in lockout_items(user["userId"])] == [True]
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 423


def test_a_suspended_user_learns_it_only_with_the_right_password() -> None:
    # GIVEN a suspended user
    user = new_user("jane@acme.io")
    ports.users().set_status(TENANT, user["userId"], "suspended", now="2024-01-01T00:00:00Z")
    # WHEN it logs in with the wrong password  THEN the usual 401 (suspension is no oracle)
    assert code(login("jane@acme.io", "wrong-password-1")) == "INVALID_CREDENTIALS"
    # WHEN it logs in with the right password  THEN 403 USER_SUSPENDED
    result = login("jane@acme.io", PASSWORD)
    assert result["statusCode"] == 403
    assert code(result) == "USER_SUSPENDED"


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "jane@acme.io", "password": PASSWORD},
        {"email": "jane@acme.io", "password": PASSWORD, "tenantId": "../x"},
        {"email": "jane@acme.io", "tenantId": TENANT},
        {"email": "jane@acme.io", "password": "x" * 2000, "tenantId": TENANT},
        {"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT, "userId": "u_x"},
    ],
)
def test_a_malformed_request_is_400(payload: dict[str, Any]) -> None:
    result = internal(validate_credentials, path="/internal/users/validate-credentials", payload=payload)
    assert result["statusCode"] == 400
    assert code(result) == "INVALID_REQUEST"


# --- change-password ---------------------------------------------------------------------------------
def test_changing_the_password_replaces_it_ends_other_sessions_and_announces_it(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN a user
    user = new_user("jane@acme.io")
    published.clear()
    # WHEN it changes its password with the right current one
    result = change(user["userId"], PASSWORD, NEW_PASSWORD)
    # THEN 200 {changed: true}; the new password works and the old one no longer does
    assert result["statusCode"] == 200
    assert body(result)["data"] == {"changed": True}
    assert login("jane@acme.io", NEW_PASSWORD)["statusCode"] == 200
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 401
    # AND the cache bumped the user's epoch (no status: the user stays active)
    assert callees.sent("/internal/principals/user") == [{"tenantId": TENANT, "userId": user["userId"]}]
    # AND user.password_changed carries neither password nor hash
    assert [e.type for e in published] == ["user.password_changed"]
    data = published[0].data
    assert data["userId"] == user["userId"]
    assert data["email"] == "jane@acme.io"
    assert data["changedAt"].endswith("Z")
    assert NEW_PASSWORD not in str(data)
    assert "argon2" not in str(data)


def test_a_wrong_current_password_is_401_and_changes_nothing(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    user = new_user("jane@acme.io")
    published.clear()
    before = password_hash(user["userId"])
    # WHEN the current password is wrong  THEN 401 INVALID_CREDENTIALS, same hash, no call, no event
    result = change(user["userId"], "wrong-password-1", NEW_PASSWORD)
    assert result["statusCode"] == 401
    assert code(result) == "INVALID_CREDENTIALS"
    assert password_hash(user["userId"]) == before
    assert callees.sent("/internal/principals/user") == []
    assert published == []


def test_a_weak_new_password_is_400_on_new_password() -> None:
    user = new_user("jane@acme.io")
    result = change(user["userId"], PASSWORD, "weak")
    assert result["statusCode"] == 400
    assert body(result)["error"]["field"] == "newPassword"
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200


def test_changing_the_password_of_another_tenants_user_is_404() -> None:
    # GIVEN jane in acme  WHEN a change names her id under globex  THEN 404 USER_NOT_FOUND
    user = new_user("jane@acme.io")
    result = change(user["userId"], PASSWORD, NEW_PASSWORD, tenant=OTHER_TENANT)
    assert result["statusCode"] == 404
    assert code(result) == "USER_NOT_FOUND"
    assert code(change("u_" + "0" * 32, PASSWORD, NEW_PASSWORD)) == "USER_NOT_FOUND"
    assert login("jane@acme.io", PASSWORD)["statusCode"] == 200


def test_wrong_current_passwords_count_towards_the_lockout() -> None:
    # GIVEN five wrong current passwords  WHEN the right one is sent  THEN 423 (no brute force here either)
    user = new_user("jane@acme.io")
    for n in range(5):
        assert change(user["userId"], f"wrong-password-{n}", NEW_PASSWORD)["statusCode"] == 401
    assert code(change(user["userId"], PASSWORD, NEW_PASSWORD)) == "ACCOUNT_LOCKED"
